package rpyc

import (
	"context"

	"github.com/rpyc-go/rpyc/message"
)

// Bound threads (rpyc 6's bind_threads): every message carries the
// sender's thread id and the id of the peer's thread it is meant for
// (message.Threads). Python runs a request addressed to thread T on T,
// the thread that waits for its own call's answer, so a callback made
// while serving T's request reaches the thread that can take it.
//
// Go has no threads to bind: replies find their caller by seq, and any
// worker may serve any request. What must hold is what the peer sees. A
// request of the peer's, from its thread T, is served by a "thread" of
// ours, an id made for that request (bindThreads); its reply, and every
// request its handler makes with the context it was given, carry that id
// and are addressed to T. A request made outside a handler (a user's
// call, a DEL, CLOSE) carries an id of its own and is addressed to no
// thread (message.UnboundThread), which the peer serves on any thread.
// Ids are per connection, never zero.

// threadsKey carries a handler's binding in its context.
type threadsKey struct{}

func withThreads(ctx context.Context, th message.Threads) context.Context {
	return context.WithValue(ctx, threadsKey{}, th)
}

// bindThreads makes the binding of a request from the peer's thread
// that sent it (in.Sender): a new thread of ours, answering to it.
func (c *Conn) bindThreads(in message.Threads) message.Threads {
	return message.Threads{Sender: uint64(c.threadSeq.Add(1)), Receiver: in.Sender}
}

// replyThreads is the prefix of a reply the reader sends itself (a DEL's
// acknowledgement, a refusal) to a request with prefix in.
func (c *Conn) replyThreads(in message.Threads) message.Threads {
	if !c.bind.Load() {
		return message.Threads{}
	}
	return c.bindThreads(in)
}

// threadsFor is the prefix of a request made with ctx: the binding of the
// handler whose context it is, on this connection, else unbound.
func (c *Conn) threadsFor(ctx context.Context) message.Threads {
	if !c.bind.Load() {
		return message.Threads{}
	}
	if h, ok := ConnFromContext(ctx); ok && h == c {
		if th, ok := ctx.Value(threadsKey{}).(message.Threads); ok {
			return th
		}
	}
	return c.unboundThreads()
}

// unboundThreads is the prefix of a request made outside any handler.
func (c *Conn) unboundThreads() message.Threads {
	if !c.bind.Load() {
		return message.Threads{}
	}
	return message.Threads{Sender: uint64(c.threadSeq.Add(1)), Receiver: message.UnboundThread}
}
