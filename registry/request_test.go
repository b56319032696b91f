package registry

import (
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

// Bytes produced by Python rpyc 5.3's brine.dump for the same requests.
var pythonRequests = []struct {
	hex string
	req Request
}{
	{"12080d52505943080e0852454749535445521111080c464f4f080c62617216053138383132",
		Request{Command: CmdRegister, Names: []string{"FOO", "bar"}, Port: 18812}},
	{"12080d52505943080e0a554e52454749535445521016053138383132",
		Request{Command: CmdUnregister, Port: 18812}},
	{"12080d52505943080e05515545525910080c666f6f",
		Request{Command: CmdQuery, Name: "foo"}},
	{"12080d52505943080d4c495354101000",
		Request{Command: CmdList}},
	{"12080d52505943080d4c4953541010080e093132372e302e302e31",
		Request{Command: CmdList, FilterHost: "127.0.0.1"}},
}

func TestRequestMatchesPython(t *testing.T) {
	for _, tc := range pythonRequests {
		data, _ := hex.DecodeString(tc.hex)
		got, err := ParseRequest(data)
		if err != nil {
			t.Fatalf("ParseRequest(%s): %v", tc.hex, err)
		}
		if !reflect.DeepEqual(got, tc.req) {
			t.Errorf("ParseRequest(%s) = %+v, want %+v", tc.hex, got, tc.req)
		}
		enc, err := tc.req.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(enc) != tc.hex {
			t.Errorf("Encode(%+v) = %x, want Python's %s", tc.req, enc, tc.hex)
		}
	}
}

func TestParseRequestCommandCaseInsensitive(t *testing.T) {
	data, _ := brine.Encode(brine.Tuple{"RPYC", "query", brine.Tuple{"x"}})
	r, err := ParseRequest(data)
	if err != nil || r.Command != CmdQuery || r.Name != "x" {
		t.Fatalf("got %+v, %v", r, err)
	}
}

func TestParseRequestRejects(t *testing.T) {
	long := make([]byte, MaxNameLen+1)
	for i := range long {
		long[i] = 'a'
	}
	many := make(brine.Tuple, MaxNames+1)
	for i := range many {
		many[i] = "n"
	}
	cases := map[string]any{
		"not a tuple":       "RPYC",
		"short tuple":       brine.Tuple{"RPYC", "QUERY"},
		"wrong magic":       brine.Tuple{"RPYD", "QUERY", brine.Tuple{"x"}},
		"bytes magic":       brine.Tuple{[]byte("RPYC"), "QUERY", brine.Tuple{"x"}},
		"unknown command":   brine.Tuple{"RPYC", "DELETE", brine.Tuple{"x"}},
		"int command":       brine.Tuple{"RPYC", 7, brine.Tuple{"x"}},
		"args not tuple":    brine.Tuple{"RPYC", "QUERY", "x"},
		"query no args":     brine.Tuple{"RPYC", "QUERY", brine.Tuple{}},
		"query int name":    brine.Tuple{"RPYC", "QUERY", brine.Tuple{5}},
		"query empty name":  brine.Tuple{"RPYC", "QUERY", brine.Tuple{""}},
		"query long name":   brine.Tuple{"RPYC", "QUERY", brine.Tuple{string(long)}},
		"register str":      brine.Tuple{"RPYC", "REGISTER", brine.Tuple{"FOO", 1}},
		"register no names": brine.Tuple{"RPYC", "REGISTER", brine.Tuple{brine.Tuple{}, 1}},
		"register many":     brine.Tuple{"RPYC", "REGISTER", brine.Tuple{many, 1}},
		"register port 0":   brine.Tuple{"RPYC", "REGISTER", brine.Tuple{brine.Tuple{"A"}, 0}},
		"register port big": brine.Tuple{"RPYC", "REGISTER", brine.Tuple{brine.Tuple{"A"}, 70000}},
		"register port str": brine.Tuple{"RPYC", "REGISTER", brine.Tuple{brine.Tuple{"A"}, "1"}},
		"unregister none":   brine.Tuple{"RPYC", "UNREGISTER", brine.Tuple{nil}},
		"list flat":         brine.Tuple{"RPYC", "LIST", brine.Tuple{"h"}},
		"list empty":        brine.Tuple{"RPYC", "LIST", brine.Tuple{brine.Tuple{}}},
		"list int host":     brine.Tuple{"RPYC", "LIST", brine.Tuple{brine.Tuple{1}}},
	}
	for name, v := range cases {
		data, err := brine.Encode(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := ParseRequest(data); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: ParseRequest = %v, want ErrMalformed", name, err)
		}
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"garbage":   []byte("GET / HTTP/1.0\r\n\r\n"),
		"truncated": mustHex(pythonRequests[0].hex)[:20],
		"trailing":  append(mustHex(pythonRequests[2].hex), 0),
		"oversized": make([]byte, MaxDatagramSize+1),
		// A tuple header claiming 2^31 items in a few bytes.
		"huge list": {0x14, 0xff, 0xff, 0xff, 0x7f},
	} {
		if _, err := ParseRequest(data); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: ParseRequest = %v, want ErrMalformed", name, err)
		}
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}
