package registry

import (
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// ServerAddr names one RPyC server a registry knows: the host the REGISTER
// came from and the port it announced.
type ServerAddr struct {
	Host string
	Port int
}

// String returns "host:port" ("[::1]:18812" for IPv6), ready for rpyc.Dial.
func (a ServerAddr) String() string { return net.JoinHostPort(a.Host, strconv.Itoa(a.Port)) }

// table is the registry's state: for each upper-cased service name, the
// servers under it and when each last registered. It prunes lazily, as
// Python does, plus a sweep of everything at most once a second so stale
// entries cannot pile up when nobody queries.
type table struct {
	mu        sync.Mutex // protects the following
	services  map[string]map[ServerAddr]time.Time
	names     map[ServerAddr]map[string]struct{} // the keys each server is under, for UNREGISTER
	entries   int
	lastSweep time.Time

	prune      time.Duration
	maxEntries int
	now        func() time.Time
	hooks      hooks // Config.OnServiceAdded and OnServiceRemoved
}

func newTable(prune time.Duration, maxEntries int) *table {
	return &table{
		services:   map[string]map[ServerAddr]time.Time{},
		names:      map[ServerAddr]map[string]struct{}{},
		prune:      prune,
		maxEntries: maxEntries,
		now:        time.Now,
	}
}

// register records addr under each name and reports how many names did
// not fit under the cap (new pairs are refused once it is reached; known
// pairs are always refreshed).
func (t *table) register(names []string, addr ServerAddr) (refused int) {
	t.mu.Lock()
	defer t.unlockAndCall()
	now := t.now()
	t.sweepLocked(now, false)
	for _, n := range names {
		key := strings.ToUpper(n)
		m := t.services[key]
		if _, ok := m[addr]; !ok {
			if t.entries >= t.maxEntries {
				t.sweepLocked(now, false) // rate-limited: a flood must not make each datagram a full scan
			}
			if t.entries >= t.maxEntries {
				refused++
				continue
			}
			if m == nil {
				m = map[ServerAddr]time.Time{}
				t.services[key] = m
			}
			if t.names[addr] == nil {
				t.names[addr] = map[string]struct{}{}
			}
			t.names[addr][key] = struct{}{}
			t.entries++
			t.hooks.note(true, key, addr)
		}
		m[addr] = now
	}
	return refused
}

// unregister forgets addr under every name: a lookup per name addr is
// under, not a scan of the table, so a flood of UNREGISTERs stays cheap.
func (t *table) unregister(addr ServerAddr) {
	t.mu.Lock()
	defer t.unlockAndCall()
	for key := range t.names[addr] {
		t.removeLocked(key, t.services[key], addr)
	}
}

func (t *table) removeLocked(key string, m map[ServerAddr]time.Time, addr ServerAddr) {
	if _, ok := m[addr]; !ok {
		return
	}
	delete(m, addr)
	t.entries--
	t.hooks.note(false, key, addr)
	if len(m) == 0 {
		delete(t.services, key)
	}
	delete(t.names[addr], key)
	if len(t.names[addr]) == 0 {
		delete(t.names, addr)
	}
}

// query returns the live servers of name, oldest registration first as
// Python orders them.
func (t *table) query(name string) []ServerAddr {
	t.mu.Lock()
	defer t.unlockAndCall()
	now := t.now()
	t.sweepLocked(now, false)
	key := strings.ToUpper(name)
	m := t.services[key]
	type seen struct {
		a ServerAddr
		t time.Time
	}
	list := make([]seen, 0, len(m))
	for a, ts := range m {
		if now.Sub(ts) > t.prune {
			t.removeLocked(key, m, a)
			continue
		}
		list = append(list, seen{a, ts})
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].t.Equal(list[j].t) {
			return list[i].t.Before(list[j].t)
		}
		return list[i].a.String() < list[j].a.String()
	})
	out := make([]ServerAddr, len(list))
	for i, s := range list {
		out[i] = s.a
	}
	return out
}

// list returns the names with a live server, all of them or only those
// with a server on filterHost, sorted.
func (t *table) list(filterHost string) []string {
	t.mu.Lock()
	defer t.unlockAndCall()
	t.sweepLocked(t.now(), true)
	var out []string
	for key, m := range t.services {
		if filterHost != "" {
			found := false
			for a := range m {
				if a.Host == filterHost {
					found = true
					break
				}
			}
			if !found {
				continue
			}
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// sweepLocked drops every stale entry: always if force, else at most once
// a second.
func (t *table) sweepLocked(now time.Time, force bool) {
	if !force && now.Sub(t.lastSweep) < time.Second {
		return
	}
	t.lastSweep = now
	for key, m := range t.services {
		for a, ts := range m {
			if now.Sub(ts) > t.prune {
				t.removeLocked(key, m, a)
			}
		}
	}
}

// size returns the number of (name, server) pairs held.
func (t *table) size() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.entries
}
