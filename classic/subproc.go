package classic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/internal/procgroup"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// DefaultPython is the interpreter ConnectSubproc starts when
// SubprocOptions.Command is empty.
const DefaultPython = "python3"

// subprocExitGrace is how long Close waits for the server process to
// exit after its stdin closed, before killing it.
const subprocExitGrace = 3 * time.Second

// SubprocOptions says which classic server process ConnectSubproc starts.
// The zero value runs `python3 -u -c <start rpyc_classic> -q -m stdio`.
type SubprocOptions struct {
	// Command is the argv of a process that serves RPyC classic on its
	// stdin and stdout. Empty means Python's rpyc_classic in stdio mode
	// under Python (or DefaultPython).
	Command []string
	// Python is the interpreter for the default command (default
	// DefaultPython, looked up in PATH).
	Python string
	// Env, when not nil, is the process's environment (as exec.Cmd.Env).
	Env []string
	// Dir is the process's working directory (empty: this process's).
	Dir string
	// Stderr receives the process's standard error (nil discards it;
	// Python's rpyc_classic in stdio mode writes nothing there anyway).
	Stderr io.Writer
}

// pythonStdioServer starts rpyc_classic's stdio mode; the module has no
// __main__ block, so it is started through its main function. First it
// announces its rpyc version on one line ("rpyc 5.3.0"), which tells
// ConnectSubproc the message layout without a probe.
const pythonStdioServer = "import sys, rpyc; sys.stdout.write('rpyc %s\\n' % rpyc.__version__); sys.stdout.flush(); " +
	"from rpyc.cli.rpyc_classic import main; sys.exit(main())"

func (o *SubprocOptions) defaultCommand() bool { return o == nil || len(o.Command) == 0 }

func (o *SubprocOptions) argv() []string {
	if o != nil && len(o.Command) > 0 {
		return o.Command
	}
	py := DefaultPython
	if o != nil && o.Python != "" {
		py = o.Python
	}
	return []string{py, "-u", "-c", pythonStdioServer, "-q", "-m", "stdio"}
}

// ConnectSubproc starts a classic server as a child process and speaks
// RPyC over its stdin and stdout (Python's connect_subproc). Close ends
// the connection, which closes the child's stdin, and waits for the child
// (killing it after three seconds). ctx bounds the start and the first
// request, not the life of the process.
//
// When cfg.Layout is zero the layout is learnt: the default command
// announces its rpyc version before serving; a Command of your own is
// spoken to in the 6.x layout first and, if it hangs up (an rpyc 5.x
// server), started again and spoken to in the 5.x layout, as Dial does.
func ConnectSubproc(ctx context.Context, opts *SubprocOptions, cfg *rpyc.Config) (*Conn, error) {
	if (cfg != nil && cfg.Layout != 0) || opts.defaultCommand() {
		return startSubproc(ctx, opts, cfg)
	}
	c, err := startSubproc(ctx, opts, layoutOr(cfg, message.LayoutV6))
	if err == nil || !errors.Is(err, rpyc.ErrClosed) {
		return c, err
	}
	return startSubproc(ctx, opts, layoutOr(cfg, message.LayoutV5))
}

func startSubproc(ctx context.Context, opts *SubprocOptions, cfg *rpyc.Config) (*Conn, error) {
	argv := opts.argv()
	cmd := exec.Command(argv[0], argv[1:]...)
	tail := &tailBuffer{max: 4096}
	cmd.Stderr = tail
	if opts != nil {
		cmd.Env, cmd.Dir = opts.Env, opts.Dir
		if opts.Stderr != nil {
			cmd.Stderr = io.MultiWriter(opts.Stderr, tail)
		}
	}
	procgroup.Set(cmd)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("classic: subprocess %s: %w", argv[0], err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("classic: subprocess %s: %w", argv[0], err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("classic: start %s: %w (is Python with rpyc installed? set SubprocOptions.Python or Command)", argv[0], err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	reap := func() error {
		select {
		case <-exited:
			return nil
		case <-time.After(subprocExitGrace):
		}
		procgroup.Kill(cmd)
		<-exited
		return nil
	}
	if opts.defaultCommand() {
		layout, err := readAnnouncement(ctx, stdout)
		if err != nil {
			_ = stdin.Close()
			procgroup.Kill(cmd)
			_ = reap()
			hint := "; does it have rpyc? set SubprocOptions.Python to one that does"
			if msg := tail.String(); msg != "" {
				return nil, fmt.Errorf("classic: %s: %w%s; it said: %s", argv[0], err, hint, msg)
			}
			return nil, fmt.Errorf("classic: %s: %w%s", argv[0], err, hint)
		}
		if cfg == nil || cfg.Layout == 0 {
			cfg = layoutOr(cfg, layout)
		}
	}
	c, err := rpyc.Connect(stream.Pipe(stdout, stdin), newLocalService(), cfg)
	if err != nil {
		_ = stdin.Close()
		_ = reap()
		return nil, fmt.Errorf("classic: connect to %s: %w", argv[0], err)
	}
	conn, err := wrap(ctx, c, reap)
	if err != nil {
		if msg := tail.String(); msg != "" {
			return nil, fmt.Errorf("%w; %s said: %s", err, argv[0], msg)
		}
		return nil, err
	}
	return conn, nil
}

// readAnnouncement reads the "rpyc VERSION" line the default command
// writes before serving, one byte at a time (nothing past the line may be
// consumed), and returns the layout that version speaks.
func readAnnouncement(ctx context.Context, r io.Reader) (message.Layout, error) {
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var line []byte
		var b [1]byte
		for len(line) < 100 {
			if _, err := io.ReadFull(r, b[:]); err != nil {
				done <- result{string(line), err}
				return
			}
			if b[0] == '\n' {
				break
			}
			line = append(line, b[0])
		}
		done <- result{string(line), nil}
	}()
	var res result
	select {
	case res = <-done:
	case <-ctx.Done():
		return 0, fmt.Errorf("waiting for the server to start: %w", ctx.Err())
	}
	if res.err != nil {
		return 0, fmt.Errorf("the server exited before it started (%w)", res.err)
	}
	version, ok := strings.CutPrefix(res.line, "rpyc ")
	if !ok {
		return 0, fmt.Errorf("unexpected first line %q, want \"rpyc VERSION\"", res.line)
	}
	major, _, _ := strings.Cut(version, ".")
	if n, err := strconv.Atoi(major); err == nil && n <= 5 {
		return message.LayoutV5, nil
	}
	return message.LayoutV6, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}
