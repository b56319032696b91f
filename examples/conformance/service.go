package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"math/big"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// ConformanceService is the service of CONFORMANCE.md: every part of the
// object model, for any RPyC client to check against. One value serves
// every connection, so its counters are shared.
type ConformanceService struct {
	// Version is exposed as the attribute `version` (read-only).
	Version string `rpyc:"version"`

	conns    atomic.Int64
	counters atomic.Int64
}

// NewConformanceService returns the service with its version set.
func NewConformanceService() *ConformanceService {
	return &ConformanceService{Version: "1"}
}

// RPyCServiceName and RPyCServiceAliases give the names of the spec.
func (s *ConformanceService) RPyCServiceName() string { return "CONFORMANCE" }

// RPyCServiceAliases lists the name and its alias.
func (s *ConformanceService) RPyCServiceAliases() []string {
	return []string{"CONFORMANCE", "CONF"}
}

// RPyCNames hides Secret: it exists on the Go type but is not exposed.
func (s *ConformanceService) RPyCNames() map[string]string {
	return map[string]string{"Secret": ""}
}

// RPyCParams gives Python signatures: parameter names for keyword calls
// (r.add(1, b=2)) and concat(*parts, sep="").
func (s *ConformanceService) RPyCParams() map[string]string {
	return map[string]string{"Concat": "*parts, sep=''", "Add": "a, b", "Divide": "a, b", "Echo": "x", "Blob": "n", "Fail": "kind, msg", "Sleep": "seconds", "GetList": "n", "MakeCounter": "start", "CallMeN": "fn, n", "Checksum": "data", "Kinds": "x", "FailCustom": "msg"}
}

// OnConnect and OnDisconnect keep the connection count.
func (s *ConformanceService) OnConnect(*rpyc.Conn) { s.conns.Add(1) }

// OnDisconnect is called once per ended connection.
func (s *ConformanceService) OnDisconnect(*rpyc.Conn) { s.conns.Add(-1) }

// Add returns a + b with Python's number semantics.
func (s *ConformanceService) Add(a, b any) (any, error) {
	return pyAdd(a, b)
}

// Echo returns its argument; a netref comes back as the caller's object.
func (s *ConformanceService) Echo(x any) any { return x }

// Concat joins its string arguments with sep.
func (s *ConformanceService) Concat(sep string, parts ...string) string {
	return strings.Join(parts, sep)
}

// Kinds names the Go type the argument was decoded into.
func (s *ConformanceService) Kinds(x any) string { return fmt.Sprintf("%T", x) }

// Blob returns n bytes, byte i being i % 251.
func (s *ConformanceService) Blob(n int) ([]byte, error) {
	if n < 0 || n > MaxBlob {
		return nil, vinegar.New("ValueError", fmt.Sprintf("blob(%d): n must be 0..%d", n, MaxBlob))
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % 251)
	}
	return b, nil
}

