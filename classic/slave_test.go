package classic_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/slave"
	"github.com/rpyc-go/rpyc/stream"
)

// goSlave connects the classic client to this project's Go classic
// server (package slave) over an in-memory stream.
func goSlave(t *testing.T) *classic.Conn {
	t.Helper()
	a, b := stream.MemPipe()
	srv, err := rpyc.NewServerConn(b, slave.New(nil), slave.Config(nil))
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := classic.ConnectStream(ctx, a, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(); srv.Close() })
	return c
}

// TestGoSlave: the classic client drives the Go classic server too: eval,
// dotted calls, file helpers, by-value fetches and tree transfers (which
// go through os.walk and os.stat where the one-round-trip helper needs a
// function the server's modules lack).
func TestGoSlave(t *testing.T) {
	c := goSlave(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if n, err := rpyc.As[int](c.Eval(ctx, "1 + 2")); err != nil || n != 3 {
		t.Errorf("Eval = %d, %v", n, err)
	}
	if j, err := rpyc.As[string](c.Call(ctx, "os.path.join", "a", "b")); err != nil || j != "a/b" {
		t.Errorf("os.path.join = %q, %v", j, err)
	}
	l, err := c.Eval(ctx, "[1, 2, 3]")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rpyc.Obtain[[]int](ctx, l); err != nil || len(got) != 3 || got[2] != 3 {
		t.Errorf("Obtain = %v, %v", got, err)
	}
	dir := t.TempDir()
	f := filepath.Join(dir, "f.txt")
	if err := c.WriteFile(ctx, f, []byte("hello")); err != nil {
		t.Fatalf("WriteFile: %v", err)
	}
	if data, err := c.ReadFile(ctx, f); err != nil || string(data) != "hello" {
		t.Errorf("ReadFile = %q, %v", data, err)
	}
	if st, err := c.Stat(ctx, f); err != nil || st.Size != 5 || st.IsDir {
		t.Errorf("Stat = %+v, %v", st, err)
	}
	src := filepath.Join(dir, "src")
	big := bytes.Repeat([]byte("0123456789"), 100000)
	files := map[string][]byte{"a.txt": []byte("a"), "sub/b.bin": big, "sub/deeper/c": nil}
	for rel, data := range files {
		p := filepath.Join(src, rel)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Upload(ctx, src, filepath.Join(dir, "up"), nil); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if err := c.Download(ctx, filepath.Join(dir, "up"), filepath.Join(dir, "down"), nil); err != nil {
		t.Fatalf("Download: %v", err)
	}
	for rel, data := range files {
		for _, side := range []string{"up", "down"} {
			got, err := os.ReadFile(filepath.Join(dir, side, rel))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s/%s: %d bytes, %v; want %d bytes", side, rel, len(got), err, len(data))
			}
		}
	}
}
