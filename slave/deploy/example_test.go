package deploy_test

import (
	"context"
	"fmt"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/slave/deploy"
)

// readmeDeploy is the README's zero-deploy block, compiled here (it
// needs an SSH server, so it is not run; interop/deploy_test.go runs the
// same against OpenSSH).
func readmeDeploy(ctx context.Context) error {
	d, err := deploy.Deploy(ctx, "build-box:22", &deploy.Options{
		Binary: "bin/rpyc_classic", // CGO_ENABLED=0 go build -o bin/ ./cmd/rpyc_classic
		SSH:    &rpyc.SSHOptions{User: "ci", KeyFiles: []string{"/home/ci/.ssh/id_ed25519"}},
	})
	if err != nil {
		return err
	}
	defer d.Close()               // stops the server, removes its temporary directory
	c, err := d.Connect(ctx, nil) // a *classic.Conn through the SSH tunnel
	if err != nil {
		return err
	}
	defer c.Close()
	cwd, err := c.Getcwd(ctx)               // the remote temporary directory
	l, err := d.Forward(ctx, "127.0.0.1:0") // for Python: rpyc.classic.connect("127.0.0.1", port)
	fmt.Println(cwd, l.Addr(), err)
	return nil
}

// ExampleDeploy copies rpyc_classic to a host over SSH and drives it.
func ExampleDeploy() {
	ctx := context.Background()
	d, err := deploy.Deploy(ctx, "build-box", &deploy.Options{Binary: "bin/rpyc_classic"})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	c, err := d.Connect(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close()
	v, err := c.Eval(ctx, "1 + 2")
	fmt.Println(v, err)
}

var _ = readmeDeploy

// ExampleDeployAll deploys to three hosts at once and runs the same code
// on each (Python's MultiServerDeployment and connect_all).
func ExampleDeployAll() {
	ctx := context.Background()
	m, err := deploy.DeployAll(ctx, []string{"node1", "node2", "node3"}, &deploy.Options{
		Binary: "bin/rpyc_classic",
		SSH:    &rpyc.SSHOptions{User: "ci"},
	})
	if err != nil {
		fmt.Println(err) // names each host that failed; the others are cleaned up
		return
	}
	defer m.Close()
	conns, err := m.ConnectAll(ctx, nil) // one *classic.Conn per host, in order
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range conns {
		host, err := c.Eval(ctx, "__import__('socket').gethostname()")
		fmt.Println(m.Deployments()[i].Host(), host, err)
		c.Close()
	}
}
