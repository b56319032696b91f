package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/slave/deploy"
)

const deployUsage = `Usage: rpyc_classic deploy [options] [user@]host[:port]

Zero-deploy over SSH: copies this rpyc_classic binary (or --binary) to a
new temporary directory on the remote host, starts it there on the
remote 127.0.0.1, and forwards a local port to it through the SSH
connection. It prints

    rpyc-deploy
    127.0.0.1<TAB>PORT

and then serves until SIGINT or SIGTERM, when it stops the remote
server and removes the directory (so does the SSH connection dropping).
From Python:

    conn = rpyc.classic.connect("127.0.0.1", PORT)

The binary must run on the remote host: build it statically for that
system, e.g. CGO_ENABLED=0 GOOS=linux go build ./cmd/rpyc_classic.

SECURITY: whoever reaches the local port controls the remote host as the
SSH user; it listens on 127.0.0.1 only unless --local-host says otherwise.

  -i, --identity PATH     private key to log in with (default ~/.ssh/id_*)
  -l, --user NAME         user to log in as (default: user@ in the
                          address, else the current user)
      --known-hosts PATH  trusted host keys (default ~/.ssh/known_hosts)
      --insecure-ignore-host-key
                          accept any host key (tests only)
      --binary PATH       the rpyc_classic to copy (default: this program)
      --tmpdir DIR        remote directory for the temporary directory
                          (default: mktemp's, $TMPDIR or /tmp)
      --local-host ADDR   local address to listen on (default 127.0.0.1)
      --local-port N      local port (default 0: a free one)
      --stdio             one stdio server per connection over its own SSH
                          session, for SSH servers without TCP forwarding
  -q, --quiet             log errors only
  -h, --help              show this help
`

type deployOptions struct {
	identity, user, knownHosts, binary, tmpdir, localHost string
	insecure, quiet, stdio                                bool
	localPort                                             int
	target                                                string
}

func parseDeploy(args []string, stdout io.Writer) (*deployOptions, error) {
	o := &deployOptions{}
	fs := newFlagSet("rpyc_classic deploy")
	fs.str(&o.identity, "", "private key", "i", "identity")
	fs.str(&o.user, "", "user", "l", "user")
	fs.str(&o.knownHosts, "", "known_hosts", "known-hosts")
	fs.boolean(&o.insecure, "accept any host key", "insecure-ignore-host-key")
	fs.str(&o.binary, "", "binary to copy", "binary")
	fs.str(&o.tmpdir, "", "remote temp dir", "tmpdir")
	fs.str(&o.localHost, "127.0.0.1", "local address", "local-host")
	fs.integer(&o.localPort, 0, "local port", "local-port")
	fs.boolean(&o.quiet, "log errors only", "q", "quiet")
	fs.boolean(&o.stdio, "a stdio server per connection, no TCP forwarding", "stdio")
	// Flags may come before or after the address.
	var positional []string
	for {
		if err := fs.parseArgs(args, stdout, deployUsage); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		return nil, fmt.Errorf("want one [user@]host[:port] to deploy to, got %d arguments (see --help)", len(positional))
	}
	o.target = positional[0]
	if u, host, ok := strings.Cut(o.target, "@"); ok {
		if o.user == "" {
			o.user = u
		}
		o.target = host
	}
	return o, nil
}

func runDeploy(args []string, stdout, stderr io.Writer) error {
	o, err := parseDeploy(args, stdout)
	if err != nil {
		return err
	}
	lo := &options{quiet: o.quiet}
	logger, done, err := lo.logger(stderr)
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	sshOpts := &rpyc.SSHOptions{User: o.user, KnownHostsFile: o.knownHosts, InsecureIgnoreHostKey: o.insecure, Timeout: 30 * time.Second}
	if o.identity != "" {
		sshOpts.KeyFiles = []string{o.identity}
	}
	dctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	d, err := deploy.Deploy(dctx, o.target, &deploy.Options{Binary: o.binary, SSH: sshOpts, TempDir: o.tmpdir, Logger: logger, Stdio: o.stdio})
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		if err := d.Close(); err != nil {
			logger.Error("rpyc_classic deploy: cleanup", "err", err)
		}
	}()
	l, err := d.Forward(ctx, net.JoinHostPort(o.localHost, fmt.Sprint(o.localPort)))
	if err != nil {
		return err
	}
	host, port, _ := net.SplitHostPort(l.Addr().String())
	fmt.Fprintf(stdout, "rpyc-deploy\n%s\t%s\n", host, port)
	if f, ok := stdout.(*os.File); ok {
		_ = f.Sync()
	}
	logger.Info("rpyc_classic deploy: serving", "local", l.Addr().String(), "remote", d.RemoteAddr(), "dir", d.Dir())

	<-ctx.Done()
	return nil
}
