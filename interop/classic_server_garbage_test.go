//go:build unix

package interop

import (
	"crypto/rand"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/classic"
)

// TestClassicServerGarbage: an HTTP request and random bytes on the
// classic port get a closed connection and a log line each; the server
// keeps serving classic clients.
func TestClassicServerGarbage(t *testing.T) {
	srv := startGoClassic(t, goClassicBinary(t))
	noise := make([]byte, 64<<10)
	_, _ = rand.Read(noise)
	noise[0] = 0xff // a declared length over the limit, not a frame still arriving
	badBody := append([]byte{0, 0, 0, 10, 0}, []byte("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\n")...)
	payloads := [][]byte{[]byte("GET / HTTP/1.0\r\n\r\n"), noise, badBody}
	for i, payload := range payloads {
		nc, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
		_, _ = nc.Write(payload)
		if _, err := io.Copy(io.Discard, nc); err != nil && !strings.Contains(err.Error(), "reset") {
			t.Errorf("payload %d: the server did not close the connection: %v", i, err)
		}
		nc.Close()
	}
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(srv.stderr.String(), "closing connection") < len(payloads) {
		if time.Now().After(deadline) {
			t.Fatalf("no log line per dropped connection:\n%s", srv.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	ctx := ctxT(t)
	c, err := classic.Connect(ctx, srv.Addr, nil)
	if err != nil {
		t.Fatalf("after garbage: %v", err)
	}
	defer c.Close()
	if v, err := c.Eval(ctx, "6*7"); err != nil || v != int64(42) {
		t.Errorf("after garbage: eval = %v, %v", v, err)
	}
}
