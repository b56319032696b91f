package deploy

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
)

// Multi is the Go classic server deployed to several hosts at once and
// managed as one (Python's MultiServerDeployment): ConnectAll opens a
// connection to each, Close ends them all. It is safe for concurrent use.
type Multi struct {
	deployments []*Deployment

	closeOnce sync.Once
	closeErr  error
}

// DeployAll deploys to every host in sshAddrs at once (each "host:port",
// or "host" for port 22), with the same options, and returns when all
// listen. ctx bounds the whole. If any host fails, the others are closed
// (nothing is left on them) and the error names each host that failed.
// The same host may be listed twice: each deployment gets its own
// temporary directory and server.
func DeployAll(ctx context.Context, sshAddrs []string, opts *Options) (*Multi, error) {
	if len(sshAddrs) == 0 {
		return nil, fmt.Errorf("%w: DeployAll: no hosts given", ErrDeploy)
	}
	ds := make([]*Deployment, len(sshAddrs))
	err := inParallel(len(ds), func(i int) string { return sshAddrs[i] }, func(i int) (err error) {
		ds[i], err = Deploy(ctx, sshAddrs[i], opts)
		return err
	})
	if err != nil {
		var made []*Deployment
		for _, d := range ds {
			if d != nil {
				made = append(made, d)
			}
		}
		if cerr := (&Multi{deployments: made}).Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("closing the hosts that succeeded: %w", cerr))
		}
		return nil, err
	}
	return &Multi{deployments: ds}, nil
}

// Deployments returns the deployments, in the order of the hosts given to
// DeployAll (Python's iteration and indexing of the deployment).
func (m *Multi) Deployments() []*Deployment {
	return append([]*Deployment(nil), m.deployments...)
}

// Len returns the number of deployments.
func (m *Multi) Len() int { return len(m.deployments) }

// ConnectAll opens a classic connection to every deployed server at once
// (Python's connect_all and classic_connect_all) and returns them in the
// order of the hosts. cfg may be nil. If any fails, the connections made
// are closed and the error names each host that failed. For a connection
// with a service of your own, give one deployment's Dial stream to
// rpyc.Connect.
func (m *Multi) ConnectAll(ctx context.Context, cfg *rpyc.Config) ([]*classic.Conn, error) {
	conns := make([]*classic.Conn, len(m.deployments))
	err := inParallel(len(conns), m.host, func(i int) (err error) {
		conns[i], err = m.deployments[i].Connect(ctx, cfg)
		return err
	})
	if err != nil {
		for _, c := range conns {
			if c != nil {
				_ = c.Close()
			}
		}
		return nil, err
	}
	return conns, nil
}

// Close ends every deployment (servers stopped, directories removed), all
// at once, and returns their errors joined. It is idempotent.
func (m *Multi) Close() error {
	m.closeOnce.Do(func() {
		m.closeErr = inParallel(len(m.deployments), m.host, func(i int) error {
			return m.deployments[i].Close()
		})
	})
	return m.closeErr
}

func (m *Multi) host(i int) string { return m.deployments[i].host }

// inParallel runs f(0) … f(n-1) at once and returns their errors joined,
// each prefixed with the host name(i) it was about.
func inParallel(n int, name func(int) string, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(i); err != nil {
				errs[i] = fmt.Errorf("%s: %w", name(i), err)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
