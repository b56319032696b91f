package registry

import "log/slog"

// Hooks on the table (Config.OnServiceAdded, OnServiceRemoved). Changes
// are queued while the table is locked, so the queue is in table order,
// and delivered after it is unlocked by one goroutine at a time: the
// first that finds nobody delivering drains the queue, including what
// other requests add meanwhile. So hooks never run under the table's
// lock, never run two at once, come in order, and may call back into the
// Server (a Query inside a hook queues its own changes behind).

// change is one (name, server) pair that joined or left the table.
type change struct {
	added  bool
	name   string
	server ServerAddr
}

// hooks are the table's callbacks; the zero value calls nothing. The
// queue fields are guarded by the table's lock.
type hooks struct {
	added, removed func(name string, server ServerAddr)
	log            *slog.Logger

	queue      []change
	delivering bool // a goroutine is draining queue
}

func (h *hooks) enabled() bool { return h.added != nil || h.removed != nil }

// note queues a change; the table's lock is held.
func (h *hooks) note(added bool, name string, server ServerAddr) {
	if h.enabled() {
		h.queue = append(h.queue, change{added, name, server})
	}
}

// unlockAndCall releases the table's lock (held by the caller) and, unless
// another goroutine is at it, delivers the queued changes to the hooks.
func (t *table) unlockAndCall() {
	h := &t.hooks
	if len(h.queue) == 0 || h.delivering {
		t.mu.Unlock()
		return
	}
	h.delivering = true
	for {
		batch := h.queue
		h.queue = nil
		if len(batch) == 0 {
			h.delivering = false
			t.mu.Unlock()
			return
		}
		t.mu.Unlock()
		for _, c := range batch {
			h.call(c)
		}
		t.mu.Lock()
	}
}

// call runs the hook for one change; a panic is logged (as Python logs an
// exception in its hooks) and the registry goes on.
func (h *hooks) call(c change) {
	f, which := h.removed, "OnServiceRemoved"
	if c.added {
		f, which = h.added, "OnServiceAdded"
	}
	if f == nil {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			h.log.Error("registry: "+which+" panicked", "name", c.name, "server", c.server.String(), "panic", r)
		}
	}()
	f(c.name, c.server)
}
