//go:build unix

package interop

import (
	"context"
	"encoding/binary"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// startClassicServer starts classic_server.py (mode "slave" or "plain")
// in the given layout and returns its address.
func startClassicServer(t *testing.T, mode string, layout message.Layout, extra ...string) *Peer {
	t.Helper()
	return Start(t, PeerOptions{Script: "classic_server.py", Args: append([]string{mode}, extra...), Layout6: layout == message.LayoutV6})
}

// startRPyCClassic starts Debian's rpyc_classic command on a free port.
func startRPyCClassic(t *testing.T, layout message.Layout, args ...string) *Peer {
	t.Helper()
	return Start(t, PeerOptions{Script: "classic_rpyc_classic.py", Args: args, Layout6: layout == message.LayoutV6})
}

func layoutConfig(layout message.Layout) *rpyc.Config {
	cfg := rpyc.DefaultConfig()
	cfg.Layout = layout
	return cfg
}

// connectClassic connects the classic client to addr and closes it at
// cleanup.
func connectClassic(t *testing.T, addr string, layout message.Layout) *classic.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := classic.Connect(ctx, addr, layoutConfig(layout))
	if err != nil {
		t.Fatalf("classic.Connect(%s): %v", addr, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// frameCounter counts the channel frames written through it, by parsing
// the byte stream (header: 4-byte length, 1-byte flag; body; "\n").
type frameCounter struct {
	net.Conn
	mu     sync.Mutex
	hdr    []byte
	need   int // body and trailer bytes still to come in this frame
	frames int
	heads  [][]byte // the first bytes of each frame, for failure messages
}

func (f *frameCounter) Write(p []byte) (int, error) {
	f.mu.Lock()
	for q := p; len(q) > 0; {
		if f.need > 0 {
			n := min(f.need, len(q))
			f.need -= n
			q = q[n:]
			continue
		}
		if len(f.hdr) == 0 {
			f.heads = append(f.heads, append([]byte(nil), q[:min(len(q), 24)]...))
		}
		n := min(5-len(f.hdr), len(q))
		f.hdr = append(f.hdr, q[:n]...)
		q = q[n:]
		if len(f.hdr) == 5 {
			f.need = int(binary.BigEndian.Uint32(f.hdr[:4])) + 1
			f.hdr = f.hdr[:0]
			f.frames++
		}
	}
	f.mu.Unlock()
	return f.Conn.Write(p)
}

// Heads returns the first bytes of frames from index i on.
func (f *frameCounter) Heads(i int) [][]byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.heads[i:]
}

// Frames returns the number of frames written so far, not counting
// HANDLE_DEL requests: those of netrefs the garbage collector found go
// out whenever it runs, not when a test's own calls do.
func (f *frameCounter) Frames() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := f.frames
	for _, h := range f.heads {
		if isDelRequest(h) {
			n--
		}
	}
	return n
}

// isDelRequest reports whether a frame's first bytes (header included)
// are a HANDLE_DEL request, in either message layout.
func isDelRequest(head []byte) bool {
	if len(head) < 6 || head[4] != 0 { // compressed: not a small DEL
		return false
	}
	b := head[5:]
	var d brine.Decoder
	next := func() (int64, bool) {
		v, n, err := d.DecodePrefix(b)
		if err != nil {
			return 0, false
		}
		b = b[n:]
		i, ok := v.(int64)
		return i, ok
	}
	switch {
	case b[0] == byte(message.Request): // 6.x: type, then (seq, (handler, args))
		b = b[1:]
		if len(b) == 0 || b[0] != brine.TagTuple2 {
			return false
		}
		b = b[1:]
	case b[0] == brine.TagTuple3: // 5.x: (type, seq, (handler, args))
		b = b[1:]
		if t, ok := next(); !ok || t != int64(message.Request) {
			return false
		}
	default:
		return false
	}
	if _, ok := next(); !ok { // seq
		return false
	}
	if len(b) == 0 || b[0] != brine.TagTuple2 {
		return false
	}
	b = b[1:]
	h, ok := next()
	return ok && h == int64(message.HandleDel)
}

// dialCounted connects to a Python server through a frameCounter.
func dialCounted(t *testing.T, addr string, layout message.Layout) (*rpyc.Conn, *frameCounter) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	fc := &frameCounter{Conn: nc}
	c, err := rpyc.Connect(fc, nil, layoutConfig(layout))
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c, fc
}
