// Command classic_stdpipes_child is started by classic_stdpipes_parent.py
// through Python's connect_subproc: it drives its Python parent over its
// own stdin and stdout with classic.ConnectStdPipes.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := classic.ConnectStdPipes(ctx, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	n, err := rpyc.As[int](c.Eval(ctx, "6 * 7"))
	if err == nil {
		err = c.Execute(ctx, fmt.Sprintf("CHILD_SAYS = %d", n))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	// The parent hangs up once it has seen the result (closing first could
	// cut the parent's own on_connect short).
	select {
	case <-c.Done():
	case <-ctx.Done():
	}
	_ = c.Close()
}
