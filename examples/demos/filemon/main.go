// Command filemon is rpyc's demos/filemon served from Go: a client calls
// root.FileMonitor(filename, callback, interval=1) and gets a monitor
// whose stop() ends it; meanwhile the server calls callback(old_stat,
// new_stat) each time the file changes. rpyc's own
// demos/filemon/client.py works against it unchanged:
//
//	go run ./examples/demos/filemon     # listens on 127.0.0.1:18871
//	python3 client.py
package main

import (
	"context"
	"flag"
	"os"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/examples/demos/internal/filewatch"
	"github.com/rpyc-go/rpyc/server"
)

// FileMonitorService hands out file monitors; its name is FILEMONITOR.
type FileMonitorService struct{}

// FileMonitor starts watching filename for this client.
func (FileMonitorService) FileMonitor(ctx context.Context, filename string, callback *rpyc.Netref, interval float64) (*filewatch.Monitor, error) {
	return filewatch.Watch(ctx, filename, callback, interval)
}

// RPyCNames keeps the Python name FileMonitor (a class in the Python demo).
func (FileMonitorService) RPyCNames() map[string]string {
	return map[string]string{"FileMonitor": "FileMonitor"}
}

// RPyCParams gives FileMonitor Python's signature.
func (FileMonitorService) RPyCParams() map[string]string {
	return map[string]string{"FileMonitor": "filename, callback, interval=1"}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 18871)
	flag.Parse()
	os.Exit(demo.Run(&f, &server.Server{Service: FileMonitorService{}, Logger: f.Logger()}))
}
