package deploy

import (
	"context"
	"fmt"
	"io"
	"net"
)

// Forward listens on localAddr ("127.0.0.1:0" picks a free port) and
// tunnels every connection made there to the remote server, so a Python
// client can rpyc.classic.connect to it. It returns the listener (its
// Addr is the port to give Python); Close on the Deployment, or on the
// listener, stops forwarding. Keep localAddr on loopback: whoever reaches
// it controls the remote host.
func (d *Deployment) Forward(ctx context.Context, localAddr string) (net.Listener, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", localAddr)
	if err != nil {
		return nil, fmt.Errorf("%w: forward: %w", ErrDeploy, err)
	}
	d.mu.Lock()
	d.listeners = append(d.listeners, l)
	d.mu.Unlock()
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			d.wg.Add(1)
			go func() {
				defer d.wg.Done()
				d.pipe(nc)
			}()
		}
	}()
	return l, nil
}

// pipe copies between a local client and a new tunnel until either ends.
func (d *Deployment) pipe(local net.Conn) {
	defer local.Close()
	remote, err := d.Dial(context.Background())
	if err != nil {
		d.log.Warn("rpyc/deploy: forward: no connection to the remote server", "err", err)
		return
	}
	defer remote.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(remote, local); _ = remote.Close(); done <- struct{}{} }()
	go func() { _, _ = io.Copy(local, remote); _ = local.Close(); done <- struct{}{} }()
	select {
	case <-done:
	case <-d.exited:
	}
	_ = local.Close()
	_ = remote.Close()
	<-done
}
