// Command async_client is the server of rpyc's demos/async_client served
// from Go: function(client_event, block_server_thread=False) makes the
// client's event wait, works for 0.4 s, stores a value and sets the
// event; fetch_value() returns the value. With block_server_thread the
// calls to the client are synchronous, which the Python demo shows as the
// way to deadlock. rpyc's own demos/async_client/client.py works against
// it as against the Python server:
//
//	go run ./examples/demos/async_client     # listens on 127.0.0.1:18812
//	python3 client.py
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Service is one client's session (Python makes one per connection).
type Service struct {
	log   *slog.Logger
	mu    sync.Mutex
	value any
	set   bool
}

// FetchValue returns what function stored.
func (s *Service) FetchValue() (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.set {
		return nil, vinegar.New("AttributeError", "'Service' object has no attribute '_value'")
	}
	return s.value, nil
}

// Function tells the client's event to wait, pretends to do two tasks,
// stores the value and sets the event. The calls to the event are
// asynchronous unless blockServerThread.
func (s *Service) Function(ctx context.Context, clientEvent *rpyc.Netref, blockServerThread bool) error {
	wait, err := clientEvent.GetAttr(ctx, "wait")
	if err != nil {
		return err
	}
	set, err := clientEvent.GetAttr(ctx, "set")
	if err != nil {
		return err
	}
	call := func(f any) error {
		fn, ok := f.(*rpyc.Netref)
		if !ok {
			return vinegar.New("TypeError", "event method is not callable")
		}
		if blockServerThread {
			_, err := fn.Call(ctx)
			return err
		}
		fn.CallAsync()
		return nil
	}
	if err := call(wait); err != nil {
		return err
	}
	s.log.Debug("Client messaged to wait for now...")
	for i := 1; i <= 2; i++ {
		s.log.Debug(fmt.Sprintf("Pretending to do task %d", i))
		time.Sleep(200 * time.Millisecond)
	}
	s.mu.Lock()
	s.value, s.set = int64(6465616462656566), true
	s.mu.Unlock()
	if err := call(set); err != nil {
		return err
	}
	s.log.Debug("Client event set, it may resume...")
	return nil
}

// RPyCParams gives function Python's signature.
func (s *Service) RPyCParams() map[string]string {
	return map[string]string{"Function": "client_event, block_server_thread=False"}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 18812)
	flag.Parse()
	log := f.Logger()
	svc := rpyc.ServiceFactory(func(*rpyc.Conn) any { return &Service{log: log} })
	os.Exit(demo.Run(&f, &server.Server{Service: svc, Logger: log}))
}
