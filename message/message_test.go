package message

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

// TestGetRootBytes pins the first frame body of both Python clients.
func TestGetRootBytes(t *testing.T) {
	m := Message{Type: Request, Seq: int64(0), Payload: brine.Tuple{int64(HandleGetRoot), brine.Tuple{int64(LabelValue), brine.Tuple{}}}}
	for layout, want := range map[Layout]string{LayoutV5: "1251501153115102", LayoutV6: "0111501153115102"} {
		got, err := Encode(layout, m)
		if err != nil || hex.EncodeToString(got) != want {
			t.Errorf("%v: got %x, %v; want %s", layout, got, err, want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for name, h := range map[string]string{
		"empty":          "",
		"unknown first":  "07",
		"v6 type only":   "01",
		"v6 not a pair":  "0151",
		"v6 bad brine":   "011107",
		"v5 bad type":    "12080a615000",
		"v5 type 9":      "1259505000",
		"v6 triple":      "0112505050",
		"v5 short tuple": "125150",
	} {
		data, _ := hex.DecodeString(h)
		if _, _, err := Decode(data, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestTrailingBytesIgnored(t *testing.T) {
	data, _ := hex.DecodeString("0111505000ffff")
	m, _, err := Decode(data, nil)
	if err != nil || m.Type != Request {
		t.Fatalf("got %v, %v", m, err)
	}
}

func TestBoxAndIDPack(t *testing.T) {
	b, err := ParseBox(brine.Tuple{int64(4), brine.Tuple{"builtins.list", int64(701326208), int64(140233694904848)}})
	if err != nil || b.Label != LabelRemoteRef {
		t.Fatalf("ParseBox: %v %v", b, err)
	}
	p, err := ParseIDPack(b.Value)
	if err != nil || p.Name != "builtins.list" || p.InstanceID != 140233694904848 {
		t.Fatalf("ParseIDPack: %v %v", p, err)
	}
	if brine.Repr(p.Tuple()) != "('builtins.list', 701326208, 140233694904848)" {
		t.Errorf("Tuple = %s", brine.Repr(p.Tuple()))
	}
	if _, err := ParseBox(brine.Tuple{int64(9), nil}); !errors.Is(err, ErrMalformed) {
		t.Errorf("label 9: %v", err)
	}
	if _, err := ParseIDPack(brine.Tuple{int64(1), int64(2), int64(3)}); err == nil {
		t.Error("int name accepted")
	}
	h, args, err := ParseRequest(brine.Tuple{int64(99), brine.Tuple{int64(1), brine.Tuple{}}})
	if err != nil || h != 99 || args == nil {
		t.Errorf("ParseRequest: %v %v %v", h, args, err)
	}
	if HandleInstanceCheck.String() != "HANDLE_INSTANCECHECK" || Handler(99).String() != "HANDLE(99)" {
		t.Error("handler names")
	}
}
