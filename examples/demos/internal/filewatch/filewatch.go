// Package filewatch is the file monitor of rpyc's filemon and boilerplate
// demos: a client hands the server a file name and a callback, and the
// server calls the callback, asynchronously, with the old and new stat of
// the file each time it changes.
package filewatch

import (
	"context"
	"fmt"
	"math"
	"os"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc"
)

// Stat is a file's os.stat_result, by reference: a Python client prints
// it (str) as Python prints an os.stat_result, and reads its st_* fields.
type Stat struct {
	Mode  int64   `rpyc:"st_mode"`
	Ino   int64   `rpyc:"st_ino"`
	Dev   int64   `rpyc:"st_dev"`
	Nlink int64   `rpyc:"st_nlink"`
	UID   int64   `rpyc:"st_uid"`
	GID   int64   `rpyc:"st_gid"`
	Size  int64   `rpyc:"st_size"`
	Atime float64 `rpyc:"st_atime"`
	Mtime float64 `rpyc:"st_mtime"`
	Ctime float64 `rpyc:"st_ctime"`
}

// RPyCTypeName names the class as Python's.
func (*Stat) RPyCTypeName() string { return "os.stat_result" }

// String is Python's str(os.stat_result).
func (s *Stat) String() string {
	return fmt.Sprintf("os.stat_result(st_mode=%d, st_ino=%d, st_dev=%d, st_nlink=%d, st_uid=%d, st_gid=%d, st_size=%d, st_atime=%d, st_mtime=%d, st_ctime=%d)",
		s.Mode, s.Ino, s.Dev, s.Nlink, s.UID, s.GID, s.Size, int64(s.Atime), int64(s.Mtime), int64(s.Ctime))
}

// GoString is repr, the same text.
func (s *Stat) GoString() string { return s.String() }

// stat reads a file's Stat.
func stat(name string) (*Stat, error) {
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st := sysStat(fi); st != nil {
		return st, nil
	}
	return &Stat{Mode: int64(fi.Mode().Perm()), Size: fi.Size(), Mtime: float64(fi.ModTime().UnixNano()) / 1e9}, nil
}

// Monitor watches one file for one client. Its stop() ends the watch;
// the client leaving ends it too.
type Monitor struct {
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
}

// Watch starts a Monitor: every interval it stats filename and, when the
// stat differs from the previous one, calls callback(old, new) without
// waiting for it (Python's rpyc.async_). ctx is the request's context:
// its connection's end stops the watch.
func Watch(ctx context.Context, filename string, callback *rpyc.Netref, interval float64) (*Monitor, error) {
	// Checked as a Duration too: 1e-10 s is 0 ns, and inf or nan convert
	// to nonsense; time.NewTicker would panic on the watch goroutine and
	// take the whole server down.
	every := time.Duration(interval * float64(time.Second))
	if !(interval > 0) || math.IsInf(interval, 1) || every <= 0 {
		return nil, fmt.Errorf("interval %v: give a positive number of seconds", interval)
	}
	if _, err := stat(filename); err != nil {
		return nil, err
	}
	var gone <-chan struct{} // nil without a connection: never ready
	if conn, ok := rpyc.ConnFromContext(ctx); ok {
		gone = conn.Done()
	}
	wctx, cancel := context.WithCancel(context.Background())
	m := &Monitor{cancel: cancel, done: make(chan struct{})}
	go m.work(wctx, gone, filename, callback, every)
	return m, nil
}

// work polls until Stop (ctx) or the client leaving (gone).
func (m *Monitor) work(ctx context.Context, gone <-chan struct{}, filename string, callback *rpyc.Netref, every time.Duration) {
	defer close(m.done)
	defer m.cancel()
	t := time.NewTicker(every)
	defer t.Stop()
	var last *Stat
	for {
		if st, err := stat(filename); err == nil {
			if last != nil && *last != *st {
				callback.CallAsync(last, st)
			}
			last = st
		}
		select {
		case <-ctx.Done():
			return
		case <-gone:
			return
		case <-t.C:
		}
	}
}

// Stop ends the watch and waits for it (Python's exposed_stop).
func (m *Monitor) Stop() {
	m.once.Do(m.cancel)
	<-m.done
}
