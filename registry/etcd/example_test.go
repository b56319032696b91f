package etcd_test

import (
	"context"
	"log"
	"time"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/registry/etcd"
	"github.com/rpyc-go/rpyc/server"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// CalcService is what the example serves, as "CALC".
type CalcService struct{}

// Add adds.
func (CalcService) Add(a, b int) int { return a + b }

// A server registering in etcd and a client connecting by name through a
// watched list. It needs an etcd at 127.0.0.1:2379, so it is compiled,
// not run; etcd_test.go runs the same calls against a real etcd. This is
// the README's etcd block.
func Example() {
	ctx := context.Background()
	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{"127.0.0.1:2379"}, DialTimeout: 5 * time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer cli.Close()

	// Server side: keys under a 10 s lease kept alive; a crashed server
	// vanishes after the TTL, a stopped one at once.
	reg := etcd.NewRegistrar(cli, &etcd.Config{TTL: 10 * time.Second, AdvertiseHost: "10.0.0.3"})
	srv := &server.Server{Service: CalcService{}, Registrar: reg}
	go srv.ListenAndServe(ctx, "0.0.0.0:18812")

	// Client side: a watched list, no polling.
	d := etcd.NewDiscoverer(cli, nil)
	defer d.Close()
	conn, err := registry.ConnectByService(ctx, d, "calc", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
}
