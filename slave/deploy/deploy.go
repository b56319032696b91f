// Package deploy is zero-deploy for the Go classic server: over SSH, it
// copies a static rpyc_classic binary to a fresh temporary directory on
// the remote host, starts it on the remote loopback, and hands back
// classic connections to it through the SSH tunnel. Nothing is installed
// and no Python is needed on the remote host; Close stops the server and
// removes the directory. It is Python's DeployedServer without Python on
// the far side.
//
//	d, err := deploy.Deploy(ctx, "build-box:22", &deploy.Options{
//		Binary: "bin/rpyc_classic", // CGO_ENABLED=0 go build ./cmd/rpyc_classic
//		SSH:    &rpyc.SSHOptions{User: "ci", KeyFiles: []string{"id_ed25519"}},
//	})
//	defer d.Close()
//	conn, err := d.Connect(ctx, nil) // a *classic.Conn
//
// Forward serves a local port that tunnels to the remote server, so a
// Python client can rpyc.classic.connect to it ("rpyc_classic deploy"
// prints that port).
//
// The remote server binds 127.0.0.1 on the remote host: only users of
// that host and SSH tunnels reach it. It is remote control by design.
package deploy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/stream"
)

// Options configures Deploy. A nil *Options, and every zero field, means
// the documented default.
type Options struct {
	// Binary is the local path of the rpyc_classic program to copy. It
	// must run on the remote host: build it statically for that system
	// (CGO_ENABLED=0 GOOS=linux go build ./cmd/rpyc_classic). "" means
	// this program itself (os.Executable), which is right when this
	// program is rpyc_classic.
	Binary string
	// SSH says how to log in (user, keys, known_hosts); nil means the
	// current user, ~/.ssh keys and ~/.ssh/known_hosts, as the ssh
	// command. See rpyc.SSHOptions.
	SSH *rpyc.SSHOptions
	// TempDir is the remote directory in which the temporary directory is
	// made. "" means the remote's default (mktemp -d: $TMPDIR or /tmp).
	TempDir string
	// StartTimeout bounds how long the remote server may take to start
	// listening. Zero means 30 seconds.
	StartTimeout time.Duration
	// Logger receives the remote server's log lines (at debug level) and
	// failures to clean up. nil means slog.Default().
	Logger *slog.Logger
	// Stdio runs one rpyc_classic --mode stdio per connection, over its
	// own SSH session, instead of one listening server reached through
	// TCP forwarding: for SSH servers that forbid forwarding
	// (AllowTcpForwarding no). Each connection is then its own process.
	// False, the default, means a threaded server on the remote loopback.
	Stdio bool
}

// ErrDeploy is matched by every error Deploy returns about the remote
// side (copying, starting, the remote server failing).
var ErrDeploy = errors.New("rpyc/deploy")

// Deployment is a Go classic server running on a remote host. It is safe
// for concurrent use; Close ends it.
type Deployment struct {
	host       string // the SSH address given to Deploy
	client     *ssh.Client
	stdio      bool
	session    *ssh.Session
	stdin      io.WriteCloser // closing it stops the remote server
	dir        string         // the remote temporary directory
	remoteAddr string         // where the server listens, on the remote host
	log        *slog.Logger
	exited     chan struct{} // closed when the remote command ended

	mu        sync.Mutex // protects listeners
	listeners []net.Listener
	wg        sync.WaitGroup // forwarding goroutines

	closeOnce sync.Once
	closeErr  error
}

// Host is the SSH address the deployment was made to, as given to Deploy.
func (d *Deployment) Host() string { return d.host }

// Dir is the remote temporary directory holding the server binary.
func (d *Deployment) Dir() string { return d.dir }

// RemoteAddr is the server's address on the remote host
// ("127.0.0.1:PORT"), or "" with Options.Stdio.
func (d *Deployment) RemoteAddr() string { return d.remoteAddr }

