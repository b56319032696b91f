// Command echo is rpyc's demos/echo served from Go: a one-shot server
// (it serves one client, then exits) whose echo("Echo") answers
// "Echo Reply" and anything else "Parameter Problem". rpyc's own
// demos/echo/client.py works against it unchanged:
//
//	go run ./examples/demos/echo        # listens on 127.0.0.1:18861
//	python3 client.py
package main

import (
	"flag"
	"log/slog"
	"os"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/server"
)

// EchoService answers echo requests; its name is ECHO.
type EchoService struct{ log *slog.Logger }

// OnConnect logs the client's address at debug level, as the Python demo does.
func (s *EchoService) OnConnect(c *rpyc.Conn) {
	s.log.Debug("on connect service peer name", "peer", c.Config().Endpoints[1])
}

// Echo answers "Echo Reply" to "Echo" and "Parameter Problem" otherwise.
func (s *EchoService) Echo(message any) string {
	if message == "Echo" {
		return "Echo Reply"
	}
	return "Parameter Problem"
}

// RPyCParams names the parameter, so echo(message="Echo") works too.
func (s *EchoService) RPyCParams() map[string]string {
	return map[string]string{"Echo": "message"}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 18861)
	flag.Parse()
	log := f.Logger()
	srv := &server.Server{Service: &EchoService{log: log}, Kind: server.OneShot, Logger: log}
	os.Exit(demo.Run(&f, srv))
}
