// Command boilerplate is rpyc's demos/boilerplate served from Go: the
// MyServiceFactory service, whose MyService(filename, callback,
// interval=1) watches a file and calls callback(old_stat, new_stat) on
// each change until stop(). rpyc's own demos/boilerplate/rpyc_client.py
// works against it unchanged:
//
//	go run ./examples/demos/boilerplate     # listens on 127.0.0.1:18000
//	python3 rpyc_client.py
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/examples/demos/internal/filewatch"
	"github.com/rpyc-go/rpyc/server"
)

// MyServiceFactory is the demo's service; its name is MYSERVICEFACTORY.
type MyServiceFactory struct{ log *slog.Logger }

// MyService starts watching filename for this client, logging it as the
// Python demo prints it.
func (s *MyServiceFactory) MyService(ctx context.Context, filename string, callback *rpyc.Netref, interval float64) (*filewatch.Monitor, error) {
	s.log.Info("new client", "filename", filename, "callback", callback.String())
	return filewatch.Watch(ctx, filename, callback, interval)
}

// RPyCNames keeps the Python name MyService (a class in the Python demo).
func (*MyServiceFactory) RPyCNames() map[string]string {
	return map[string]string{"MyService": "MyService"}
}

// RPyCParams gives MyService Python's signature.
func (*MyServiceFactory) RPyCParams() map[string]string {
	return map[string]string{"MyService": "filename, callback, interval=1"}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 18000)
	flag.Parse()
	log := f.Logger()
	os.Exit(demo.Run(&f, &server.Server{Service: &MyServiceFactory{log: log}, Logger: log}))
}
