package classic

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Modules imports a module on the server by name, dotted names included
// ("os.path", "xml.dom.minidom"), and returns a reference to it (Python's
// conn.modules.os.path, or conn.modules["os.path"]). One round trip the
// first time; the reference is kept for the connection's life, as
// Python's conn.modules does.
func (c *Conn) Modules(ctx context.Context, name string) (*rpyc.Netref, error) {
	c.mu.Lock()
	m := c.modules[name]
	c.mu.Unlock()
	if m != nil {
		return m, nil
	}
	v, err := c.root.CallMethod(ctx, "getmodule", name)
	if err != nil {
		return nil, fmt.Errorf("classic: import %s: %w", name, err)
	}
	m, ok := v.(*rpyc.Netref)
	if !ok {
		return nil, fmt.Errorf("classic: import %s returned %T, not a module reference", name, v)
	}
	c.mu.Lock()
	if c.modules == nil {
		c.modules = make(map[string]*rpyc.Netref)
	}
	c.modules[name] = m
	c.mu.Unlock()
	return m, nil
}

// Builtins returns the server's builtins module (conn.builtins).
func (c *Conn) Builtins(ctx context.Context) (*rpyc.Netref, error) {
	return c.Modules(ctx, "builtins")
}

// Eval evaluates a Python expression in the connection's namespace
// (conn.eval) and returns its value: plain data by value, anything else
// as a *rpyc.Netref.
func (c *Conn) Eval(ctx context.Context, expr string) (any, error) {
	return c.root.CallMethod(ctx, "eval", expr)
}

// Execute runs Python statements in the connection's namespace
// (conn.execute): define functions and variables there, then reach them
// with Eval or Namespace. It is also how Go sends code to run remotely,
// in place of Python's teleport_function.
func (c *Conn) Execute(ctx context.Context, code string) error {
	_, err := c.root.CallMethod(ctx, "execute", code)
	return err
}

// Namespace returns the connection's namespace dict (conn.namespace), the
// globals Eval and Execute share.
func (c *Conn) Namespace(ctx context.Context) (*rpyc.Netref, error) {
	v, err := c.root.GetAttr(ctx, "namespace")
	if err != nil {
		return nil, err
	}
	n, ok := v.(*rpyc.Netref)
	if !ok {
		return nil, fmt.Errorf("classic: namespace is %T, not a dict reference", v)
	}
	return n, nil
}

// Get returns what a dotted path names on the server, starting with a
// module: Get(ctx, "os.sep"), Get(ctx, "sys.version_info.major"). The
// longest importable prefix is imported (so "os.path.sep" imports
// os.path), the rest is looked up as attributes.
func (c *Conn) Get(ctx context.Context, path string) (any, error) {
	m, rest, err := c.resolve(ctx, path)
	if err != nil {
		return nil, err
	}
	return rpyc.GetPath(ctx, m, rest)
}

// Call calls the function a dotted path names (Python's
// conn.modules.os.path.join(a, b)): Call(ctx, "os.path.join", "a", "b").
// A trailing rpyc.Kwargs gives keyword arguments. It costs one round trip
// to import the module and one for the call (plus one per attribute
// between them).
func (c *Conn) Call(ctx context.Context, path string, args ...any) (any, error) {
	i := strings.LastIndexByte(path, '.')
	if i < 0 {
		b, err := c.Builtins(ctx)
		if err != nil {
			return nil, err
		}
		return b.CallMethod(ctx, path, args...)
	}
	m, rest, err := c.resolve(ctx, path[:i])
	if err != nil {
		return nil, err
	}
	return rpyc.CallPath(ctx, m, joinPath(rest, path[i+1:]), args...)
}

func joinPath(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

// resolve imports the longest module prefix of path and returns it with
// the attribute path left over.
func (c *Conn) resolve(ctx context.Context, path string) (*rpyc.Netref, string, error) {
	if path == "" {
		return nil, "", errors.New("classic: empty path; name a module, as in \"os.getcwd\"")
	}
	parts := strings.Split(path, ".")
	for n := len(parts); n > 0; n-- {
		m, err := c.Modules(ctx, strings.Join(parts[:n], "."))
		if err == nil {
			return m, strings.Join(parts[n:], "."), nil
		}
		if !errors.Is(err, vinegar.ErrImportError) || n == 1 {
			return nil, "", err
		}
	}
	return nil, "", fmt.Errorf("classic: cannot import any prefix of %q", path)
}
