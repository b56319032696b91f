package rpyc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/rpyc-go/rpyc/stream"
)

// SSHOptions says how DialSSH logs in to the SSH server. The zero value
// logs in as the current user with the default key files (~/.ssh/id_*)
// and checks the server's host key against ~/.ssh/known_hosts, like the
// ssh command: a server that is not listed there is refused.
type SSHOptions struct {
	// User to log in as ("": the current user).
	User string
	// Signers authenticate the user (keys loaded or from an agent).
	Signers []ssh.Signer
	// KeyFiles are private key files (OpenSSH or PEM, unencrypted) to
	// authenticate with, after Signers. When both are empty the files
	// ~/.ssh/id_ed25519, id_ecdsa and id_rsa that exist are used.
	KeyFiles []string
	// KnownHostsFile lists the trusted host keys ("": ~/.ssh/known_hosts).
	KnownHostsFile string
	// HostKeyCallback, when set, decides on the host key instead of
	// KnownHostsFile (ssh.FixedHostKey, a custom check, ...).
	HostKeyCallback ssh.HostKeyCallback
	// InsecureIgnoreHostKey accepts any host key, so anyone on the path
	// can pose as the server. For tests only.
	InsecureIgnoreHostKey bool
	// Timeout bounds the TCP connect and the SSH handshake on top of ctx
	// (zero: ctx alone).
	Timeout time.Duration
	// Service is offered to the RPyC server (nil: nothing, VoidService).
	Service any
	// NoLayoutCache probes the server's layout even if it was learnt
	// before (see DialOptions.NoLayoutCache).
	NoLayoutCache bool
}

// ErrSSHConfig is matched by errors about SSHOptions that cannot work: no
// key to log in with, an unreadable key or known_hosts file.
var ErrSSHConfig = errors.New("rpyc: SSH options")

// DialSSH logs in to the SSH server at sshAddr ("host:port", or "host"
// for port 22) and reaches the RPyC server at remoteAddr, as the SSH
// server sees it ("127.0.0.1:18812" is a server on that host's loopback),
// through a direct-tcpip tunnel (Python's ssh_connect, without an ssh
// binary). Nothing listens on this machine. The layout is learnt over a
// second tunnel when needed and remembered per sshAddr and remoteAddr.
// Close ends the tunnel and the SSH session. ctx bounds the login and the
// first request.
func DialSSH(ctx context.Context, sshAddr, remoteAddr string, opts *SSHOptions, cfg *Config) (*Conn, error) {
	var o SSHOptions
	if opts != nil {
		o = *opts
	}
	if _, _, err := net.SplitHostPort(sshAddr); err != nil {
		sshAddr = net.JoinHostPort(sshAddr, "22")
	}
	client, err := sshLogin(ctx, sshAddr, &o)
	if err != nil {
		return nil, err
	}
	name := remoteAddr + " via ssh " + sshAddr
	var last *sshTunnel
	c, err := dialLearning(ctx, learnSpec{
		key:     "ssh " + sshAddr + " " + remoteAddr,
		addr:    name,
		service: o.Service,
		cfg:     cfg,
		noCache: o.NoLayoutCache,
		dial: func(ctx context.Context) (net.Conn, error) {
			ch, err := client.DialContext(ctx, "tcp", remoteAddr)
			if err != nil {
				return nil, fmt.Errorf("rpyc: ssh %s: tunnel to %s: %w (is the RPyC server listening there, and does sshd allow TCP forwarding?)", sshAddr, remoteAddr, err)
			}
			// The SSH channel has no deadlines; the pipe adapter adds them.
			last = &sshTunnel{Conn: stream.Pipe(ch, ch), client: client}
			return last, nil
		},
	})
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	last.owner.Store(true)
	return c, nil
}

// SSHClient logs in to the SSH server at sshAddr exactly as DialSSH does
// (same options, host key checks and errors) and returns the session
// itself, for callers that run commands or open tunnels of their own
// (slave/deploy copies and starts a server with it). The caller closes it.
func SSHClient(ctx context.Context, sshAddr string, opts *SSHOptions) (*ssh.Client, error) {
	var o SSHOptions
	if opts != nil {
		o = *opts
	}
	if _, _, err := net.SplitHostPort(sshAddr); err != nil {
		sshAddr = net.JoinHostPort(sshAddr, "22")
	}
	return sshLogin(ctx, sshAddr, &o)
}

// sshTunnel is one direct-tcpip channel; the one the connection keeps
// also ends the SSH session when closed.
type sshTunnel struct {
	net.Conn
	client *ssh.Client
	owner  atomic.Bool
}

