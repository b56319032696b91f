package message

import (
	"bytes"
	"errors"
	"testing"
)

// The prefix is two big-endian uint64s (Python's brine.I8I8, "!QQ"), and
// a server tells a prefixed first message from the 5.x and 6.x layouts.
func TestThreadPrefix(t *testing.T) {
	msg, err := Encode(LayoutV6, Message{Type: Request, Seq: int64(1), Payload: int64(2)})
	if err != nil {
		t.Fatal(err)
	}
	th := Threads{Sender: 140245110773312, Receiver: 7}
	data := append(AppendThreads(nil, th), msg...)
	want := []byte{0, 0, 0x7f, 0x8d, 0x5c, 0x02, 0x56, 0x40, 0, 0, 0, 0, 0, 0, 0, 7} // struct.pack("!QQ", ...)
	if !bytes.Equal(data[:16], want) {
		t.Fatalf("prefix % x, want % x", data[:16], want)
	}
	if !DetectThreads(data) {
		t.Fatal("a prefixed request was not detected")
	}
	if DetectThreads(msg) {
		t.Fatal("a plain 6.x message was taken for a prefixed one")
	}
	v5, _ := Encode(LayoutV5, Message{Type: Request, Seq: int64(1), Payload: int64(2)})
	if DetectThreads(v5) {
		t.Fatal("a 5.x message was taken for a prefixed one")
	}
	got, rest, err := SplitThreads(data)
	if err != nil || got != th || !bytes.Equal(rest, msg) {
		t.Fatalf("SplitThreads: %v %v %v", got, rest, err)
	}
	if _, _, err := SplitThreads(data[:10]); !errors.Is(err, ErrMalformed) {
		t.Fatalf("a short message: %v, want ErrMalformed", err)
	}
}
