//go:build unix

package interop

import (
	"errors"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestErrorsRemoteOneLine: an exception raised by a Python server reads
// as one line, "ValueError: bad value", with the module for custom
// classes; the traceback is still there through Detail and %+v.
func TestErrorsRemoteOneLine(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startFactoryServer(t, layout)
		ctx := ctxT(t)
		c, err := rpyc.Dial(ctx, p.Addr, &rpyc.Config{Layout: layout})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		root, err := c.Root(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct{ method, want string }{
			{"fail", "ValueError: bad value"},
			{"fail_custom", "__main__.QuotaError: over quota"},
		} {
			arg := tc.want[strings.Index(tc.want, ": ")+2:]
			_, err := root.CallMethod(ctx, tc.method, arg)
			var exc *vinegar.Exception
			if !errors.As(err, &exc) {
				t.Fatalf("%s: got %v (%T), want a *vinegar.Exception", tc.method, err, err)
			}
			if got := exc.Error(); got != tc.want {
				t.Errorf("%s: Error() = %q, want %q", tc.method, got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("%s: the returned error %q is not one line holding %q", tc.method, err, tc.want)
			}
			if !strings.Contains(exc.Traceback, "exposed_"+tc.method) {
				t.Errorf("%s: Traceback %q does not show the Python frame", tc.method, exc.Traceback)
			}
			full := fmt.Sprintf("%+v", exc)
			if !strings.Contains(full, "Remote Traceback") || !strings.Contains(full, "exposed_"+tc.method) {
				t.Errorf("%s: %%+v = %q, want the remote traceback", tc.method, full)
			}
		}
	})
}

// notRPyC checks that dialing addr fails with a NotRPyCError that names
// the address and quotes what the server sent.
func notRPyC(t *testing.T, addr, wantSent string) {
	t.Helper()
	c, err := rpyc.Dial(ctxT(t), addr, nil)
	if err == nil {
		c.Close()
		t.Fatalf("Dial %s succeeded", addr)
	}
	var nr *channel.NotRPyCError
	if !errors.As(err, &nr) || !errors.Is(err, channel.ErrNotRPyC) {
		t.Fatalf("Dial %s: %v (%T), want a *channel.NotRPyCError", addr, err, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, addr+" does not speak RPyC") || !strings.Contains(msg, wantSent) {
		t.Errorf("error %q does not name %s and quote %q", msg, addr, wantSent)
	}
	if strings.Contains(msg, "frame too large") || strings.Contains(msg, "declared body length") {
		t.Errorf("error %q talks about frames", msg)
	}
	t.Logf("%v", err)
}

// TestErrorsNotRPyC: dialing an HTTP server, an SSH server and a server
// sending garbage says the peer does not speak RPyC and shows what it
// sent, instead of a frame length.
func TestErrorsNotRPyC(t *testing.T) {
	t.Run("http", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintln(w, "hello")
		}))
		defer srv.Close()
		notRPyC(t, srv.Listener.Addr().String(), `HTTP/1.1 400 Bad Request`)
	})
	t.Run("ssh", func(t *testing.T) {
		sshd := startSSHD(t)
		notRPyC(t, sshd.addr, `SSH-2.0-OpenSSH`)
	})
	t.Run("garbage", func(t *testing.T) {
		junk := make([]byte, 200)
		rand.New(rand.NewSource(1)).Read(junk)
		junk[0], junk[4] = 0x7f, 0x09 // a 2 GB length and no valid flag
		addr := fakePeer(t, junk, false)
		notRPyC(t, addr, `\x7f`)
	})
	t.Run("short-reply", func(t *testing.T) {
		addr := fakePeer(t, []byte("OK\n"), false)
		notRPyC(t, addr, `OK\n`)
	})
}

// TestErrorsPlainToTLS: a plain Dial to a TLS server says the peer is not
// plain RPyC and points at DialTLS.
func TestErrorsPlainToTLS(t *testing.T) {
	pki := newTestPKI(t)
	p := startFactoryServer(t, message.LayoutV5, "--ssl", pki.serverCert, pki.serverKey)
	c, err := rpyc.Dial(ctxT(t), p.Addr, nil)
	if err == nil {
		c.Close()
		t.Fatal("plain Dial to a TLS server succeeded")
	}
	if !strings.Contains(err.Error(), "DialTLS") {
		t.Errorf("error %q does not point at DialTLS", err)
	}
	t.Logf("%v", err)
}

// TestErrorsTLSToPlain: DialTLS to a plain RPyC server says the server
// does not speak TLS and points at Dial.
func TestErrorsTLSToPlain(t *testing.T) {
	p := startFactoryServer(t, message.LayoutV5)
	// Python reads the ClientHello as the header of a 369 MB frame and
	// waits for the rest, so the handshake timeout is what ends this.
	c, err := rpyc.DialTLS(ctxT(t), p.Addr, &rpyc.TLSOptions{InsecureSkipVerify: true, HandshakeTimeout: time.Second}, nil)
	if err == nil {
		c.Close()
		t.Fatal("DialTLS to a plain server succeeded")
	}
	if !errors.Is(err, rpyc.ErrTLSHandshakeTimeout) {
		t.Errorf("error %v does not match ErrTLSHandshakeTimeout", err)
	}
	if !strings.Contains(err.Error(), "does not speak TLS") || !strings.Contains(err.Error(), p.Addr) {
		t.Errorf("error %q does not say %s does not speak TLS", err, p.Addr)
	}
	t.Logf("%v", err)
}
