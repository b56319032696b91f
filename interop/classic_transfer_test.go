//go:build unix

package interop

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/message"
)

// makeTree writes 200 files in nested directories under dir, one of them
// 50 MiB, plus files the filter must skip; it returns path → sha256 of
// the files that are meant to travel.
func makeTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	rng := mrand.New(mrand.NewPCG(1, 2))
	write := func(rel string, data []byte, keep bool) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if keep {
			h := sha256.Sum256(data)
			sums[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		}
	}
	big := make([]byte, 50<<20)
	_, _ = rand.Read(big)
	write("big/blob.bin", big, true)
	for i := 1; i < 200; i++ {
		n := rng.IntN(200000)
		if i%10 == 0 {
			n = 0 // some empty files
		}
		data := make([]byte, n)
		_, _ = rand.Read(data)
		rel := fmt.Sprintf("d%d/e%d/f%03d.dat", i%7, i%3, i)
		if i%5 == 0 {
			rel = fmt.Sprintf("d%d/f%03d.dat", i%4, i)
		}
		write(rel, data, true)
	}
	write("d1/skip.tmp", []byte("filtered out"), false)
	write("skipdir/x.dat", []byte("in a filtered directory"), false)
	return sums
}

// remoteSums has the server hash every file below dir.
func remoteSums(t *testing.T, c *classic.Conn, dir string) map[string]string {
	t.Helper()
	ctx := ctxT(t)
	err := c.Execute(ctx, `def _test_sums(top):
    import hashlib, os
    out = {}
    for d, dirs, files in os.walk(top):
        for n in files:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out[os.path.relpath(p, top)] = hashlib.sha256(f.read()).hexdigest()
    return out
`)
	if err != nil {
		t.Fatal(err)
	}
	ns, err := c.Namespace(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fn, err := ns.GetItem(ctx, "_test_sums")
	if err != nil {
		t.Fatal(err)
	}
	v, err := fn.(*rpyc.Netref).Call(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	sums, err := rpyc.Obtain[map[string]string](ctx, v)
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func localSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h := sha256.Sum256(data)
		sums[filepath.ToSlash(rel)] = hex.EncodeToString(h[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

func diffSums(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d files, want %d", what, len(got), len(want))
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s: sha256 %q, want %q", what, k, got[k], v)
		}
	}
}

// TestClassicTransferTree uploads a tree of 200 files (one of 50 MiB)
// to rpyc_classic and downloads it back, comparing checksums on the
// server and here; the filter keeps *.tmp and skipdir out. Both layouts.
func TestClassicTransferTree(t *testing.T) {
	src := t.TempDir()
	want := makeTree(t, src)
	if len(want) != 200 {
		t.Fatalf("tree has %d files", len(want))
	}
	filter := func(p string, isDir bool) bool {
		return !strings.HasSuffix(p, ".tmp") && filepath.Base(p) != "skipdir"
	}
	layouts(t, func(t *testing.T, layout message.Layout) {
		p := startRPyCClassic(t, layout)
		c := connectClassic(t, p.Addr, layout)
		ctx := ctxT(t)
		remote := filepath.Join(t.TempDir(), "up", "tree")
		var progressCalls, bigDone atomic.Int64
		opts := &classic.TransferOptions{Filter: filter, Progress: func(pr classic.Progress) {
			progressCalls.Add(1)
			if strings.HasSuffix(pr.Path, "blob.bin") {
				bigDone.Store(pr.Done)
			}
		}}
		if err := c.Upload(ctx, src, remote, opts); err != nil {
			t.Fatalf("Upload: %v", err)
		}
		diffSums(t, "uploaded", remoteSums(t, c, remote), want)
		if bigDone.Load() != 50<<20 || progressCalls.Load() < 820 {
			t.Errorf("progress: %d calls, big file done %d", progressCalls.Load(), bigDone.Load())
		}
		back := filepath.Join(t.TempDir(), "down")
		if err := c.Download(ctx, remote, back, &classic.TransferOptions{ChunkSize: 100000}); err != nil {
			t.Fatalf("Download: %v", err)
		}
		diffSums(t, "downloaded", localSums(t, back), want)
		// Single files, and the download filter (server paths).
		one := filepath.Join(t.TempDir(), "one.bin")
		if err := c.Download(ctx, filepath.Join(remote, "big", "blob.bin"), one, nil); err != nil {
			t.Fatalf("Download file: %v", err)
		}
		diffSums(t, "one file", map[string]string{"big/blob.bin": localSums(t, filepath.Dir(one))["one.bin"]},
			map[string]string{"big/blob.bin": want["big/blob.bin"]})
		onlyD0 := filepath.Join(t.TempDir(), "d0")
		err := c.Download(ctx, remote, onlyD0, &classic.TransferOptions{Filter: func(p string, isDir bool) bool {
			rel, _ := filepath.Rel(remote, p)
			return rel == "d0" || strings.HasPrefix(rel, "d0/")
		}})
		if err != nil {
			t.Fatalf("Download filtered: %v", err)
		}
		for k := range localSums(t, onlyD0) {
			if !strings.HasPrefix(k, "d0/") {
				t.Errorf("filtered download brought %s", k)
			}
		}
		if err := c.Upload(ctx, filepath.Join(src, "missing"), remote, nil); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Upload(missing) = %v", err)
		}
	})
}

// TestClassicUploadInterrupted kills the server in the middle of a
// 50 MiB upload: the target name never appears (only a part file), and
// the client gets an error, not a hang.
func TestClassicUploadInterrupted(t *testing.T) {
	src := filepath.Join(t.TempDir(), "big.bin")
	data := make([]byte, 50<<20)
	_, _ = rand.Read(data)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := startRPyCClassic(t, message.LayoutV5)
	c := connectClassic(t, p.Addr, message.LayoutV5)
	killer := connectClassic(t, p.Addr, message.LayoutV5)
	ctx := ctxT(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "big.bin")
	var killed atomic.Bool
	err := c.Upload(ctx, src, target, &classic.TransferOptions{Progress: func(pr classic.Progress) {
		if pr.Done >= 10<<20 && killed.CompareAndSwap(false, true) {
			// The server process exits at once, mid-transfer.
			kctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = killer.Execute(kctx, "import os; os._exit(1)")
		}
	}})
	if err == nil {
		t.Fatal("Upload succeeded although the server was killed")
	}
	if !errors.Is(err, rpyc.ErrClosed) {
		t.Errorf("Upload error %v, want one matching rpyc.ErrClosed", err)
	}
	if _, serr := os.Stat(target); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("after the interrupted upload %s exists (%v)", target, serr)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if !strings.Contains(e.Name(), ".rpyc-part-") {
			t.Errorf("unexpected file %s", e.Name())
		}
		info, _ := e.Info()
		t.Logf("left behind: %s (%d bytes, of %d)", e.Name(), info.Size(), len(data))
	}
}

// TestClassicDownloadInterrupted kills the server in the middle of a
// 50 MiB download: neither the target nor a part file is left here.
func TestClassicDownloadInterrupted(t *testing.T) {
	src := filepath.Join(t.TempDir(), "big.bin")
	data := make([]byte, 50<<20)
	_, _ = rand.Read(data)
	if err := os.WriteFile(src, data, 0o644); err != nil {
		t.Fatal(err)
	}
	p := startRPyCClassic(t, message.LayoutV5)
	c := connectClassic(t, p.Addr, message.LayoutV5)
	killer := connectClassic(t, p.Addr, message.LayoutV5)
	ctx := ctxT(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "big.bin")
	var killed atomic.Bool
	err := c.Download(ctx, src, target, &classic.TransferOptions{Progress: func(pr classic.Progress) {
		if pr.Done >= 10<<20 && killed.CompareAndSwap(false, true) {
			kctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = killer.Execute(kctx, "import os; os._exit(1)")
		}
	}})
	if !errors.Is(err, rpyc.ErrClosed) {
		t.Errorf("Download error %v, want one matching rpyc.ErrClosed", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("left behind after the interrupted download: %s", e.Name())
	}
}
