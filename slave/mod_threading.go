package slave

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// threadingModule is Python's threading for what clients drive: Thread
// (the target runs on the server, calling back into the client when it
// is the client's function), Event, Lock, RLock, Semaphore,
// current_thread, get_ident, active_count.
type threadingModule struct {
	Module
	active atomic.Int64
	ids    atomic.Int64
}

// RPyCParams gives the classes Python's arguments.
func (m *threadingModule) RPyCParams() map[string]string {
	return map[string]string{
		"Thread":    "group=None, target=None, name=None, args=(), kwargs=None, daemon=None",
		"Semaphore": "value=1",
	}
}

// RPyCNames keeps the classes' spelling.
func (m *threadingModule) RPyCNames() map[string]string {
	return map[string]string{"Thread": "Thread", "Event": "Event", "Lock": "Lock", "RLock": "RLock", "Semaphore": "Semaphore"}
}

// Thread is threading.Thread(...): start() runs target(*args, **kwargs).
func (m *threadingModule) Thread(ctx context.Context, group, target, name, args, kwargs, daemon any) (*Thread, error) {
	id := m.ids.Add(1)
	t := &Thread{m: m, target: target, done: make(chan struct{}), Name: fmt.Sprintf("Thread-%d", id), Daemon: truthy(daemon)}
	if s, ok := name.(string); ok {
		t.Name = s
	}
	if args != nil {
		items, err := listOf(ctx, args)
		if err != nil {
			return nil, err
		}
		t.args = items
	}
	if kwargs != nil {
		t.kwargs = map[any]any{}
		if err := dictUpdate(ctx, t.kwargs, kwargs); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// CurrentThread is threading.current_thread: the server's main thread
// here (requests run on goroutines, not Python threads).
func (m *threadingModule) CurrentThread() *Thread {
	return &Thread{m: m, Name: "MainThread", started: true, done: make(chan struct{}), Ident: 1}
}

// MainThread is threading.main_thread.
func (m *threadingModule) MainThread() *Thread { return m.CurrentThread() }

// GetIdent is threading.get_ident.
func (m *threadingModule) GetIdent() int64 { return 1 }

// ActiveCount is threading.active_count: the main thread and the threads
// started here still running.
func (m *threadingModule) ActiveCount() int64 { return 1 + m.active.Load() }

// Thread is threading.Thread.
type Thread struct {
	m       *threadingModule
	target  any
	args    []any
	kwargs  map[any]any
	mu      sync.Mutex
	started bool
	done    chan struct{}
	// Name, Daemon and Ident are the attributes of those names.
	Name   string `rpyc:"name,rw"`
	Daemon bool   `rpyc:"daemon,rw"`
	Ident  any    `rpyc:"ident"`
}

// RPyCParams gives join its timeout.
func (t *Thread) RPyCParams() map[string]string { return map[string]string{"Join": "timeout=None"} }

// RPyCTypeName is Python's class.
func (t *Thread) RPyCTypeName() string { return "threading.Thread" }

// GoString is Python's repr.
func (t *Thread) GoString() string {
	state := "initial"
	if t.started {
		state = "started"
		if !t.IsAlive() {
			state = "stopped"
		}
	}
	return fmt.Sprintf("<Thread(%s, %s)>", t.Name, state)
}

// Start is start(): target runs on its own goroutine; a call back into
// the client uses the connection, not the request that started it.
func (t *Thread) Start(ctx context.Context) error {
	t.mu.Lock()
	if t.started {
		t.mu.Unlock()
		return vinegar.New("RuntimeError", "threads can only be started once")
	}
	t.started = true
	t.Ident = t.m.ids.Add(1) + 1000
	t.mu.Unlock()
	t.m.active.Add(1)
	bg := context.WithoutCancel(ctx)
	go func() {
		defer close(t.done)
		defer t.m.active.Add(-1)
		if t.target == nil {
			return
		}
		args := append([]any{}, t.args...)
		if len(t.kwargs) > 0 {
			kw := rpyc.Kwargs{}
			for k, v := range t.kwargs {
				kw[fmt.Sprint(k)] = v
			}
			args = append(args, kw)
		}
		if n, ok := t.target.(*rpyc.Netref); ok {
			_, _ = n.Call(bg, args...)
			return
		}
		_, _ = callValue(bg, t.target, args...)
	}()
	return nil
}

// Run is run(): target in the calling request.
func (t *Thread) Run(ctx context.Context) error {
	if t.target == nil {
		return nil
	}
	_, err := callValue(ctx, t.target, t.args...)
	return err
}

// Join is join(timeout=None).
func (t *Thread) Join(ctx context.Context, timeout any) error {
	if !t.started {
		return vinegar.New("RuntimeError", "cannot join thread before it is started")
	}
	secs, limited, err := timeoutArg(timeout)
	if err != nil {
		return err
	}
	var timer <-chan time.Time
	if limited {
		tm := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer tm.Stop()
		timer = tm.C
	}
	select {
	case <-t.done:
	case <-timer:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// IsAlive is is_alive().
func (t *Thread) IsAlive() bool {
	if !t.started {
		return false
	}
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// Event is threading.Event().
func (m *threadingModule) Event() *Event { return &Event{ch: make(chan struct{})} }

// Event is threading.Event.
type Event struct {
	mu sync.Mutex
	ch chan struct{}
	on bool
}

// RPyCParams gives wait its timeout.
func (e *Event) RPyCParams() map[string]string { return map[string]string{"Wait": "timeout=None"} }

// RPyCTypeName is Python's class.
func (e *Event) RPyCTypeName() string { return "threading.Event" }

// Set is set().
func (e *Event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.on {
		e.on = true
		close(e.ch)
	}
}

// Clear is clear().
func (e *Event) Clear() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.on {
		e.on = false
		e.ch = make(chan struct{})
	}
}

// IsSet is is_set().
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.on
}

// Wait is wait(timeout=None): whether the event is set.
func (e *Event) Wait(ctx context.Context, timeout any) (bool, error) {
	secs, limited, err := timeoutArg(timeout)
	if err != nil {
		return false, err
	}
	e.mu.Lock()
	ch := e.ch
	e.mu.Unlock()
	var timer <-chan time.Time
	if limited {
		tm := time.NewTimer(time.Duration(secs * float64(time.Second)))
		defer tm.Stop()
		timer = tm.C
	}
	select {
	case <-ch:
		return true, nil
	case <-timer:
		return e.IsSet(), nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Lock is threading.Lock().
func (m *threadingModule) Lock() *Lock { return &Lock{sem: make(chan struct{}, 1)} }

// RLock is threading.RLock(): here a lock the client may take again
// while it holds it.
func (m *threadingModule) RLock() *Lock { return &Lock{sem: make(chan struct{}, 1), reentrant: true} }

// Semaphore is threading.Semaphore(value=1).
func (m *threadingModule) Semaphore(value int) (*Lock, error) {
	if value < 0 {
		return nil, vinegar.New("ValueError", "semaphore initial value must be >= 0")
	}
	return &Lock{sem: make(chan struct{}, value)}, nil
}

// Lock is threading.Lock (and RLock, Semaphore): acquire, release,
// locked, and the with statement.
type Lock struct {
	sem       chan struct{}
	reentrant bool
	mu        sync.Mutex
	depth     int
}

// RPyCParams gives acquire Python's arguments.
func (l *Lock) RPyCParams() map[string]string {
	return map[string]string{"Acquire": "blocking=True, timeout=-1"}
}

// RPyCNames gives the with statement's dunders.
func (l *Lock) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__"}
}

// RPyCTypeName is Python's class.
func (l *Lock) RPyCTypeName() string { return "_thread.lock" }

// Acquire is acquire(blocking=True, timeout=-1).
func (l *Lock) Acquire(ctx context.Context, blocking bool, timeout float64) (bool, error) {
	if l.reentrant {
		l.mu.Lock()
		if l.depth > 0 {
			l.depth++
			l.mu.Unlock()
			return true, nil
		}
		l.mu.Unlock()
	}
	if !blocking {
		select {
		case l.sem <- struct{}{}:
			l.took()
			return true, nil
		default:
			return false, nil
		}
	}
	var timer <-chan time.Time
	if timeout >= 0 {
		tm := time.NewTimer(time.Duration(timeout * float64(time.Second)))
		defer tm.Stop()
		timer = tm.C
	}
	select {
	case l.sem <- struct{}{}:
		l.took()
		return true, nil
	case <-timer:
		return false, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

func (l *Lock) took() {
	l.mu.Lock()
	l.depth = 1
	l.mu.Unlock()
}

// Release is release(); RuntimeError when not held.
func (l *Lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reentrant && l.depth > 1 {
		l.depth--
		return nil
	}
	select {
	case <-l.sem:
		l.depth = 0
		return nil
	default:
		return vinegar.New("RuntimeError", "release unlocked lock")
	}
}

// Locked is locked().
func (l *Lock) Locked() bool { return len(l.sem) == cap(l.sem) }

// Enter is __enter__: acquire.
func (l *Lock) Enter(ctx context.Context) (bool, error) { return l.Acquire(ctx, true, -1) }

// Exit is __exit__: release.
func (l *Lock) Exit(args ...any) (bool, error) { return false, l.Release() }

var _ = brine.Tuple{}
