package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// Learning the layout. rpyc 5.x and 6.x pack a message differently, and a
// server of either kind hangs up on a message in the other layout (a 5.x
// Python server logs a traceback each time). Nothing on the wire says
// which a server speaks before the client's first message, so a dialer
// that can open a second stream speaks 6.x, fetches the root, and on a
// hang-up opens a new stream speaking 5.x. What it learnt is kept per
// address for the life of the process, so a program that dials the same
// 5.x server a thousand times probes once.

// layoutCache maps a dialer's address key ("tcp host:port",
// "unix /path", ...) to the layout its server was last seen to speak.
var layoutCache sync.Map // string -> message.Layout

// ForgetLayout drops what the dialing functions learnt about the message
// layout of the server at addr (as given to Dial, DialUnix, DialTLS, ...;
// "" forgets every address), so the next dial probes again. A server that
// changed its rpyc version is re-learnt by itself: this is only needed to
// stop a known-stale entry from costing one failed attempt.
func ForgetLayout(addr string) {
	layoutCache.Range(func(k, _ any) bool {
		key := k.(string)
		if addr == "" || keyAddr(key) == addr {
			layoutCache.Delete(key)
		}
		return true
	})
}

// keyAddr is the address part of a cache key: what follows the first space.
func keyAddr(key string) string {
	for i := 0; i < len(key); i++ {
		if key[i] == ' ' {
			return key[i+1:]
		}
	}
	return key
}

// cachedLayout returns the layout learnt for key, or 0.
func cachedLayout(key string) message.Layout {
	if v, ok := layoutCache.Load(key); ok {
		return v.(message.Layout)
	}
	return 0
}

// learnSpec says how a dialer reaches its server.
type learnSpec struct {
	key     string // layout cache key; "" disables the cache
	addr    string // names the server in errors
	service any
	cfg     *Config
	noCache bool
	// dial opens a new stream to the server; it is called once, or twice
	// when the first layout tried was wrong.
	dial func(ctx context.Context) (net.Conn, error)
	// hint says what else the server may be when it hangs up on both
	// layouts ("a TLS server? use DialTLS").
	hint string
	// closeErr, when set, adds to a failure's message (a subprocess's
	// standard error, say).
	closeErr func(err error) error
}

// dialLearning connects with cfg.Layout, or, when it is zero, with the
// layout learnt for spec.key (6.x if none), trying the other layout on a
// new stream if the server hangs up on the first request.
func dialLearning(ctx context.Context, spec learnSpec) (*Conn, error) {
	if spec.cfg != nil && spec.cfg.Layout != 0 {
		c, _, err := tryLayout(ctx, spec, spec.cfg.Layout)
		return c, err
	}
	first := message.LayoutV6
	if !spec.noCache && spec.key != "" {
		if l := cachedLayout(spec.key); l != 0 {
			first = l
		}
	}
	c, peer, err := tryLayout(ctx, spec, first)
	if err == nil {
		spec.remember(first)
		return c, nil
	}
	if !errors.Is(err, errWrongLayout) {
		return nil, err
	}
	second := otherLayout(first)
	if peer != 0 && peer != first {
		second = peer
	}
	c, _, err2 := tryLayout(ctx, spec, second)
	if err2 != nil {
		var le *LayoutError
		if errors.As(err2, &le) {
			// Neither layout got an answer: not a layout problem.
			hint := spec.hint
			if hint == "" {
				hint = "see the server's log"
			}
			return nil, fmt.Errorf("rpyc: %s hung up on the first request in both the %s and the %s layout: "+
				"it is not a plain RPyC server, or it refused this client (%s): %w",
				spec.addr, layoutName(first), layoutName(second), hint, le.Err)
		}
		return nil, err2
	}
	spec.remember(second)
	return c, nil
}

// remember records the layout the server at spec.key answered in.
func (spec learnSpec) remember(l message.Layout) {
	if spec.noCache || spec.key == "" {
		return
	}
	if cachedLayout(spec.key) != l {
		layoutCache.Store(spec.key, l)
	}
}

func otherLayout(l message.Layout) message.Layout {
	if l == message.LayoutV5 {
		return message.LayoutV6
	}
	return message.LayoutV5
}

// errWrongLayout marks a first request the server hung up on, which is
// how either rpyc version answers a message in the other's layout.
var errWrongLayout = errors.New("hung up on the first request")

