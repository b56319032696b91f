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
	st.release()
}

// release sends DEL for every arrival of this id_pack, once.
func (st *refState) release() {
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
	// Asynchronous, like Python's netref __del__: nobody waits for the
	// reply, which the reader drops.
	_ = c.request(message.HandleDel, nil, brine.Tuple{localRef(st.id), n}, true)
}

// localRef marks an id_pack the peer owns, so box sends it as LOCAL_REF
// without needing the *Netref (cleanups cannot hold one).
type localRef message.IDPack