// Checksum is the hex SHA-256 of data.
func (s *ConformanceService) Checksum(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Divide is a / b as a float; b == 0 raises ZeroDivisionError.
func (s *ConformanceService) Divide(a, b float64) (float64, error) {
	if b == 0 {
		return 0, vinegar.New("ZeroDivisionError", "division by zero")
	}
	return a / b, nil
}

var failKinds = map[string]bool{
	"ValueError": true, "KeyError": true, "TypeError": true, "RuntimeError": true,
	"IndexError": true, "AttributeError": true, "NotImplementedError": true, "PermissionError": true,
}

// Fail raises the builtin exception kind with args (msg,).
func (s *ConformanceService) Fail(kind, msg string) error {
	if !failKinds[kind] {
		return vinegar.New("ValueError", "unknown kind "+kind)
	}
	return vinegar.New(kind, msg)
}

// FailCustom raises conformance.CustomError with attribute code == 42.
func (s *ConformanceService) FailCustom(msg string) error {
	return vinegar.New("conformance.CustomError", msg).WithAttr("code", 42)
}

// Panic panics; the client gets an exception and the server lives on.
func (s *ConformanceService) Panic(msg string) { panic(msg) }

// Secret is not exposed (see RPyCNames).
func (s *ConformanceService) Secret() string { return "hidden" }

// MakeCounter returns a new Counter by reference.
func (s *ConformanceService) MakeCounter(start int64) *Counter {
	s.counters.Add(1)
	return &Counter{Value: start, start: start, svc: s}
}

// LiveCounters is how many counters clients still hold.
func (s *ConformanceService) LiveCounters() int64 { return s.counters.Load() }

// GetList returns [0..n-1] by reference; a pointer, so appends are seen.
func (s *ConformanceService) GetList(n int) (*[]int, error) {
	if n < 0 || n > MaxList {
		return nil, vinegar.New("ValueError", fmt.Sprintf("get_list(%d): n must be 0..%d", n, MaxList))
	}
	l := make([]int, n)
	for i := range l {
		l[i] = i
	}
	return &l, nil
}

// The size arguments are capped, so that no single call can make the
// server build more than a few MiB (see the README's security section):
// with rpyc.Config.MaxInFlight calls in flight per connection (32), one
// client can make it hold at most 32 MiB of blobs.
const (
	// MaxBlob bounds blob(n): 1 MiB.
	MaxBlob = 1 << 20
	// MaxList bounds get_list(n): 1,048,576 items.
	MaxList = 1 << 20
)

// GetDict returns {"a": 1, "b": 2, "c": 3} by reference.
func (s *ConformanceService) GetDict() map[string]int {
	return map[string]int{"a": 1, "b": 2, "c": 3}
}

// Gen yields 0..n-1.
func (s *ConformanceService) Gen(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

// CallMe calls the client's fn(*args) and returns its result.
func (s *ConformanceService) CallMe(ctx context.Context, fn *rpyc.Netref, args ...any) (any, error) {
	return fn.Call(ctx, args...)
}

// CallMeN calls fn(i) for i in range(n) and returns the sum.
func (s *ConformanceService) CallMeN(ctx context.Context, fn *rpyc.Netref, n int) (any, error) {
	var total any = int64(0)
	for i := 0; i < n; i++ {
		v, err := fn.Call(ctx, i)
		if err != nil {
			return nil, err
		}
		if total, err = pyAdd(total, v); err != nil {
			return nil, err
		}
	}
	return total, nil
}

// Sleep sleeps and returns seconds.
func (s *ConformanceService) Sleep(ctx context.Context, seconds float64) (float64, error) {
	if seconds < 0 || seconds > 3600 {
		return 0, vinegar.New("ValueError", "sleep length out of range")
	}
	t := time.NewTimer(time.Duration(seconds * float64(time.Second)))
	defer t.Stop()
	select {
	case <-t.C:
		return seconds, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Pid is the id of the process serving this client: with -mode forking,
// a child's, which tests kill to check that only its client goes down.
func (s *ConformanceService) Pid() int { return os.Getpid() }

// Connections is how many connections are open now.
func (s *ConformanceService) Connections() int64 { return s.conns.Load() }

// OpenFile returns a read-only view of an in-memory file.
func (s *ConformanceService) OpenFile() any {
	return rpyc.Restrict(bytes.NewReader([]byte("line1\nline2\n")),
		[]string{"read", "readline", "readlines", "close", "__enter__", "__exit__", "__iter__", "__next__", "readable", "writable"}, nil)
}

// Counter is the object make_counter returns.
type Counter struct {
	// Value is exposed read-only as `value`.
	Value int64 `rpyc:"value"`
	start int64
	svc   *ConformanceService
	freed atomic.Bool
}

// RPyCParams names increment's parameter, with Python's default.
func (c *Counter) RPyCParams() map[string]string {
	return map[string]string{"Increment": "by=1"}
}

// RPyCTypeName names the type for Python clients.
func (c *Counter) RPyCTypeName() string { return "conformance.Counter" }

// Increment adds by (default 1) and returns the new value.
func (c *Counter) Increment(by int64) int64 {
	return atomic.AddInt64(&c.Value, by)
}

// Reset puts the value back to its start.
func (c *Counter) Reset() { atomic.StoreInt64(&c.Value, c.start) }

// String is str(counter).
func (c *Counter) String() string { return fmt.Sprintf("Counter(%d)", atomic.LoadInt64(&c.Value)) }

// RPyCRelease is called when a connection drops its last reference.
func (c *Counter) RPyCRelease(*rpyc.Conn) {
	if c.freed.CompareAndSwap(false, true) {
		c.svc.counters.Add(-1)
	}
}

// pyAdd is Python's + on ints (any size) and floats.
func pyAdd(a, b any) (any, error) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			if s := x + y; (s > x) == (y > 0) {
				return s, nil
			}
			return new(big.Int).Add(big.NewInt(x), big.NewInt(y)), nil
		case *big.Int:
			return new(big.Int).Add(big.NewInt(x), y), nil
		case float64:
			return float64(x) + y, nil
		}
	case *big.Int:
		switch y := b.(type) {
		case int64:
			return new(big.Int).Add(x, big.NewInt(y)), nil
		case *big.Int:
			return new(big.Int).Add(x, y), nil
		case float64:
			f, _ := new(big.Float).SetInt(x).Float64()
			return f + y, nil
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return x + float64(y), nil
		case *big.Int:
			f, _ := new(big.Float).SetInt(y).Float64()
			return x + f, nil
		case float64:
			return x + y, nil
		}
	case string:
		if y, ok := b.(string); ok {
			return x + y, nil
		}
	}
	return nil, vinegar.New("TypeError", fmt.Sprintf("unsupported operand type(s) for +: %s and %s", pyType(a), pyType(b)))
}

func pyType(v any) string {
	switch v.(type) {
	case nil:
		return "'NoneType'"
	case int64, *big.Int:
		return "'int'"
	case float64:
		return "'float'"
	case string:
		return "'str'"
	case []byte:
		return "'bytes'"
	}
	return fmt.Sprintf("'%T'", v)
}
