package deploy

import (
	"context"
	"fmt"
	"io"
	"net"

	"golang.org/x/crypto/ssh"

	"github.com/rpyc-go/rpyc/stream"
)

// dialStdio starts one rpyc_classic --mode stdio over a new SSH session
// and returns the session's standard input and output as the stream.
// Closing the stream closes the server's input (it exits with status 0)
// and the session.
func (d *Deployment) dialStdio(ctx context.Context) (net.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s, err := d.client.NewSession()
	if err != nil {
		return nil, fmt.Errorf("%w: new session for a stdio server: %w", ErrDeploy, err)
	}
	stdin, err := s.StdinPipe()
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%w: %w", ErrDeploy, err)
	}
	stdout, err := s.StdoutPipe()
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%w: %w", ErrDeploy, err)
	}
	stderr, err := s.StderrPipe()
	if err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%w: %w", ErrDeploy, err)
	}
	cmd := "cd " + shellQuote(d.dir) + " && exec " + shellQuote(d.dir+"/rpyc_classic") + " --quiet --mode stdio"
	if err := s.Start(cmd); err != nil {
		_ = s.Close()
		return nil, fmt.Errorf("%w: starting a stdio server: %w", ErrDeploy, err)
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		eachLine(stderr, func(line string) { d.log.Debug("remote rpyc_classic (stdio)", "line", line) })
	}()
	return stream.Pipe(&sessionOut{Reader: stdout, s: s}, stdin), nil
}

// sessionOut is a session's standard output whose Close ends the session.
type sessionOut struct {
	io.Reader
	s *ssh.Session
}

func (o *sessionOut) Close() error { return o.s.Close() }
