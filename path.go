package rpyc

// Dotted attribute paths: c.modules.os.path.join in one line from Go.

import (
	"context"
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc/internal/pyobj"
)

// GetPath follows a dotted attribute path from r: GetPath(ctx, os,
// "path.sep") is os.path.sep. Each step is one GETATTR round trip.
// Intermediate references are not released explicitly (another holder may
// share them: one remote object has one *Netref); the garbage collector
// releases them. An error names the step that failed.
func GetPath(ctx context.Context, r *Netref, path string) (any, error) {
	if path == "" {
		return r, nil
	}
	var cur any = r
	steps := strings.Split(path, ".")
	for i, name := range steps {
		n, ok := cur.(*Netref)
		if !ok {
			return nil, &TypeError{Got: cur, Msg: fmt.Sprintf("%s is %s, which has no attribute %q", strings.Join(steps[:i], "."), pyobj.Describe(cur), name)}
		}
		if name == "" {
			return nil, fmt.Errorf("rpyc: empty name in attribute path %q", path)
		}
		v, err := n.GetAttr(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("getattr %s on %s: %w", strings.Join(steps[:i+1], "."), r, err)
		}
		cur = v
	}
	return cur, nil
}

// CallPath calls the method at the end of a dotted path:
// CallPath(ctx, os, "path.join", "a", "b") is os.path.join("a", "b"), in
// one round trip per dot (GETATTRs, then one CALLATTR).
func CallPath(ctx context.Context, r *Netref, path string, args ...any) (any, error) {
	owner, name := r, path
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		v, err := GetPath(ctx, r, path[:i])
		if err != nil {
			return nil, err
		}
		n, ok := v.(*Netref)
		if !ok {
			return nil, &TypeError{Got: v, Msg: fmt.Sprintf("%s is %s, which has no method %q", path[:i], pyobj.Describe(v), path[i+1:])}
		}
		owner, name = n, path[i+1:]
	}
	return owner.CallMethod(ctx, name, args...)
}
