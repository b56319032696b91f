// Command classic_stdpipes_child is started by classic_stdpipes_parent.py
// through Python's connect_subproc: it drives its Python parent over its
// own stdin and stdout with classic.ConnectStdPipes.
//
// Usage: classic_stdpipes_child [-layout 5|6] [-err FILE]
// -layout sets Config.Layout (default: none, which is 6.x); -err names a
// file that gets the connection error, if any.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

func main() {
	layout := flag.Int("layout", 0, "message layout: 5 or 6 (0: the default)")
	errFile := flag.String("err", "", "write a connection error here")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "child:", err)
		if *errFile != "" {
			_ = os.WriteFile(*errFile, []byte(err.Error()), 0o600)
		}
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var cfg *rpyc.Config
	switch *layout {
	case 5:
		cfg = &rpyc.Config{Layout: message.LayoutV5}
	case 6:
		cfg = &rpyc.Config{Layout: message.LayoutV6}
	}
	c, err := classic.ConnectStdPipes(ctx, cfg)
	if err != nil {
		fail(err)
	}
	n, err := rpyc.As[int](c.Eval(ctx, "6 * 7"))
	if err == nil {
		err = c.Execute(ctx, fmt.Sprintf("CHILD_SAYS = %d", n))
	}
	if err != nil {
		fail(err)
	}
	// The parent hangs up once it has seen the result (closing first could
	// cut the parent's own on_connect short).
	select {
	case <-c.Done():
	case <-ctx.Done():
	}
	_ = c.Close()
}
