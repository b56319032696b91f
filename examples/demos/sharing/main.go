// Command sharing is rpyc's demos/sharing served from Go: every
// connection's service shares one component whose sequence id must not
// race; echo("Echo") answers "Echo Reply N" with the next id. The Python
// demo sleeps a second at random inside the critical section to provoke
// a race if the lock were missing; --sleep sets that pause. rpyc's own
// demos/sharing/client.py works against it unchanged:
//
//	go run ./examples/demos/sharing     # listens on 127.0.0.1:18861
//	python3 client.py
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/examples/demos/internal/demo"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// shared is the component all connections share.
type shared struct {
	mu    sync.Mutex // makes sleepySequenceID safe (Python's @synchronize)
	seq   int
	pause time.Duration
}

// sleepySequenceID increments the id and sometimes pauses, failing if
// another caller changed it meanwhile (which the lock prevents).
func (s *shared) sleepySequenceID() (int, error) {
	s.seq++
	want := s.seq
	if rand.IntN(2) == 1 {
		time.Sleep(s.pause)
	}
	if s.seq != want {
		return 0, vinegar.New("RuntimeError", "Unexpected sequence_id behavior (race condition).")
	}
	return s.seq, nil
}

// SharingService is the demo's service; its name is SHARING.
type SharingService struct{ shared *shared }

// Echo answers "Echo Reply N" to "Echo" and "Parameter Problem N"
// otherwise, N being the next sequence id.
func (s *SharingService) Echo(message any) (string, error) {
	s.shared.mu.Lock()
	id, err := s.shared.sleepySequenceID()
	s.shared.mu.Unlock()
	if err != nil {
		return "", err
	}
	if message == "Echo" {
		return fmt.Sprintf("Echo Reply %d", id), nil
	}
	return fmt.Sprintf("Parameter Problem %d", id), nil
}

// RPyCParams names echo's parameter.
func (s *SharingService) RPyCParams() map[string]string {
	return map[string]string{"Echo": "message"}
}

func main() {
	var f demo.Flags
	f.Add(flag.CommandLine, 18861)
	pause := flag.Duration("sleep", time.Second, "pause taken at random inside the critical section")
	flag.Parse()
	svc := &SharingService{shared: &shared{pause: *pause}}
	os.Exit(demo.Run(&f, &server.Server{Service: svc, Logger: f.Logger()}))
}
