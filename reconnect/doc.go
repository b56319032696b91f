// Package reconnect is an RPyC client that outlives its connection: when
// the connection ends (the server restarted, crashed, or a failover moved
// the service), it dials again, with exponential backoff and jitter,
// either the same addresses or whatever a registry or etcd reports for a
// service name, so it can land on another server; it then re-runs the
// program's set-up hook (fetch the root again, register callbacks again)
// and calls resume on the new connection.
//
//	c, err := reconnect.Dial(ctx, &reconnect.Options{
//		Addrs: []string{"db1:18861", "db2:18861"},
//		Setup: func(ctx context.Context, conn *rpyc.Conn) error {
//			root, err := conn.Root(ctx)
//			if err != nil {
//				return err
//			}
//			_, err = root.CallMethod(ctx, "subscribe", onEvent) // callbacks again
//			return err
//		},
//	})
//	defer c.Close()
//	v, err := c.Call(ctx, "get_answer")
//
// What happens to a call depends on when the connection ended:
//
//   - A call made while the client redials waits for the new connection
//     (bounded by its context) and then runs there.
//   - A call in flight when the connection ended fails with an error
//     matching ErrLost: the request may or may not have run on the
//     server, so it is not repeated behind the program's back. Calls the
//     program declares safe to repeat (DoIdempotent, CallIdempotent) run
//     again on the next connection instead.
//   - A netref taken from an old connection fails at once with an error
//     matching rpyc.ErrStale: the client retires each connection it
//     replaces (rpyc.Conn.Retire), so an old netref never waits on a dead
//     connection nor reaches whatever object the new server keeps under
//     the same id. Take netrefs from the current connection (Do, Conn).
//
// A dead connection is noticed when it ends: a FIN or reset from the
// server, a failed write, or a heartbeat of the engine. A server that
// vanished without a word (a host crash, a partition) is noticed only by
// such a heartbeat; Options.PingInterval adds one at this level.
//
// It works against any RPyC server, Go or Python, 5.x or 6.x: the
// message layout is learnt per address as rpyc.Dial does.
package reconnect
