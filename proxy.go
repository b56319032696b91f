package rpyc

import (
	"runtime"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// proxyCache maps the peer's id_packs to the netrefs we hold, weakly, so
// the same id_pack always gives the same *Netref while one is alive (as
// Python's _proxy_cache). Counts are kept in step with the peer: every
// arrival of an id_pack adds one, and the DEL we send carries the total.
type proxyCache struct {
	mu sync.Mutex // protects m
	m  map[message.IDPack]*proxyEntry
}

type proxyEntry struct {
	wp    weak.Pointer[Netref]
	state *refState
}

// refState is shared by a Netref and its cleanup; it must not point at the
// Netref, or the Netref would never be collected.
type refState struct {
	conn     *Conn
	id       message.IDPack
	count    atomic.Int64 // arrivals not yet released
	released atomic.Bool
}

func (p *proxyCache) init() { p.m = make(map[message.IDPack]*proxyEntry) }

func (p *proxyCache) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.m {
		e.state.released.Store(true)
	}
	clear(p.m)
}

// proxy returns the netref for an id_pack that just arrived by reference.
func (c *Conn) proxy(id message.IDPack) *Netref {
	p := &c.proxies
	p.mu.Lock()
	defer p.mu.Unlock()
	if e := p.m[id]; e != nil {
		if n := e.wp.Value(); n != nil && !e.state.released.Load() {
			e.state.count.Add(1)
			return n
		}
	}
	st := &refState{conn: c, id: id}
	st.count.Store(1)
	n := &Netref{conn: c, id: id, state: st}
	p.m[id] = &proxyEntry{wp: weak.Make(n), state: st}
	runtime.AddCleanup(n, (*refState).collected, st)
	return n
}

// collected runs after a Netref became unreachable without Release.
func (st *refState) collected() {
	st.release(true)
}

// release sends DEL for every arrival of this id_pack, once. From a
// cleanup, the DEL is left to the connection's DEL sender (queueDel); an
// explicit Release queues it at once, so a call made after it goes out
// after it, as in Python.
func (st *refState) release(cleanup bool) {
	if !st.released.CompareAndSwap(false, true) {
		return
	}
	c := st.conn
	p := &c.proxies
	p.mu.Lock()
	if e := p.m[st.id]; e != nil && e.state == st {
		delete(p.m, st.id)
	}
	p.mu.Unlock()
	n := st.count.Swap(0)
	if n <= 0 || c.Closed() {
		return
	}
	if !cleanup {
		_ = c.request(message.HandleDel, nil, brine.Tuple{localRef(st.id), n}, sendQueued)
		return
	}
	c.queueDel(st.id, n)
}

// pendingDel is a DEL waiting to be sent.
type pendingDel struct {
	id message.IDPack
	n  int64
}

// queueDel sends HANDLE_DEL(id, n) soon, from the connection's one DEL
// sender, never from the caller: release runs on the runtime's cleanup
// goroutine, which serves every cleanup of the process and must never
// wait for a peer that stopped reading. Asynchronous, like Python's
// netref __del__: nobody waits for the reply, which the reader drops.
func (c *Conn) queueDel(id message.IDPack, n int64) {
	c.delMu.Lock()
	c.dels = append(c.dels, pendingDel{id, n})
	start := !c.delSending
	c.delSending = true
	c.delMu.Unlock()
	if start {
		go c.sendDels()
	}
}

// sendDels sends queued DELs until none is left.
func (c *Conn) sendDels() {
	for {
		c.delMu.Lock()
		batch := c.dels
		c.dels = nil
		if len(batch) == 0 || c.Closed() {
			c.delSending = false
			c.delMu.Unlock()
			return
		}
		c.delMu.Unlock()
		for _, d := range batch {
			if err := c.request(message.HandleDel, nil, brine.Tuple{localRef(d.id), d.n}, sendQueued); err != nil {
				break // the connection ended
			}
		}
	}
}

// localRef marks an id_pack the peer owns, so box sends it as LOCAL_REF
// without needing the *Netref (cleanups cannot hold one).
type localRef message.IDPack
