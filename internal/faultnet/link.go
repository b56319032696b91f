package faultnet

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// link is one proxied connection: the accepted client socket, the socket
// dialed to the target, and a pump each way. Each pump has a reader and a
// writer goroutine joined by a bounded queue of chunks, so a delay holds
// chunks without stopping reads, and a slow or partitioned writer
// eventually stops the reader (backpressure, as a full TCP window would).
type link struct {
	p      *Proxy
	client *net.TCPConn
	server *net.TCPConn // set by run before the pumps start

	done    chan struct{} // closed when the link is torn down (close, reset)
	endOnce sync.Once
}

// chunkSize is the most one read takes; queueLen chunks may wait in each
// direction (2 MiB), which bounds what a delay holds.
const (
	chunkSize = 32 << 10
	queueLen  = 64
)

// chunk is data read from one side, stamped with when it was read, or
// (err != nil) the end of that side.
type chunk struct {
	data []byte
	at   time.Time
	err  error
}

func newLink(p *Proxy, client *net.TCPConn) *link {
	return &link{p: p, client: client, done: make(chan struct{})}
}

// run dials the target (once no partition holds it) and pumps both ways
// until both directions have ended or the link is torn down.
func (l *link) run() {
	defer l.p.wg.Done()
	defer l.p.forget(l)
	if !l.waitUntil(func(k knobs) bool { return !k.partitioned }) {
		_ = l.client.Close()
		return
	}
	l.p.mu.Lock()
	target := l.p.target
	l.p.mu.Unlock()
	nc, err := l.dial(target)
	if err != nil {
		// What a client of a dead server sees: its connection is reset.
		_ = l.client.SetLinger(0)
		_ = l.client.Close()
		return
	}
	l.server = nc.(*net.TCPConn)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); l.pump(l.client, l.server) }()
	go func() { defer wg.Done(); l.pump(l.server, l.client) }()
	wg.Wait()
	l.close()
}

// dial connects to the target, giving up after 10 s or when the link is
// torn down.
func (l *link) dial(target string) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	l.p.wg.Add(1)
	go func() {
		defer l.p.wg.Done()
		select {
		case <-l.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	var d net.Dialer
	return d.DialContext(ctx, "tcp", target)
}

// close ends the link with a normal close of both sockets.
func (l *link) close() {
	l.endOnce.Do(func() { close(l.done) })
	_ = l.client.Close()
	if l.server != nil {
		_ = l.server.Close()
	}
}

// reset ends the link with a TCP reset on both sockets.
func (l *link) reset() {
	_ = l.client.SetLinger(0)
	if s := l.server; s != nil {
		_ = s.SetLinger(0)
	}
	l.close()
}

// waitUntil blocks until ok holds for the proxy's knobs; false means the
// link was torn down first.
func (l *link) waitUntil(ok func(knobs) bool) bool {
	for {
		k := l.p.knobs()
		if ok(k) {
			return true
		}
		select {
		case <-k.changed:
		case <-l.done:
			return false
		}
	}
}

// sleep waits for d, or until a knob changes (the caller re-reads them);
// false means the link was torn down.
func (l *link) sleep(d time.Duration, changed <-chan struct{}) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-changed:
	case <-l.done:
		return false
	}
	return true
}

// pump copies src to dst until src ends, then passes the end on (or,
// with DropFIN, hides it).
func (l *link) pump(src, dst *net.TCPConn) {
	q := make(chan chunk, queueLen)
	l.p.wg.Add(1)
	go func() {
		defer l.p.wg.Done()
		l.read(src, q)
	}()
	w := pacer{l: l}
	discard := false // dst failed under DropFIN: swallow what src sends
	for {
		var c chunk
		select {
		case c = <-q:
		case <-l.done:
			return
		}
		if c.err != nil {
			l.end(src, dst, c.err)
			return
		}
		if discard {
			continue
		}
		if err := w.write(dst, c); err != nil {
			if l.p.knobs().dropFIN {
				discard = true
				continue
			}
			// The other side is gone: tell this one as TCP would.
			_ = src.SetLinger(0)
			_ = src.Close()
			return
		}
	}
}

// read moves src's data into q until src ends; the end goes into q last.
func (l *link) read(src *net.TCPConn, q chan<- chunk) {
	for {
		if !l.waitUntil(func(k knobs) bool { return !k.partitioned }) {
			return
		}
		buf := make([]byte, chunkSize)
		n, err := src.Read(buf)
		if n > 0 {
			select {
			case q <- chunk{data: buf[:n], at: time.Now()}:
			case <-l.done:
				return
			}
		}
		if err != nil {
			select {
			case q <- chunk{err: err}:
			case <-l.done:
			}
			return
		}
	}
}

// end passes on src's end to dst: a FIN as a FIN, anything else (a
// reset) as a reset, or nothing at all under DropFIN.
func (l *link) end(src, dst *net.TCPConn, err error) {
	if !l.waitUntil(func(k knobs) bool { return !k.partitioned }) {
		return
	}
	if l.p.knobs().dropFIN {
		return
	}
	if errors.Is(err, io.EOF) {
		_ = dst.CloseWrite()
		return
	}
	_ = dst.SetLinger(0)
	_ = dst.Close()
	_ = src.Close()
}

// pacer writes chunks to one side at the proxy's delay and rate.
type pacer struct {
	l    *link
	next time.Time // when the rate allows the next byte
}

// write delivers c once its delay has passed, in pieces at the rate,
// waiting out any partition.
func (w *pacer) write(dst *net.TCPConn, c chunk) error {
	data := c.data
	for len(data) > 0 {
		k := w.l.p.knobs()
		if k.partitioned {
			if !w.l.waitUntil(func(k knobs) bool { return !k.partitioned }) {
				return net.ErrClosed
			}
			continue
		}
		now := time.Now()
		if due := c.at.Add(k.delay); now.Before(due) {
			if !w.l.sleep(due.Sub(now), k.changed) {
				return net.ErrClosed
			}
			continue
		}
		n := len(data)
		if k.rate > 0 {
			n = min(n, max(k.rate/50, 1)) // 20 ms worth: the pace is smooth
			if w.next.Before(now) {
				w.next = now
			}
			if wait := w.next.Sub(now); wait > 0 {
				if !w.l.sleep(wait, k.changed) {
					return net.ErrClosed
				}
				continue
			}
			w.next = w.next.Add(time.Duration(n) * time.Second / time.Duration(k.rate))
		}
		if _, err := dst.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}
