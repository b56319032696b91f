// Command time is rpyc's demos/time served from Go: the TIME service
// (get_time() is the server's ctime, get_utc() seconds since the epoch),
// announced to a registry as Python's auto_register does, so that rpyc's
// own demos/time/client.py (rpyc.connect_by_service("TIME")) finds it.
//
//	go run ./cmd/rpyc_registry &            # or Python's rpyc_registry
//	go run ./examples/demos/time            # free port, registered as TIME
//	python3 client.py
//
// Like Python's, it registers by UDP broadcast (255.255.255.255) unless
// --registry-host names the registry, and re-registers every minute.
package main

import (
	"flag"
	"os"
	"time"

	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// TimeService tells the time; its name is TIME.
type TimeService struct{}

// GetUtc is the server's time in seconds since the epoch (time.time()).
func (TimeService) GetUtc() float64 {
	return float64(time.Now().UnixNano()) / 1e9
}

// GetTime is the server's local time as Python's time.ctime() writes it.
func (TimeService) GetTime() string {
	return time.Now().Format("Mon Jan _2 15:04:05 2006")
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 0)
	regHost := flag.String("registry-host", "", "registry address (default: UDP broadcast to 255.255.255.255, as Python)")
	regPort := flag.Int("registry-port", registry.DefaultPort, "registry port")
	flag.Parse()
	log := f.Logger()
	srv := &server.Server{
		Service:   TimeService{},
		Logger:    log,
		Registrar: &registry.UDPClient{Host: *regHost, Port: *regPort},
	}
	os.Exit(demo.Run(&f, srv))
}
