package classic

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Transfers (Python's rpyc.classic.upload and download).
//
// A file travels in chunks through the server's os module. Where the
// server has os.pwrite/os.pread (every POSIX Python), chunks are
// addressed by offset, so Window of them are in flight at once whatever
// order the server runs them in; elsewhere one chunk is in flight at a
// time, through a file object. The data always goes to a temporary name
// in the target directory ("<name>.rpyc-part-<random>"), renamed over the
// target only once every byte is written: an interrupted transfer never
// leaves a complete-looking file, only a part file to clean up.

// DefaultChunkSize is the chunk size of transfers, as Python's
// STREAM_CHUNK.
const DefaultChunkSize = 64000

// DefaultWindow is how many chunks a transfer keeps in flight.
const DefaultWindow = 16

// partSuffix marks the temporary names of transfers in progress.
const partSuffix = ".rpyc-part-"

// TransferOptions tunes Upload and Download. The zero value (or nil) is
// the defaults.
type TransferOptions struct {
	// ChunkSize is the size of each read or write (default
	// DefaultChunkSize, 64000 bytes, as Python's).
	ChunkSize int
	// Window is how many chunks may be in flight (default DefaultWindow).
	Window int
	// Filter, when set, is asked about every file and directory of a tree
	// below the top (its path on the sending side, and whether it is a
	// directory); false skips it, and a skipped directory is not entered.
	Filter func(path string, isDir bool) bool
	// Progress, when set, is called after each chunk is acknowledged,
	// from the transferring goroutine.
	Progress func(Progress)
	// IgnoreInvalid skips a source that is neither a file nor a directory
	// (Python's ignore_invalid), and on upload a symbolic link that points
	// nowhere, instead of failing.
	IgnoreInvalid bool
	// KeepSymlinks makes an upload copy the symbolic links inside a tree
	// as links (os.symlink on the server, the target as written) instead
	// of what they point to, which is the default, as in Python's
	// rpyc.classic.upload. The top itself is always followed. The server
	// must have os.symlink (an upload to one without fails before writing
	// anything) and be allowed to make links (Windows asks for a
	// privilege).
	KeepSymlinks bool
}

// Progress reports a transfer's state for one file.
type Progress struct {
	Path  string // the file's path on the sending side
	Done  int64  // bytes acknowledged so far
	Total int64  // the file's size when the transfer began
}

// ErrInvalidSource is returned (unless IgnoreInvalid) when a transfer's
// source is neither a regular file nor a directory.
var ErrInvalidSource = errors.New("classic: source is neither a file nor a directory")

func (o *TransferOptions) chunk() int {
	if o == nil || o.ChunkSize <= 0 {
		return DefaultChunkSize
	}
	return o.ChunkSize
}

func (o *TransferOptions) window() int {
	if o == nil || o.Window <= 0 {
		return DefaultWindow
	}
	return o.Window
}

func (o *TransferOptions) keep(p string, isDir bool) bool {
	return o == nil || o.Filter == nil || o.Filter(p, isDir)
}

func (o *TransferOptions) progress(p string, done, total int64) {
	if o != nil && o.Progress != nil {
		o.Progress(Progress{Path: p, Done: done, Total: total})
	}
}

// osInfo is what transfers need to know about the server's os module,
// learnt once per connection.
type osInfo struct {
	writeFlags, readFlags int64
	positional            bool // os.pwrite and os.pread exist
}

func (c *Conn) osInfo(ctx context.Context) (*osInfo, error) {
	c.mu.Lock()
	info := c.osi
	c.mu.Unlock()
	if info != nil {
		return info, nil
	}
	osm, err := c.os(ctx)
	if err != nil {
		return nil, err
	}
	// Attributes, not an Eval of Python: a Go classic server (package
	// slave) has the os module but not Python's syntax.
	flag := func(name string, optional bool) (int64, error) {
		v, err := rpyc.As[int64](osm.GetAttr(ctx, name))
		if err != nil && optional && errors.Is(err, vinegar.ErrAttributeError) {
			return 0, nil
		}
		if err != nil {
			return 0, fmt.Errorf("classic: reading os.%s on the server: %w", name, err)
		}
		return v, nil
	}
	info = &osInfo{}
	var w, cr, tr, r, bin int64
	for _, f := range []struct {
		name     string
		dst      *int64
		optional bool
	}{{"O_WRONLY", &w, false}, {"O_CREAT", &cr, false}, {"O_TRUNC", &tr, false}, {"O_RDONLY", &r, false}, {"O_BINARY", &bin, true}} {
		if *f.dst, err = flag(f.name, f.optional); err != nil {
			return nil, err
		}
	}
	info.writeFlags = w | cr | tr | bin
	info.readFlags = r | bin
	_, errW := osm.GetAttr(ctx, "pwrite")
	_, errR := osm.GetAttr(ctx, "pread")
	info.positional = errW == nil && errR == nil
	c.mu.Lock()
	c.osi = info
	c.mu.Unlock()
	return info, nil
}

func partName(target string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return target + partSuffix + hex.EncodeToString(b[:])
}

// uploadBytes writes data to remote, atomically (WriteFile).
func (c *Conn) uploadBytes(ctx context.Context, remote string, data []byte, opts *TransferOptions) error {
	return c.upload(ctx, remote, bytes.NewReader(data), remote, int64(len(data)), opts)
}

// upload sends r's bytes to a part file and renames it over remote.
func (c *Conn) upload(ctx context.Context, name string, r io.Reader, remote string, size int64, opts *TransferOptions) (err error) {
	info, err := c.osInfo(ctx)
	if err != nil {
		return err
	}
	osm, err := c.os(ctx)
	if err != nil {
		return err
	}
	part := partName(remote)
	// Errors name the target, never the temporary name (a Python
	// exception's text does: it is rewritten).
	fail := func(what string, err error) error {
		return &explained{err: err, msg: strings.ReplaceAll(fmt.Sprintf("classic: upload %s to %s: %s: %v", name, remote, what, err), part, remote)}
	}
	fdv, err := osm.CallMethod(ctx, "open", part, info.writeFlags, 0o666)
	if err != nil {
		return fail("creating it", err)
	}
	fd, _ := fdv.(int64)
	closed := false
	defer func() {
		if err == nil {
			return
		}
		// Best effort: the server may be gone. The part file's name says
		// it is incomplete either way.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if !closed {
			_, _ = osm.CallMethod(cctx, "close", fd)
		}
		_, _ = osm.CallMethod(cctx, "remove", part)
	}()
	chunk, window := opts.chunk(), opts.window()
	if !info.positional {
		window = 1
	}
	type inflight struct {
		res  *rpyc.AsyncResult
		off  int64
		data []byte
	}
	var queue []inflight
	var done int64
	settle := func() error {
		q := queue[0]
		queue = queue[1:]
		n, err := rpyc.As[int64](q.res.Value(ctx))
		if err != nil {
			return fail(fmt.Sprintf("writing at %d", q.off), err)
		}
		for n < int64(len(q.data)) { // short write: finish it in order
			m, err := rpyc.As[int64](osm.CallMethod(ctx, "pwrite", fd, q.data[n:], q.off+n))
			if err != nil {
				return fail(fmt.Sprintf("writing at %d", q.off+n), err)
			}
			if m <= 0 {
				return fmt.Errorf("classic: upload %s to %s: the server wrote nothing at %d", name, remote, q.off+n)
			}
			n += m
		}
		done += n
		opts.progress(name, done, size)
		return nil
	}
	var off int64
	for {
		buf := make([]byte, chunk)
		n, rerr := io.ReadFull(r, buf)
		if n > 0 {
			buf = buf[:n]
			var res *rpyc.AsyncResult
			if info.positional {
				res = osm.CallMethodAsync("pwrite", fd, buf, off)
			} else {
				res = osm.CallMethodAsync("write", fd, buf)
			}
			queue = append(queue, inflight{res, off, buf})
			off += int64(n)
			if len(queue) >= window {
				if err := settle(); err != nil {
					return err
				}
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("classic: upload %s to %s: %w", name, remote, rerr)
		}
	}
	for len(queue) > 0 {
		if err := settle(); err != nil {
			return err
		}
	}
	closed = true
	if _, err := osm.CallMethod(ctx, "close", fd); err != nil {
		return fail("closing it", err)
	}
	if _, err := osm.CallMethod(ctx, "replace", part, remote); err != nil {
		return fail("putting it in place", err)
	}
	return nil
}

// treeHelper lists a server directory tree in one round trip: (relative
// path, is directory, size) for everything below top, parents first.
const treeHelper = `def _rpyc_go_tree(top):
    import os
    out = []
    for d, dirs, files in os.walk(top):
        rel = os.path.relpath(d, top)
        for n in sorted(dirs):
            out.append((os.path.normpath(os.path.join(rel, n)).replace(os.sep, "/"), True, 0))
        for n in sorted(files):
            p = os.path.join(d, n)
            if os.path.isfile(p):
                out.append((os.path.normpath(os.path.join(rel, n)).replace(os.sep, "/"), False, os.path.getsize(p)))
    return tuple(out)
`

// Download copies a server file or directory tree to local. A directory
// is copied into local (created with its parents); Filter chooses what is
// copied (it sees server paths). Files are written under a temporary name
// and renamed when complete.
func (c *Conn) Download(ctx context.Context, remote, local string, opts *TransferOptions) error {
	st, err := c.Stat(ctx, remote)
	if err != nil {
		return fmt.Errorf("classic: download %s: %w", remote, err)
	}
	switch {
	case st.IsDir:
		return c.downloadDir(ctx, remote, local, opts)
	case st.Mode&0o170000 == 0o100000:
		return c.downloadFile(ctx, remote, local, st.Size, opts)
	case opts != nil && opts.IgnoreInvalid:
		return nil
	}
	return fmt.Errorf("%w: %s (download)", ErrInvalidSource, remote)
}

func (c *Conn) downloadDir(ctx context.Context, remote, local string, opts *TransferOptions) error {
	entries, err := c.treeListing(ctx, remote)
	if err != nil {
		return fmt.Errorf("classic: download %s: listing: %w", remote, err)
	}
	if err := os.MkdirAll(local, 0o777); err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	var skipped []string
	for _, e := range entries {
		if len(e) != 3 {
			return fmt.Errorf("classic: download %s: bad listing entry %v", remote, e)
		}
		rel, _ := e[0].(string)
		isDir, _ := e[1].(bool)
		size, _ := e[2].(int64)
		src := path.Join(remote, rel)
		if underAny(rel, skipped) {
			continue
		}
		if !opts.keep(src, isDir) {
			if isDir {
				skipped = append(skipped, rel)
			}
			continue
		}
		dst := filepath.Join(local, filepath.FromSlash(rel))
		if isDir {
			if err := os.MkdirAll(dst, 0o777); err != nil {
				return fmt.Errorf("classic: download: %w", err)
			}
			continue
		}
		if err := c.downloadFile(ctx, src, dst, size, opts); err != nil {
			return err
		}
	}
	return nil
}

// treeListing lists everything below remote as (relative path, is
// directory, size) tuples, parents first: in one round trip through a
// Python helper defined with Execute, or, on a server that does not run
// Python source (a Go classic server), through os.walk and os.stat.
func (c *Conn) treeListing(ctx context.Context, remote string) ([]brine.Tuple, error) {
	c.mu.Lock()
	have := c.treeReady
	c.mu.Unlock()
	if !have {
		if err := c.Execute(ctx, treeHelper); err != nil {
			return c.walkListing(ctx, remote)
		}
		c.mu.Lock()
		c.treeReady = true
		c.mu.Unlock()
	}
	ns, err := c.Namespace(ctx)
	if err != nil {
		return nil, err
	}
	v, err := ns.CallMethod(ctx, "__getitem__", "_rpyc_go_tree")
	if err != nil {
		return nil, err
	}
	fn, ok := v.(*rpyc.Netref)
	if !ok {
		return nil, fmt.Errorf("tree helper is %T", v)
	}
	listing, err := fn.Call(ctx, remote)
	if err != nil {
		return nil, err
	}
	return rpyc.Obtain[[]brine.Tuple](ctx, listing)
}

// walkListing is treeListing through os.walk, one directory per round
// trip plus a stat per file.
func (c *Conn) walkListing(ctx context.Context, remote string) ([]brine.Tuple, error) {
	osm, err := c.os(ctx)
	if err != nil {
		return nil, err
	}
	w, err := osm.CallMethod(ctx, "walk", remote)
	if err != nil {
		return nil, err
	}
	walk, ok := w.(*rpyc.Netref)
	if !ok {
		return nil, fmt.Errorf("os.walk returned %T", w)
	}
	var out []brine.Tuple
	for item, err := range walk.Iter(ctx) {
		if err != nil {
			return nil, err
		}
		t, err := rpyc.Obtain[brine.Tuple](ctx, item)
		if err != nil || len(t) != 3 {
			return nil, fmt.Errorf("os.walk yielded %v (%v)", item, err)
		}
		dir, _ := t[0].(string)
		dirs, err1 := rpyc.As[[]string](t[1], nil)
		files, err2 := rpyc.As[[]string](t[2], nil)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("os.walk yielded %v: %w", t, err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(dir, remote), "/")
		for _, d := range dirs {
			out = append(out, brine.Tuple{path.Join(rel, d), true, int64(0)})
		}
		for _, f := range files {
			st, err := c.Stat(ctx, path.Join(dir, f))
			if err != nil {
				return nil, err
			}
			if st.Mode&0o170000 == 0o100000 {
				out = append(out, brine.Tuple{path.Join(rel, f), false, st.Size})
			}
		}
	}
	return out, nil
}

func underAny(rel string, dirs []string) bool {
	for _, d := range dirs {
		if len(rel) > len(d) && rel[:len(d)] == d && rel[len(d)] == '/' {
			return true
		}
	}
	return false
}

// downloadFile copies one server file of the given size to local.
func (c *Conn) downloadFile(ctx context.Context, remote, local string, size int64, opts *TransferOptions) (err error) {
	info, err := c.osInfo(ctx)
	if err != nil {
		return err
	}
	osm, err := c.os(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(local), 0o777); err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(local), filepath.Base(local)+partSuffix+"*")
	if err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	fdv, err := osm.CallMethod(ctx, "open", remote, info.readFlags)
	if err != nil {
		return fmt.Errorf("classic: download %s: %w", remote, err)
	}
	fd, _ := fdv.(int64)
	defer func() {
		if _, cerr := osm.CallMethod(context.WithoutCancel(ctx), "close", fd); cerr != nil && err == nil {
			err = fmt.Errorf("classic: download %s: close: %w", remote, cerr)
		}
	}()
	chunk, window := int64(opts.chunk()), opts.window()
	type inflight struct {
		res *rpyc.AsyncResult
		off int64
		n   int64
	}
	var queue []inflight
	var done int64
	settle := func() error {
		q := queue[0]
		queue = queue[1:]
		data, err := rpyc.As[[]byte](q.res.Value(ctx))
		if err != nil {
			return fmt.Errorf("classic: download %s: reading at %d: %w", remote, q.off, err)
		}
		if int64(len(data)) != q.n {
			return fmt.Errorf("classic: download %s: %d bytes at %d, want %d: the file changed during the transfer", remote, len(data), q.off, q.n)
		}
		if _, err := tmp.WriteAt(data, q.off); err != nil {
			return fmt.Errorf("classic: download: %w", err)
		}
		done += q.n
		opts.progress(remote, done, size)
		return nil
	}
	var off int64
	if info.positional {
		for ; off < size; off += chunk {
			n := min(chunk, size-off)
			queue = append(queue, inflight{osm.CallMethodAsync("pread", fd, n, off), off, n})
			if len(queue) >= window {
				if err := settle(); err != nil {
					return err
				}
			}
		}
		for len(queue) > 0 {
			if err := settle(); err != nil {
				return err
			}
		}
	}
	// Read on (sequentially) until the end: all of the file without
	// os.pread, or what was appended since the size was taken.
	for {
		var data []byte
		if info.positional {
			data, err = rpyc.As[[]byte](osm.CallMethod(ctx, "pread", fd, chunk, off))
		} else {
			data, err = rpyc.As[[]byte](osm.CallMethod(ctx, "read", fd, chunk))
		}
		if err != nil {
			return fmt.Errorf("classic: download %s: reading at %d: %w", remote, off, err)
		}
		if len(data) == 0 {
			break
		}
		if _, err := tmp.WriteAt(data, off); err != nil {
			return fmt.Errorf("classic: download: %w", err)
		}
		off += int64(len(data))
		done += int64(len(data))
		opts.progress(remote, done, size)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	if err := os.Rename(tmp.Name(), local); err != nil {
		return fmt.Errorf("classic: download: %w", err)
	}
	return nil
}