// tryLayout opens one stream, connects in layout l and fetches the root.
// It returns the layout of the first frame the server sent (0 if none):
// a 5.x server's parting HANDLE_CLOSE tells its layout.
func tryLayout(ctx context.Context, spec learnSpec, l message.Layout) (*Conn, message.Layout, error) {
	nc, err := spec.dial(ctx)
	if err != nil {
		return nil, 0, err
	}
	cfg, quiet := quietUntilReady(withLayout(spec.cfg, l))
	sc := sniff(nc, spec.addr, cfg)
	c, err := Connect(sc, spec.service, cfg)
	if err != nil {
		return nil, 0, err
	}
	if _, err := c.Root(ctx); err != nil {
		_ = c.Close()
		return nil, sc.peerLayout(), spec.explain(sc, err, l)
	}
	quiet.Store(false)
	return c, 0, nil
}

// explain turns a failed first request into the error a user can act on:
// not RPyC at all, the wrong layout, or the failure as it was.
func (spec learnSpec) explain(sc *sniffConn, err error, tried message.Layout) error {
	if bad := sc.notRPyC(); bad != nil {
		err = fmt.Errorf("rpyc: connect: %w", bad)
	} else if peer := sc.peerLayout(); hungUp(err) || (peer != 0 && peer != tried && errors.Is(err, ErrProtocol)) {
		err = &LayoutError{Addr: spec.addr, Tried: tried, Peer: sc.peerLayout(), Err: err}
	}
	if spec.closeErr != nil {
		err = spec.closeErr(err)
	}
	return err
}

// hungUp reports a connection the peer ended (end of stream or reset)
// rather than one that failed for a reason of its own, such as a TLS alert.
func hungUp(err error) bool {
	return errors.Is(err, ErrClosed) && !errors.Is(err, ErrClosedLocally) &&
		(errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE))
}

// withLayout returns a copy of cfg (nil: the zero Config) speaking l.
func withLayout(cfg *Config, l message.Layout) *Config {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	c.Layout = l
	return &c
}

// LayoutError reports a peer that hung up on the first request, which is
// what an rpyc server does with a message in the other version's layout.
// The dialing functions try the other layout by themselves; over a stream
// that cannot be reopened (pipes, stdio) this error says what to set.
// errors.Is(err, ErrClosed) still holds.
type LayoutError struct {
	// Addr names the peer ("127.0.0.1:18861", "pipes", ...).
	Addr string
	// Tried is the layout the request was sent in.
	Tried message.Layout
	// Peer is the layout of the peer's parting message, 0 if it sent none.
	Peer message.Layout
	// Err is the error the request failed with.
	Err error
}

// Error says which layout was tried and how to choose the other.
func (e *LayoutError) Error() string {
	other := otherLayout(e.Tried)
	speaks := "it may speak"
	if e.Peer != 0 && e.Peer != e.Tried {
		speaks = "it speaks"
	}
	return fmt.Sprintf("rpyc: %s hung up on the first request, sent in the %s message layout; %s %s: set Config.Layout = message.%s",
		e.Addr, layoutName(e.Tried), speaks, layoutName(other), layoutConst(other))
}

// Unwrap returns the underlying failure, so errors.Is(err, ErrClosed)
// holds.
func (e *LayoutError) Unwrap() error { return e.Err }

// Is makes a *LayoutError match errWrongLayout, which the dialing
// functions use to decide to try again.
func (e *LayoutError) Is(target error) bool { return target == errWrongLayout }

// layoutName names a layout by the rpyc versions that speak it.
func layoutName(l message.Layout) string {
	if l == message.LayoutV5 {
		return "rpyc 5.x"
	}
	return "rpyc 6.x"
}

func layoutConst(l message.Layout) string {
	if l == message.LayoutV5 {
		return "LayoutV5"
	}
	return "LayoutV6"
}

// connectOnce connects over a stream that cannot be reopened, in
// cfg.Layout (zero: 6.x), and fetches the root so that a wrong layout or
// a peer that is not RPyC shows up here, as a *LayoutError or a
// *channel.NotRPyCError, rather than on the first call.
func connectOnce(ctx context.Context, nc net.Conn, name string, service any, cfg *Config) (*Conn, error) {
	l := message.LayoutV6
	if cfg != nil && cfg.Layout != 0 {
		l = cfg.Layout
	}
	spec := learnSpec{addr: name, service: service, cfg: cfg,
		dial: func(context.Context) (net.Conn, error) { return nc, nil }}
	c, _, err := tryLayout(ctx, spec, l)
	return c, err
}

// Compile-time check that the error types keep their interfaces.
var (
	_ error = (*LayoutError)(nil)
	_ error = (*channel.NotRPyCError)(nil)
)
