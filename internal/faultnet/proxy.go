// Package faultnet injects network faults into tests without root: a TCP
// proxy on the loopback forwards every connection made to it to a target,
// and on command stops forwarding both ways (a partition), hides a closed
// end from the other (a dropped FIN: a half-open peer), resets every
// connection, throttles, or adds delay. TCP runs end to end between real
// sockets on both sides, so what a client or server sees is what it would
// see of a network that misbehaves in that way:
//
//	p := faultnet.Listen(t, srvAddr) // dial p.Addr() instead of srvAddr
//	p.Partition()                    // calls now wait; nothing is lost
//	p.Heal()                         // what was held flows again
//	p.Throttle(1 << 20)              // 1 MiB/s each way
//	p.DropFIN()                      // a peer that closes is never seen to
//
// What a user-space proxy cannot do: the proxy's kernel acknowledges what
// it receives, so during a partition a sender's TCP sees a live peer whose
// receive window closes once the proxy's buffers fill (zero-window probes
// are answered). TCP keepalive and TCP_USER_TIMEOUT therefore do not fire
// through a partition here; an application-level heartbeat does, and so
// do deadlines. Faults below TCP (loss, reordering) need a network
// namespace and root.
//
// Knobs apply to every connection, open or new, and may be changed at any
// time from any goroutine.
package faultnet

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

// Proxy is a loopback TCP proxy with faults on command. It is safe for
// concurrent use.
type Proxy struct {
	ln net.Listener

	mu          sync.Mutex // protects the following
	target      string
	partitioned bool
	dropFIN     bool
	rate        int           // bytes per second each way; 0 unlimited
	delay       time.Duration // added to every chunk, each way
	changed     chan struct{} // closed and replaced when a knob changes
	links       map[*link]struct{}
	accepted    int
	closed      bool

	wg sync.WaitGroup // the accept loop and every link's goroutines
}

// Listen starts a proxy on 127.0.0.1 that forwards to target ("host:port")
// and stops it when the test ends. It fails the test if it cannot listen.
func Listen(t testing.TB, target string) *Proxy {
	t.Helper()
	p, err := New(target)
	if err != nil {
		t.Fatalf("faultnet: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

// New starts a proxy on 127.0.0.1 that forwards to target, for code that
// has no testing.TB (benchmark harnesses, examples); Close stops it.
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on the loopback: %w", err)
	}
	p := &Proxy{
		ln:      ln,
		target:  target,
		changed: make(chan struct{}),
		links:   map[*link]struct{}{},
	}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's address ("127.0.0.1:PORT"): dial it instead of the
// target.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetTarget makes connections accepted from now on go to addr; open ones
// stay where they are. With it a test moves "the server" without the
// client's address changing (a restart on another port, a failover).
func (p *Proxy) SetTarget(addr string) {
	p.mu.Lock()
	p.target = addr
	p.mu.Unlock()
}

// Partition stops forwarding in both directions on every connection, open
// or new: nothing is read from either side and nothing written, and no
// socket is closed, as when a network path vanishes. What either side
// sends waits in socket buffers (then blocks the sender) until Heal. New
// connections are accepted by the proxy's kernel but reach the target
// only after Heal.
func (p *Proxy) Partition() { p.set(func() { p.partitioned = true }) }

// Heal ends a partition: forwarding resumes, and what was held is
// delivered in order, as TCP would after a path comes back.
func (p *Proxy) Heal() { p.set(func() { p.partitioned = false }) }

// DropFIN hides the end of a connection from the other side: when one
// side closes (or resets), the other's socket stays open and hears
// nothing more, and what it sends is read and discarded. That is a peer
// that vanished without a FIN or RST (a crash, a cable pulled). It holds
// until KeepFIN, for connections that end meanwhile.
func (p *Proxy) DropFIN() { p.set(func() { p.dropFIN = true }) }

// KeepFIN undoes DropFIN for connections that end from now on.
func (p *Proxy) KeepFIN() { p.set(func() { p.dropFIN = false }) }

// Throttle limits every connection to bytesPerSecond in each direction;
// zero or less removes the limit.
func (p *Proxy) Throttle(bytesPerSecond int) {
	p.set(func() { p.rate = max(bytesPerSecond, 0) })
}

// Delay holds every chunk of data for d before forwarding it, in each
// direction (a round trip gains 2d); zero removes the delay. Throughput is
// not limited by it.
func (p *Proxy) Delay(d time.Duration) { p.set(func() { p.delay = max(d, 0) }) }

// Reset ends every open connection with a TCP reset on both sides (the
// sockets are closed with SO_LINGER 0): a crashed middlebox, or a peer
// that reset. The proxy keeps accepting.
func (p *Proxy) Reset() {
	for _, l := range p.openLinks() {
		l.reset()
	}
}

// Conns returns the number of connections the proxy holds open (accepted
// and not yet ended on both sides): a test checks that a client let go.
func (p *Proxy) Conns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.links)
}

// Accepted returns the number of connections accepted so far: a test
// counts redials with it.
func (p *Proxy) Accepted() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted
}

// Close stops accepting, closes every connection (both sides see an end
// of stream) and waits for the proxy's goroutines. It is idempotent.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.mu.Unlock()
	err := p.ln.Close()
	for _, l := range p.openLinks() {
		l.close()
	}
	p.set(func() {}) // wake everything waiting on a knob
	p.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// set changes knobs under the lock and wakes every goroutine waiting for
// a change.
func (p *Proxy) set(f func()) {
	p.mu.Lock()
	f()
	close(p.changed)
	p.changed = make(chan struct{})
	p.mu.Unlock()
}

// knobs is a snapshot of the settings, with the channel that is closed
// when they next change.
type knobs struct {
	partitioned, dropFIN bool
	rate                 int
	delay                time.Duration
	changed              <-chan struct{}
}

func (p *Proxy) knobs() knobs {
	p.mu.Lock()
	defer p.mu.Unlock()
	return knobs{p.partitioned, p.dropFIN, p.rate, p.delay, p.changed}
}

func (p *Proxy) openLinks() []*link {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*link, 0, len(p.links))
	for l := range p.links {
		out = append(out, l)
	}
	return out
}

// accept runs until Close, starting a link per connection.
func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		nc, err := p.ln.Accept()
		if err != nil {
			return
		}
		l := newLink(p, nc.(*net.TCPConn))
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			_ = nc.Close()
			return
		}
		p.links[l] = struct{}{}
		p.accepted++
		p.wg.Add(1)
		p.mu.Unlock()
		go l.run()
	}
}

func (p *Proxy) forget(l *link) {
	p.mu.Lock()
	delete(p.links, l)
	p.mu.Unlock()
}