// Close closes the tunnel, and the SSH session if this tunnel owns it.
func (t *sshTunnel) Close() error {
	err := t.Conn.Close()
	if t.owner.Load() {
		_ = t.client.Close()
	}
	return err
}

// sshLogin connects and authenticates.
func sshLogin(ctx context.Context, addr string, o *SSHOptions) (*ssh.Client, error) {
	cc, err := o.clientConfig()
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: o.Timeout}
	raw, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("rpyc: ssh %s: %w", addr, err)
	}
	deadline, ok := ctx.Deadline()
	if o.Timeout > 0 && (!ok || time.Until(deadline) > o.Timeout) {
		deadline, ok = time.Now().Add(o.Timeout), true
	}
	if ok {
		_ = raw.SetDeadline(deadline)
	}
	stop := context.AfterFunc(ctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	conn, chans, reqs, err := ssh.NewClientConn(raw, addr, cc)
	stop()
	if err != nil {
		_ = raw.Close()
		return nil, sshLoginError(addr, cc.User, err)
	}
	_ = raw.SetDeadline(time.Time{})
	return ssh.NewClient(conn, chans, reqs), nil
}

// sshLoginError says what to do about the usual login failures.
func sshLoginError(addr, user string, err error) error {
	var keyErr *knownhosts.KeyError
	switch {
	case errors.As(err, &keyErr) && len(keyErr.Want) == 0:
		return fmt.Errorf("rpyc: ssh %s: host key not in known_hosts (add it, e.g. with ssh-keyscan, or set SSHOptions.HostKeyCallback): %w", addr, err)
	case errors.As(err, &keyErr):
		return fmt.Errorf("rpyc: ssh %s: HOST KEY CHANGED: the server's key differs from known_hosts (someone may be posing as it): %w", addr, err)
	case isAuthFailure(err):
		return fmt.Errorf("rpyc: ssh %s: login as %q refused (check SSHOptions.User and the key in the server's authorized_keys): %w", addr, user, err)
	}
	return fmt.Errorf("rpyc: ssh %s: %w", addr, err)
}

// isAuthFailure recognises x/crypto/ssh's authentication failure, which
// has no type of its own.
func isAuthFailure(err error) bool {
	return strings.Contains(err.Error(), "unable to authenticate")
}

// clientConfig builds the x/crypto/ssh configuration o describes.
func (o *SSHOptions) clientConfig() (*ssh.ClientConfig, error) {
	name := o.User
	if name == "" {
		u, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("%w: no User given and the current user is unknown: %w", ErrSSHConfig, err)
		}
		name = u.Username
	}
	signers := append([]ssh.Signer(nil), o.Signers...)
	files := o.KeyFiles
	if len(signers) == 0 && len(files) == 0 {
		files = defaultKeyFiles()
	}
	for _, f := range files {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("%w: key file: %w", ErrSSHConfig, err)
		}
		s, err := ssh.ParsePrivateKey(pem)
		if err != nil {
			return nil, fmt.Errorf("%w: key file %s: %w", ErrSSHConfig, f, err)
		}
		signers = append(signers, s)
	}
	if len(signers) == 0 {
		return nil, fmt.Errorf("%w: no key to log in with: set SSHOptions.KeyFiles or Signers (no ~/.ssh/id_* file found)", ErrSSHConfig)
	}
	hostKey := o.HostKeyCallback
	switch {
	case hostKey != nil:
	case o.InsecureIgnoreHostKey:
		hostKey = ssh.InsecureIgnoreHostKey()
	default:
		path := o.KnownHostsFile
		if path == "" {
			home, err := os.UserHomeDir()
			if err != nil {
				return nil, fmt.Errorf("%w: no KnownHostsFile given and no home directory: %w", ErrSSHConfig, err)
			}
			path = filepath.Join(home, ".ssh", "known_hosts")
		}
		cb, err := knownhosts.New(path)
		if err != nil {
			return nil, fmt.Errorf("%w: known_hosts: %w (set KnownHostsFile or HostKeyCallback)", ErrSSHConfig, err)
		}
		hostKey = cb
	}
	return &ssh.ClientConfig{
		User:            name,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signers...)},
		HostKeyCallback: hostKey,
		Timeout:         o.Timeout,
	}, nil
}

// defaultKeyFiles lists the user's default private keys that exist.
func defaultKeyFiles() []string {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil
	}
	var out []string
	for _, n := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
		p := filepath.Join(home, ".ssh", n)
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return out
}
