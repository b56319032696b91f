// Command classic measures the classic client against Python's own rpyc
// client, against one Python classic server, in one run:
//
//   - fetching a 100,000-int list by value: rpyc.Obtain (one BUFFITER)
//     vs Python's list(netref) and rpyc.classic.obtain (pickle);
//   - uploading and downloading a 50 MiB file: classic.Upload/Download
//     vs Python's rpyc.classic.upload/download.
//
// Usage (from the repository root):
//
//	go run ./bench/classic [-python /usr/bin/python3] [-reps 3]
//
// It starts the server (Python's ThreadedServer(SlaveService) on a free
// loopback port) and bench/classic/py_bench.py itself, and prints a
// table. Temporary files go to a directory removed at the end.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

const serverCode = `import sys
from rpyc.utils.server import ThreadedServer
from rpyc.core import SlaveService
t = ThreadedServer(SlaveService, hostname="127.0.0.1", port=0)
t._listen()
print("127.0.0.1:%d" % t.port, flush=True)
t.start()
`

func main() {
	python := flag.String("python", "/usr/bin/python3", "a Python with rpyc installed")
	reps := flag.Int("reps", 3, "repetitions of each Go measurement (the best is reported)")
	flag.Parse()
	if err := run(*python, *reps); err != nil {
		log.Fatal(err)
	}
}

func best(reps int, f func() error) (time.Duration, error) {
	var ds []time.Duration
	for range reps {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(t0))
	}
	return slices.Min(ds), nil
}

func run(python string, reps int) error {
	ctx := context.Background()
	srv := exec.Command(python, "-c", serverCode)
	stdout, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return fmt.Errorf("server did not start: %w", err)
	}
	addr := strings.TrimSpace(line)

	dir, err := os.MkdirTemp("", "rpyc-bench-classic")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, "file.bin")
	data := make([]byte, 50<<20)
	_, _ = rand.Read(data)
	if err := os.WriteFile(local, data, 0o644); err != nil {
		return err
	}
	remoteDir := filepath.Join(dir, "remote")
	_ = os.Mkdir(remoteDir, 0o755)

	cfg := rpyc.DefaultConfig()
	cfg.Layout = message.LayoutV5 // Debian's rpyc 5.3: skip the layout probe
	c, err := classic.Connect(ctx, addr, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Execute(ctx, "big = list(range(100000))"); err != nil {
		return err
	}
	big, err := c.Eval(ctx, "big")
	if err != nil {
		return err
	}
	goObtain, err := best(reps, func() error {
		v, err := rpyc.Obtain[[]int64](ctx, big)
		if err == nil && len(v) != 100000 {
			err = fmt.Errorf("got %d items", len(v))
		}
		return err
	})
	if err != nil {
		return err
	}
	remote := filepath.Join(remoteDir, "go_upload.bin")
	back := filepath.Join(dir, "go_back.bin")
	goUp, err := best(reps, func() error { return c.Upload(ctx, local, remote, nil) })
	if err != nil {
		return err
	}
	goDown, err := best(reps, func() error { return c.Download(ctx, remote, back, nil) })
	if err != nil {
		return err
	}
	got, err := os.ReadFile(back)
	if err != nil || string(got) != string(data) {
		return fmt.Errorf("downloaded file differs (%v)", err)
	}

	_, self, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(self), "py_bench.py")
	pyCmd := exec.Command(python, script, addr, local, remoteDir)
	var pyErr strings.Builder
	pyCmd.Stderr = &pyErr
	out, err := pyCmd.Output()
	if err != nil {
		return fmt.Errorf("py_bench.py: %w: %s", err, pyErr.String())
	}
	var py struct {
		ListNetref   float64 `json:"list_netref_s"`
		ObtainPickle float64 `json:"obtain_pickle_s"`
		Upload       float64 `json:"upload_s"`
		Download     float64 `json:"download_s"`
	}
	if err := json.Unmarshal(out, &py); err != nil {
		return fmt.Errorf("py_bench.py output %q: %w", out, err)
	}
	mb := float64(len(data)) / (1 << 20)
	fmt.Printf("classic bench, server %s (Python ThreadedServer(SlaveService)), Go best of %d\n\n", addr, reps)
	fmt.Printf("| measurement | Go (rpyc-go) | Python rpyc | Go speed-up |\n|---|---|---|---|\n")
	fmt.Printf("| 100,000-int list by value vs list(netref) | %.2f ms | %.0f ms | %.0f× |\n",
		ms(goObtain), py.ListNetref*1000, py.ListNetref/goObtain.Seconds())
	fmt.Printf("| 100,000-int list by value vs classic.obtain (pickle) | %.2f ms | %.2f ms | %.1f× |\n",
		ms(goObtain), py.ObtainPickle*1000, py.ObtainPickle/goObtain.Seconds())
	fmt.Printf("| upload 50 MiB | %.0f MB/s | %.0f MB/s | %.1f× |\n", mb/goUp.Seconds(), mb/py.Upload, py.Upload/goUp.Seconds())
	fmt.Printf("| download 50 MiB | %.0f MB/s | %.0f MB/s | %.1f× |\n", mb/goDown.Seconds(), mb/py.Download, py.Download/goDown.Seconds())
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
