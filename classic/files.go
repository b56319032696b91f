package classic

import (
	"context"
	"fmt"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
)

// Typed helpers for the file operations a classic client does most. Each
// is one or two round trips; errors are the server's Python exceptions
// (errors.Is(err, vinegar.ErrFileNotFoundError) and friends).

// os returns the server's os module.
func (c *Conn) os(ctx context.Context) (*rpyc.Netref, error) { return c.Modules(ctx, "os") }

// callOS calls os.name(args...) on the server.
func (c *Conn) callOS(ctx context.Context, name string, args ...any) (any, error) {
	m, err := c.os(ctx)
	if err != nil {
		return nil, err
	}
	v, err := m.CallMethod(ctx, name, args...)
	if err != nil {
		return nil, fmt.Errorf("classic: os.%s: %w", name, err)
	}
	return v, nil
}

// Getcwd returns the server's working directory.
func (c *Conn) Getcwd(ctx context.Context) (string, error) {
	return rpyc.As[string](c.callOS(ctx, "getcwd"))
}

// Chdir changes the server's working directory (for the whole server
// process, as os.chdir does).
func (c *Conn) Chdir(ctx context.Context, dir string) error {
	_, err := c.callOS(ctx, "chdir", dir)
	return err
}

// ListDir returns the names in a server directory (os.listdir).
func (c *Conn) ListDir(ctx context.Context, dir string) ([]string, error) {
	return rpyc.As[[]string](c.callOS(ctx, "listdir", dir))
}

// MkdirAll creates a directory and its parents on the server
// (os.makedirs with exist_ok=True).
func (c *Conn) MkdirAll(ctx context.Context, dir string) error {
	_, err := c.callOS(ctx, "makedirs", dir, rpyc.Kwargs{"exist_ok": true})
	return err
}

// Remove removes a file (os.remove).
func (c *Conn) Remove(ctx context.Context, path string) error {
	_, err := c.callOS(ctx, "remove", path)
	return err
}

// RemoveAll removes a directory tree (shutil.rmtree).
func (c *Conn) RemoveAll(ctx context.Context, path string) error {
	m, err := c.Modules(ctx, "shutil")
	if err != nil {
		return err
	}
	_, err = m.CallMethod(ctx, "rmtree", path)
	return err
}

// Rename renames a file or directory, replacing the target (os.replace).
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	_, err := c.callOS(ctx, "replace", from, to)
	return err
}

// Exists reports whether a path exists on the server (os.path.exists).
func (c *Conn) Exists(ctx context.Context, path string) (bool, error) {
	m, err := c.Modules(ctx, "os.path")
	if err != nil {
		return false, err
	}
	return rpyc.As[bool](m.CallMethod(ctx, "exists", path))
}

// FileInfo is what Stat reports, from Python's os.stat_result.
type FileInfo struct {
	Mode    uint32    // st_mode: permission and type bits
	Size    int64     // st_size
	ModTime time.Time // st_mtime
	IsDir   bool      // stat.S_ISDIR(st_mode)
}

// Stat returns a server file's metadata (os.stat): two round trips, the
// call and one BUFFITER for the whole stat_result (a stat result that is
// not a sequence is read through its st_mode, st_size and st_mtime).
func (c *Conn) Stat(ctx context.Context, path string) (FileInfo, error) {
	v, err := c.callOS(ctx, "stat", path)
	if err != nil {
		return FileInfo{}, err
	}
	return statInfo(ctx, v)
}

// statInfo reads an os.stat_result: its first ten fields by value.
func statInfo(ctx context.Context, v any) (FileInfo, error) {
	st, err := rpyc.Obtain[brine.Tuple](ctx, v) // one BUFFITER
	if err != nil {
		// Not a sequence (a Go server's stat result): its attributes.
		n, ok := v.(*rpyc.Netref)
		if !ok {
			return FileInfo{}, err
		}
		st = make(brine.Tuple, 10)
		for i, name := range map[int]string{0: "st_mode", 6: "st_size", 8: "st_mtime"} {
			if st[i], err = n.GetAttr(ctx, name); err != nil {
				return FileInfo{}, fmt.Errorf("classic: os.stat result: %w", err)
			}
		}
	}
	if len(st) < 10 {
		return FileInfo{}, fmt.Errorf("classic: os.stat returned %d fields, want 10", len(st))
	}
	mode, err := rpyc.As[uint32](st[0], nil)
	if err != nil {
		return FileInfo{}, err
	}
	size, err := rpyc.As[int64](st[6], nil)
	if err != nil {
		return FileInfo{}, err
	}
	mtime, err := rpyc.As[float64](st[8], nil)
	if err != nil {
		return FileInfo{}, err
	}
	sec := int64(mtime)
	return FileInfo{
		Mode:    mode,
		Size:    size,
		ModTime: time.Unix(sec, int64((mtime-float64(sec))*1e9)),
		IsDir:   mode&0o170000 == 0o040000,
	}, nil
}

// ReadFile returns a server file's contents: open, one read, close (three
// round trips). For large files Download is faster.
func (c *Conn) ReadFile(ctx context.Context, path string) ([]byte, error) {
	b, err := c.Builtins(ctx)
	if err != nil {
		return nil, err
	}
	fv, err := b.CallMethod(ctx, "open", path, "rb")
	if err != nil {
		return nil, fmt.Errorf("classic: open %s: %w", path, err)
	}
	f, ok := fv.(*rpyc.Netref)
	if !ok {
		return nil, fmt.Errorf("classic: open %s returned %T", path, fv)
	}
	data, err := rpyc.As[[]byte](f.CallMethod(ctx, "read"))
	if _, cerr := f.CallMethod(ctx, "close"); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("classic: read %s: %w", path, err)
	}
	return data, nil
}

// WriteFile writes data to a server file, creating or truncating it. The
// data goes to a temporary name that is renamed over path at the end, so a
// failure never leaves a partly written path.
func (c *Conn) WriteFile(ctx context.Context, path string, data []byte) error {
	return c.uploadBytes(ctx, path, data, nil)
}
