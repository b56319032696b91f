package slave

import (
	"context"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/slave/python"
)

// The connection's code: one interpreter per connection (package
// python), whose global namespace Python clients reach as
// conn.namespace, a dict. What execute defines, eval and later execute
// calls see; a function defined there is callable from the client
// (conn.namespace["f"](21)) and a client's callable passed in is
// callable from code.
//
// The interpreter runs one piece of code at a time (its lock, like
// Python's GIL): execute, eval, and every request of the client on an
// object of the code (a namespace function, a list eval returned). The
// lock is let go while code waits for the client (a callback, print to
// a redirected sys.stdout) or runs Go module code, so a client's
// callback may eval again without deadlock, and every 1024 loop
// iterations, so a long loop does not hold the other requests of the
// connection off.

// newInterp makes the connection's interpreter, reaching Go modules and
// the client's objects through the connection's object model.
func newInterp(s *SlaveService, conn *rpyc.Conn) *python.Interp {
	return python.New(codeOptions(&codeHost{s: s, conn: conn}))
}

// exec runs statements in the connection's namespace.
func (s *SlaveService) exec(ctx context.Context, text string) error {
	return s.code.Exec(ctx, text)
}

// eval evaluates one expression in the connection's namespace.
func (s *SlaveService) eval(ctx context.Context, text string) (any, error) {
	return s.code.Eval(ctx, text)
}