// Deploy logs in to sshAddr ("host:port", or "host" for port 22), copies
// the binary to a new temporary directory there, starts it on the remote
// loopback with a free port, and returns once it listens. ctx bounds the
// whole deployment. On failure nothing is left on the remote host.
func Deploy(ctx context.Context, sshAddr string, opts *Options) (*Deployment, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 30 * time.Second
	}
	if o.Binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("%w: no Binary given and this program's path is unknown: %w", ErrDeploy, err)
		}
		o.Binary = exe
	}
	bin, err := os.Open(o.Binary)
	if err != nil {
		return nil, fmt.Errorf("%w: the server binary: %w (build it with CGO_ENABLED=0 go build ./cmd/rpyc_classic)", ErrDeploy, err)
	}
	defer bin.Close()
	client, err := rpyc.SSHClient(ctx, sshAddr, o.SSH)
	if err != nil {
		return nil, err
	}
	d := &Deployment{host: sshAddr, client: client, stdio: o.Stdio, log: o.Logger.With("ssh", sshAddr), exited: make(chan struct{})}
	stop := context.AfterFunc(ctx, func() { _ = client.Close() }) // unblock SSH calls
	defer stop()
	if err := d.setup(ctx, bin, &o); err != nil {
		d.cleanup()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", err, ctx.Err())
		}
		return nil, err
	}
	return d, nil
}

// setup makes the directory, copies the binary and starts it.
func (d *Deployment) setup(ctx context.Context, bin io.Reader, o *Options) error {
	mk := "mktemp -d"
	if o.TempDir != "" {
		mk = "mktemp -d " + shellQuote(strings.TrimRight(o.TempDir, "/")+"/rpyc-go.XXXXXXXX")
	}
	out, err := d.run(mk, nil)
	if err != nil {
		return fmt.Errorf("%w: making a temporary directory on the remote host: %w", ErrDeploy, err)
	}
	d.dir = strings.TrimSpace(out)
	if d.dir == "" || strings.ContainsAny(d.dir, "\n'") {
		return fmt.Errorf("%w: mktemp -d printed %q", ErrDeploy, out)
	}
	exe := d.dir + "/rpyc_classic"
	if _, err := d.run("cat > "+shellQuote(exe)+" && chmod 700 "+shellQuote(exe), bin); err != nil {
		return fmt.Errorf("%w: copying the server to %s: %w", ErrDeploy, exe, err)
	}
	return d.start(ctx, exe, o.StartTimeout)
}

// startLine is what rpyc_classic logs once it listens (Python's
// "server started on [HOST]:PORT").
var startLine = regexp.MustCompile(`server started on \[([^\]]*)\]:(\d+)`)

// start runs the server under a shell that stops it and removes the
// directory when our end of its standard input closes: Close, a dropped
// SSH connection, or this process dying all clean up the remote host.
func (d *Deployment) start(ctx context.Context, exe string, timeout time.Duration) error {
	s, err := d.client.NewSession()
	if err != nil {
		return fmt.Errorf("%w: starting the server: %w", ErrDeploy, err)
	}
	d.session = s
	if d.stdin, err = s.StdinPipe(); err != nil {
		return fmt.Errorf("%w: %w", ErrDeploy, err)
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrDeploy, err)
	}
	dir := shellQuote(d.dir)
	script := fmt.Sprintf("cd %s || exit 1; %s --mode threaded --host 127.0.0.1 --port 0 </dev/null & pid=$!; "+
		"cat >/dev/null; kill $pid 2>/dev/null; wait $pid; cd /; rm -rf %s", dir, shellQuote(exe), dir)
	if d.stdio {
		// Servers start per connection (dialStdio); this session only
		// removes the directory when it ends.
		script = fmt.Sprintf("cat >/dev/null; cd /; rm -rf %s", dir)
	}
	if err := s.Start("sh -c " + shellQuote(script)); err != nil {
		return fmt.Errorf("%w: starting the server: %w", ErrDeploy, err)
	}
	go func() { _ = s.Wait(); close(d.exited) }()
	if d.stdio {
		go func() { _, _ = io.Copy(io.Discard, stderr) }()
		return nil
	}

	found := make(chan string, 1)
	var tail []string
	var tailMu sync.Mutex
	go eachLine(stderr, func(line string) {
		d.log.Debug("remote rpyc_classic", "line", line)
		if m := startLine.FindStringSubmatch(line); m != nil {
			select {
			case found <- net.JoinHostPort(m[1], m[2]):
			default:
			}
		}
		tailMu.Lock()
		tail = append(tail, line)
		if len(tail) > 5 {
			tail = tail[1:]
		}
		tailMu.Unlock()
	})
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case addr := <-found:
		d.remoteAddr = addr
		return nil
	case <-d.exited:
		tailMu.Lock()
		defer tailMu.Unlock()
		return fmt.Errorf("%w: the remote server exited before listening (is the binary built for the remote system, with CGO_ENABLED=0?): %s", ErrDeploy, strings.Join(tail, " | "))
	case <-t.C:
		return fmt.Errorf("%w: the remote server did not start listening within %v", ErrDeploy, timeout)
	case <-ctx.Done():
		return fmt.Errorf("%w: starting the server: %w", ErrDeploy, ctx.Err())
	}
}

