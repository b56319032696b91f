package classic

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
)

// RedirectStdio points the server's sys.stdout and sys.stderr at local
// writers (Python's redirected_stdio): what the server prints, from any
// thread, is written to stdout and stderr here, one callback per write.
// A nil writer leaves that stream alone. The returned restore puts the
// server's own streams back; call it (usually deferred) when done.
//
// The streams are the server process's, not the connection's: while
// redirected, output of every client of that server comes here.
func (c *Conn) RedirectStdio(ctx context.Context, stdout, stderr io.Writer) (restore func() error, err error) {
	sys, err := c.Modules(ctx, "sys")
	if err != nil {
		return nil, err
	}
	type saved struct {
		name string
		old  any
	}
	var undo []saved
	restore = func() error {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		var errs []error
		for i := len(undo) - 1; i >= 0; i-- {
			if err := sys.SetAttr(rctx, undo[i].name, undo[i].old); err != nil {
				errs = append(errs, fmt.Errorf("classic: restoring sys.%s: %w", undo[i].name, err))
			}
		}
		undo = nil
		return errors.Join(errs...)
	}
	for _, s := range []struct {
		name string
		w    any
	}{{"stdout", stdout}, {"stderr", stderr}} {
		if s.w == nil {
			continue
		}
		if err := c.swap(ctx, sys, s.name, s.w, func(old any) { undo = append(undo, saved{s.name, old}) }); err != nil {
			_ = restore()
			return nil, err
		}
	}
	return restore, nil
}

// swap replaces sys.<name> with v and records the old value.
func (c *Conn) swap(ctx context.Context, sys *rpyc.Netref, name string, v any, record func(old any)) error {
	old, err := sys.GetAttr(ctx, name)
	if err != nil {
		return fmt.Errorf("classic: reading sys.%s: %w", name, err)
	}
	if err := sys.SetAttr(ctx, name, v); err != nil {
		return fmt.Errorf("classic: redirecting sys.%s: %w", name, err)
	}
	record(old)
	return nil
}

// WithRedirectedStdio runs f with the server's stdout and stderr
// redirected (see RedirectStdio), restoring them when f returns.
func (c *Conn) WithRedirectedStdio(ctx context.Context, stdout, stderr io.Writer, f func() error) error {
	restore, err := c.RedirectStdio(ctx, stdout, stderr)
	if err != nil {
		return err
	}
	ferr := f()
	return errors.Join(ferr, restore())
}

// LineReader is a text input stream for the server's sys.stdin: Python's
// input() calls its readline, which returns str ("" at the end).
type LineReader struct {
	mu sync.Mutex
	r  *bufio.Reader
}

// NewLineReader wraps r for use as a remote sys.stdin.
func NewLineReader(r io.Reader) *LineReader { return &LineReader{r: bufio.NewReader(r)} }

// Readline returns the next line with its newline, or "" at the end
// (Python's readline; a size limit, if given, is honoured).
func (l *LineReader) Readline(size ...int) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	limit := -1
	if len(size) > 0 {
		limit = size[0]
	}
	var line []byte
	for limit < 0 || len(line) < limit {
		b, err := l.r.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		line = append(line, b)
		if b == '\n' {
			break
		}
	}
	return string(line), nil
}

// interactDeadline bounds an Interact session whose context has none:
// long, because a REPL waits for a person.
const interactDeadline = 24 * time.Hour

// Interact runs a Python REPL (code.interact) on the server with its
// standard streams redirected here: lines typed on stdin run remotely,
// prompts and output appear on stdout and stderr (Python's interact). It
// returns when stdin ends (Ctrl-D on a terminal) or the REPL calls
// exit(). Pass os.Stdin, os.Stdout, os.Stderr for a terminal session.
func (c *Conn) Interact(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, interactDeadline)
		defer cancel()
	}
	sys, err := c.Modules(ctx, "sys")
	if err != nil {
		return err
	}
	var undo []func()
	defer func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}()
	for _, s := range []struct {
		name string
		v    any
	}{{"stdin", NewLineReader(stdin)}, {"stdout", stdout}, {"stderr", stderr}} {
		name := s.name
		if err := c.swap(ctx, sys, name, s.v, func(old any) {
			undo = append(undo, func() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				_ = sys.SetAttr(rctx, name, old)
			})
		}); err != nil {
			return err
		}
	}
	err = c.Execute(ctx, "import code as _rpyc_go_code\n"+
		"try:\n"+
		"    _rpyc_go_code.interact(banner='Python on the RPyC server; Ctrl-D ends the session', local={}, exitmsg='')\n"+
		"except SystemExit:\n"+
		"    pass\n")
	if err != nil {
		return fmt.Errorf("classic: interact: %w", err)
	}
	return nil
}
