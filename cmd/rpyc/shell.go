package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
	"golang.org/x/term"
)

// runShell opens a Python prompt whose lines run on a classic server.
func runShell(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "shell", "HOST[:PORT]",
		"An interactive prompt on a classic server (rpyc_classic, port 18812): each line is\n"+
			"evaluated remotely (conn.eval; statements go to conn.execute) and the result\n"+
			"printed with repr; what the server prints shows here. A line ending in ':'\n"+
			"opens a block, ended by an empty line. Piped lines run as a script: the first remote\n"+
			"exception ends it with exit status 1. On a terminal: line editing and history\n"+
			"(arrows, Ctrl-A/E/K/U/W), kept across sessions in --history, and Tab completes names\n"+
			"from the server (dir()). Ctrl-D or exit() leaves.")
	cf.add(fs)
	histPath := fs.String("history", defaultHistoryPath(), "file that keeps the line history across sessions (empty: this session only)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	addr, rest, err := cf.target(fs, pos, cf.classicPort())
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 0, 0, "only HOST[:PORT]"); err != nil {
		return err
	}
	ctx := context.Background()
	conn, err := cf.dialClassic(ctx, addr, e.stderr)
	if err != nil {
		return err
	}
	defer conn.Close()

	var in lineReader
	var out io.Writer = e.stdout
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		state, err := term.MakeRaw(int(f.Fd()))
		if err != nil {
			return fmt.Errorf("putting the terminal in raw mode: %w", err)
		}
		defer term.Restore(int(f.Fd()), state)
		t := term.NewTerminal(struct {
			io.Reader
			io.Writer
		}{f, e.stdout}, ">>> ")
		if w, h, err := term.GetSize(int(f.Fd())); err == nil {
			_ = t.SetSize(w, h)
		}
		hist, err := openHistory(*histPath)
		if err != nil {
			fmt.Fprintf(t, "rpyc shell: %v\n", err)
		}
		defer hist.Close()
		t.History = hist
		t.AutoCompleteCallback = (&completer{conn: conn, timeout: cf.timeout}).complete
		in, out = termReader{t}, t
	} else {
		in = &plainReader{sc: bufio.NewScanner(e.stdin), w: e.stdout}
	}
	sh := &shell{conn: conn, in: in, out: out, timeout: cf, interactive: in != nil && isTerm(in)}
	fmt.Fprintf(out, "rpyc shell on %s (layout %s); Ctrl-D or exit() leaves\n", cf.where(addr), conn.Layout())
	if restore, err := conn.RedirectStdio(ctx, out, out); err == nil {
		defer func() { _ = restore() }()
	}
	return sh.loop(ctx)
}

// lineReader reads one line with a prompt.
type lineReader interface {
	readLine(prompt string) (string, error)
}

// termReader edits lines on a terminal, with history.
type termReader struct{ t *term.Terminal }

func (r termReader) readLine(prompt string) (string, error) {
	r.t.SetPrompt(prompt)
	return r.t.ReadLine()
}

// plainReader reads lines from a pipe, echoing the prompt.
type plainReader struct {
	sc *bufio.Scanner
	w  io.Writer
}

func (r *plainReader) readLine(prompt string) (string, error) {
	fmt.Fprint(r.w, prompt)
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return "", err
		}
		fmt.Fprintln(r.w)
		return "", io.EOF
	}
	return r.sc.Text(), nil
}

// isTerm reports whether lines come from a terminal.
func isTerm(in lineReader) bool {
	_, ok := in.(termReader)
	return ok
}

// shell is the read-eval-print loop.
type shell struct {
	conn    *classic.Conn
	in      lineReader
	out     io.Writer
	timeout connFlags
	// interactive: a remote exception is printed and the prompt comes
	// back. Otherwise (lines piped in, a script) the first one ends the
	// shell with exit status 1, as python3 < script stops at its first
	// uncaught exception.
	interactive bool
	line        int // lines read, for messages
}

func (s *shell) loop(ctx context.Context) error {
	for {
		line, err := s.in.readLine(">>> ")
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		s.line++
		start := s.line
		code := strings.TrimRight(line, " \t")
		if strings.TrimSpace(code) == "" {
			continue
		}
		if t := strings.TrimSpace(code); t == "exit()" || t == "quit()" {
			return nil
		}
		if strings.HasSuffix(code, ":") || strings.HasSuffix(code, "\\") {
			code, err = s.block(code)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
		}
		if err := s.run(ctx, code, start); err != nil {
			return err
		}
		if s.conn.Closed() {
			return &connError{fmt.Errorf("connection lost: %w", s.conn.Err())}
		}
	}
}

// block reads continuation lines up to an empty one.
func (s *shell) block(first string) (string, error) {
	lines := []string{first}
	for {
		line, err := s.in.readLine("... ")
		if err != nil {
			return "", err
		}
		s.line++
		if strings.TrimSpace(line) == "" {
			return strings.Join(lines, "\n") + "\n", nil
		}
		lines = append(lines, line)
	}
}

// run evaluates code remotely: as an expression when it is one, else as
// statements; the result's repr is printed unless it is None. A remote
// exception is printed on a terminal; piped, it ends the shell (exit 1).
// A lost connection always does. line is where code starts, for errors.
func (s *shell) run(ctx context.Context, code string, line int) error {
	cctx, cancel := context.WithTimeout(ctx, s.timeout.timeout)
	defer cancel()
	v, err := s.conn.Eval(cctx, code)
	if errors.Is(err, vinegar.ErrSyntaxError) {
		err = s.conn.Execute(cctx, code)
		v = nil
	}
	if err != nil {
		var exc *vinegar.Exception
		switch {
		case errors.As(err, &exc) && s.interactive:
			fmt.Fprintf(s.out, "%s\n", exc.Error())
			return nil
		case errors.As(err, &exc):
			return fmt.Errorf("line %d: %w", line, exc)
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, rpyc.ErrTimeout):
			return noReply(fmt.Sprintf("line %d", line), s.timeout.timeout)
		}
		return &connError{err}
	}
	if v == nil {
		return nil
	}
	r, err := repr(cctx, v)
	if err != nil {
		fmt.Fprintf(s.out, "%v\n", err)
		return nil
	}
	fmt.Fprintln(s.out, r)
	return nil
}