// run runs one remote command and returns its standard output.
func (d *Deployment) run(cmd string, stdin io.Reader) (string, error) {
	s, err := d.client.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	s.Stdin = stdin
	var out, errb strings.Builder
	s.Stdout, s.Stderr = &out, &errb
	if err := s.Run(cmd); err != nil {
		if msg := strings.TrimSpace(errb.String()); msg != "" {
			return "", fmt.Errorf("%w: %s", err, msg)
		}
		return "", err
	}
	return out.String(), nil
}

// Dial opens a new tunnel to the remote server (with Options.Stdio, a new
// SSH session running a stdio server): a raw stream for rpyc.Connect or
// classic.ConnectStream.
func (d *Deployment) Dial(ctx context.Context) (net.Conn, error) {
	if d.stdio {
		return d.dialStdio(ctx)
	}
	ch, err := d.client.DialContext(ctx, "tcp", d.remoteAddr)
	if err != nil {
		return nil, fmt.Errorf("%w: tunnel to %s: %w", ErrDeploy, d.remoteAddr, err)
	}
	return stream.Pipe(ch, ch), nil
}

// Connect opens a new classic connection to the remote server through
// the SSH tunnel. cfg may be nil. Close the connection before (or
// instead of relying on) the Deployment's Close.
func (d *Deployment) Connect(ctx context.Context, cfg *rpyc.Config) (*classic.Conn, error) {
	nc, err := d.Dial(ctx)
	if err != nil {
		return nil, err
	}
	return classic.ConnectStream(ctx, nc, cfg)
}

// Close stops the remote server, removes its directory and ends the SSH
// session. It waits for the remote cleanup (bounded by 10 seconds) and is
// idempotent.
func (d *Deployment) Close() error {
	d.closeOnce.Do(func() { d.closeErr = d.cleanup() })
	return d.closeErr
}

func (d *Deployment) cleanup() error {
	d.mu.Lock()
	for _, l := range d.listeners {
		_ = l.Close()
	}
	d.listeners = nil
	d.mu.Unlock()
	var err error
	if d.stdin != nil {
		_ = d.stdin.Close() // the remote shell kills the server and removes the directory
		select {
		case <-d.exited:
		case <-time.After(10 * time.Second):
			err = fmt.Errorf("%w: the remote server did not stop within 10s", ErrDeploy)
		}
	}
	if d.dir != "" {
		// Again, in case the server never started or the shell was cut off.
		if _, rerr := d.run("rm -rf "+shellQuote(d.dir), nil); rerr != nil && err == nil {
			err = fmt.Errorf("%w: removing %s: %w", ErrDeploy, d.dir, rerr)
		}
	}
	if d.session != nil {
		_ = d.session.Close()
	}
	_ = d.client.Close()
	d.wg.Wait()
	if err != nil {
		d.log.Warn("rpyc/deploy: cleanup", "err", err)
	}
	return err
}

// shellQuote quotes s for a POSIX shell.
// eachLine calls each for every line of r, then reads r to its end: a
// remote stderr must be drained even past a line too long for the
// scanner, or the SSH channel's window fills and the server blocks.
func eachLine(r io.Reader, each func(string)) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		each(sc.Text())
	}
	_, _ = io.Copy(io.Discard, r)
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
