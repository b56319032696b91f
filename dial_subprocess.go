package rpyc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/internal/procgroup"
	"github.com/rpyc-go/rpyc/stream"
)

// SubprocessExitGrace is how long closing a ConnectSubprocess connection
// waits for the program to exit after its standard input closed, before
// killing it (and everything it started).
const SubprocessExitGrace = 3 * time.Second

// SubprocessOptions tunes ConnectSubprocess. A nil *SubprocessOptions
// means the defaults of every field.
type SubprocessOptions struct {
	// Service is offered to the program (nil: nothing, VoidService).
	Service any
	// Env is the program's environment as in exec.Cmd.Env (nil: this
	// process's).
	Env []string
	// Dir is the program's working directory ("": this process's).
	Dir string
	// Stderr receives the program's standard error. nil sends each line
	// to the connection's logger (Config.Logger, else slog.Default) at
	// Info level with the program's name, so a Python traceback is seen.
	Stderr io.Writer
	// ExitGrace is how long Close waits for the program to exit after its
	// standard input closed before killing its process group (zero:
	// SubprocessExitGrace).
	ExitGrace time.Duration
	// NoLayoutCache starts the program to probe its layout even when it
	// was learnt before for the same command line.
	NoLayoutCache bool
}

// ConnectSubprocess starts a program that speaks RPyC on its standard
// input and output (Python's connect_subproc: a Python script calling
// rpyc.connect_stdpipes and serve_all, `rpyc_classic --mode stdio`, or a
// Go program serving with ConnectStdPipes or ServeConn(stream.Stdio(), ...))
// and connects to it. argv[0] is looked up in PATH. The program runs in its own process
// group; Close closes its standard input, waits SubprocessOptions.ExitGrace
// for it to exit, then kills the group, and returns once it is reaped.
//
// When cfg.Layout is zero the program is spoken to in the 6.x layout
// first and, if it hangs up (rpyc 5.x), started again and spoken to in
// the 5.x layout; what is learnt is remembered for the same command line.
// ctx bounds the start and the first request, not the life of the program.
func ConnectSubprocess(ctx context.Context, argv []string, opts *SubprocessOptions, cfg *Config) (*Conn, error) {
	if len(argv) == 0 {
		return nil, errors.New("rpyc: ConnectSubprocess: empty command line: give the program and its arguments")
	}
	var o SubprocessOptions
	if opts != nil {
		o = *opts
	}
	name := argv[0]
	var last *procStream
	return dialLearning(ctx, learnSpec{
		key:     "exec " + strings.Join(argv, "\x00"),
		addr:    "subprocess " + name,
		service: o.Service,
		cfg:     cfg,
		noCache: o.NoLayoutCache,
		dial: func(context.Context) (net.Conn, error) {
			ps, err := startProc(argv, &o, cfg)
			last = ps
			return ps, err
		},
		closeErr: func(err error) error {
			if last == nil {
				return err
			}
			_ = last.Close() // reaped, so its last words are all in
			if msg := last.tail.String(); msg != "" {
				return fmt.Errorf("%w; %s wrote on stderr: %s", err, name, msg)
			}
			return err
		},
	})
}

// procStream is the program's stdout and stdin as one stream; its Close
// also ends and reaps the program.
type procStream struct {
	net.Conn
	cmd    *exec.Cmd
	exited chan struct{}
	grace  time.Duration
	tail   *tailWriter
	once   sync.Once
}

// startProc starts the program with its stdio on pipes.
func startProc(argv []string, o *SubprocessOptions, cfg *Config) (*procStream, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir = o.Env, o.Dir
	procgroup.Set(cmd)
	cmd.WaitDelay = time.Second // a grandchild holding stderr cannot hold Wait
	tail := &tailWriter{max: 2048}
	var errOut io.Writer = o.Stderr
	if errOut == nil {
		log := slog.Default()
		if cfg != nil && cfg.Logger != nil {
			log = cfg.Logger
		}
		errOut = &lineLogger{log: log, program: argv[0]}
	}
	cmd.Stderr = io.MultiWriter(errOut, tail)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("rpyc: subprocess %s: %w", argv[0], err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		_ = stdin.Close()
		return nil, fmt.Errorf("rpyc: subprocess %s: %w", argv[0], err)
	}
	if o.ExitGrace <= 0 {
		o.ExitGrace = SubprocessExitGrace
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("rpyc: start %s: %w (check the program path and that it is executable)", argv[0], err)
	}
	ps := &procStream{
		Conn:   stream.Pipe(stdout, stdin),
		cmd:    cmd,
		exited: make(chan struct{}),
		grace:  o.ExitGrace,
		tail:   tail,
	}
	go func() {
		_ = cmd.Wait()
		close(ps.exited)
	}()
	return ps, nil
}

// Close closes the pipes (the program sees end of input), gives the
// program its grace period to exit, kills its process group if it did
// not, and waits until it is reaped.
func (p *procStream) Close() error {
	err := p.Conn.Close()
	p.once.Do(func() {
		t := time.NewTimer(p.grace)
		defer t.Stop()
		select {
		case <-p.exited:
		case <-t.C:
			procgroup.Kill(p.cmd)
			<-p.exited
		}
		// Anything the program left behind in its group goes too.
		procgroup.Kill(p.cmd)
	})
	return err
}

// lineLogger logs each line written to it.
type lineLogger struct {
	log     *slog.Logger
	program string
	mu      sync.Mutex
	partial []byte
}

func (l *lineLogger) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.log.Info("rpyc: subprocess stderr", "program", l.program, "line", string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if len(l.partial) > 4096 { // a line without end: log it in pieces
		l.log.Info("rpyc: subprocess stderr", "program", l.program, "line", string(l.partial))
		l.partial = nil
	}
	return len(p), nil
}

// tailWriter keeps the last max bytes written to it.
type tailWriter struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
