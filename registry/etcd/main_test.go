package etcd

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/server"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"go.uber.org/zap"
)

// childEnv makes the test binary run as a registered server process
// (endpoint,prefix,id) instead of running tests.
const childEnv = "RPYC_ETCD_TEST_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childEnv); spec != "" {
		if err := runChild(spec); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// WhoService answers whoami with the server's id, so a test sees which
// server a connection reached.
type WhoService struct{ id string }

// Whoami names the server.
func (w WhoService) Whoami() string { return w.id }

// runChild serves WhoService registered in etcd with a 2 s TTL until
// SIGTERM (clean: unregisters) or SIGKILL (dies: expires).
func runChild(spec string) error {
	parts := strings.Split(spec, ",")
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{parts[0]}, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return err
	}
	defer cli.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	reg := NewRegistrar(cli, &Config{Prefix: parts[1], TTL: 2 * time.Second, Logger: log})
	srv := &server.Server{Service: WhoService{parts[2]}, Registrar: reg, Logger: log}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	shut := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- srv.Shutdown(sctx)
	}()
	fmt.Printf("listening on %s\n", l.Addr())
	err = srv.Serve(l)
	if ctx.Err() != nil {
		// Serve returns as soon as the listener closes; the process must
		// live until Shutdown has unregistered.
		return <-shut
	}
	return err
}
