package rpyc

import "sync"

// drainer is a queue served by at most one goroutine, started when work
// arrives and gone when none is left: a storm of items (the peer's DELs
// releasing our objects, our DELs for collected netrefs) costs one
// goroutine per connection, an idle connection none, and whoever queues
// never waits for the work (the reader, the runtime's cleanup goroutine).
type drainer[T any] struct {
	mu      sync.Mutex // protects the following
	items   []T
	running bool // a goroutine is draining
}

// push queues x, starting a goroutine that hands batches to serve, in
// order, until the queue is empty.
func (d *drainer[T]) push(x T, serve func(batch []T)) {
	d.mu.Lock()
	d.items = append(d.items, x)
	start := !d.running
	d.running = true
	d.mu.Unlock()
	if start {
		go d.drain(serve)
	}
}

func (d *drainer[T]) drain(serve func(batch []T)) {
	for {
		d.mu.Lock()
		batch := d.items
		d.items = nil
		if len(batch) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		serve(batch)
	}
}
