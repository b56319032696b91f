package registry_test

import (
	"context"
	"log"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// readmeServer is the README's "a server registering" block, compiled
// here (it listens on 18812 and broadcasts, so it is not run).
func readmeServer(ctx context.Context) {
	srv := &server.Server{
		Service:   CalcService{},         // registered as "CALC"
		Registrar: &registry.UDPClient{}, // broadcasts to 255.255.255.255:18811
	}
	log.Fatal(srv.ListenAndServe(ctx, "0.0.0.0:18812"))
}

// readmeClient is the README's "a client discovering" block.
func readmeClient(ctx context.Context) error {
	d := &registry.UDPClient{Host: "10.0.0.2"}                  // or &registry.TCPClient{Host: "10.0.0.2"}
	servers, err := registry.Discover(ctx, d, "calc")           // []ServerAddr; ErrNotFound if none
	conn, err := registry.ConnectByService(ctx, d, "calc", nil) // random order, next one on failure
	names, err := registry.ListServices(ctx, d, "")             // ErrListingDisabled unless the registry runs with -l
	if err != nil {
		return err
	}
	_, _ = servers, names
	return conn.Close()
}

var _, _ = readmeServer, readmeClient
