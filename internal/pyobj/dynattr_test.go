package pyobj

import (
	"context"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// registry declares a method and a field, and answers the names of its
// entries dynamically.
type registry struct {
	mu      sync.Mutex
	Label   string `rpyc:"label,rw"`
	entries map[string]any
}

func (r *registry) Size() int { return len(r.entries) }

func (r *registry) RPyCGetattr(ctx context.Context, name string) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch name {
	case "size", "label":
		return "the hook, not the declared name", nil
	case "forbidden":
		return nil, vinegar.New("AttributeError", "forbidden is not for you")
	}
	if v, ok := r.entries[name]; ok {
		return v, nil
	}
	return nil, ErrNoAttribute
}

func (r *registry) RPyCSetattr(ctx context.Context, name string, value any) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries[name] = value
	return nil
}

func (r *registry) RPyCDelattr(ctx context.Context, name string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.entries[name]; !ok {
		return ErrNoAttribute
	}
	delete(r.entries, name)
	return nil
}

func (r *registry) RPyCDir(ctx context.Context) ([]string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for k := range r.entries {
		out = append(out, k)
	}
	sort.Strings(out)
	return append(out, "_secret"), nil
}

// TestDynamicAttributes: declared names win, the hooks answer the rest,
// under the same policy; ErrNoAttribute becomes Python's message and
// leaves the object protocol to answer.
func TestDynamicAttributes(t *testing.T) {
	ctx := context.Background()
	r := &registry{Label: "reg", entries: map[string]any{"alpha": int64(1), "greet": func(n string) string { return "hi " + n }}}
	p := &Policy{SafeAttrs: map[string]bool{"__doc__": true, "__format__": true}, ExposedPrefix: "exposed_", AllowSetattr: true, AllowDelattr: true}
	get := func(name string) (any, error) { return p.GetAttr(ctx, r, name) }

	if v, err := get("alpha"); err != nil || v != int64(1) {
		t.Errorf("alpha = %v, %v", v, err)
	}
	if v, err := get("label"); err != nil || v != "reg" {
		t.Errorf("label = %v, %v; want the declared field", v, err)
	}
	if v, err := p.CallAttr(ctx, r, "size", nil, nil); err != nil || v != 2 {
		t.Errorf("size() = %v, %v; want the declared method", v, err)
	}
	if v, err := p.CallAttr(ctx, r, "greet", brine.Tuple{"bob"}, nil); err != nil || v != "hi bob" {
		t.Errorf("greet('bob') = %v, %v; want a dynamic method called", v, err)
	}
	_, err := get("nope")
	wantExc(t, err, vinegar.ErrAttributeError, "'registry' object has no attribute 'nope'")
	_, err = get("forbidden")
	wantExc(t, err, vinegar.ErrAttributeError, "forbidden is not for you")
	if v, err := get("__doc__"); err != nil || v != nil {
		t.Errorf("__doc__ = %v, %v; want the object protocol's None", v, err)
	}
	_, err = get("_secret")
	wantExc(t, err, vinegar.ErrAttributeError, "cannot access '_secret'")

	// setattr: a declared field is set as a field, other names go to the
	// hook; delattr goes to the hook.
	if err := p.SetAttr(ctx, r, "label", "new"); err != nil || r.Label != "new" {
		t.Errorf("set label: %v (%q)", err, r.Label)
	}
	if err := p.SetAttr(ctx, r, "beta", int64(2)); err != nil || r.entries["beta"] != int64(2) {
		t.Errorf("set beta: %v (%v)", err, r.entries)
	}
	if err := p.DelAttr(ctx, r, "alpha"); err != nil || r.entries["alpha"] != nil {
		t.Errorf("del alpha: %v", err)
	}
	wantExc(t, p.DelAttr(ctx, r, "alpha"), vinegar.ErrAttributeError, "'registry' object has no attribute 'alpha'")
	wantExc(t, p.SetAttr(ctx, r, "_x", 1), vinegar.ErrAttributeError, "cannot access '_x'")

	// Python's defaults: no setattr, no delattr, whatever the hooks say.
	def := &Policy{ExposedPrefix: "exposed_"}
	wantExc(t, def.SetAttr(ctx, r, "gamma", 1), vinegar.ErrAttributeError, "cannot access 'gamma'")
	wantExc(t, def.DelAttr(ctx, r, "beta"), vinegar.ErrAttributeError, "cannot access 'beta'")

	// dir() adds the hook's names the policy lets through.
	names := p.Dir(ctx, r)
	for _, want := range []string{"beta", "greet", "label", "size", "__doc__"} {
		if !slices.Contains(names, any(want)) {
			t.Errorf("dir lacks %q: %v", want, names)
		}
	}
	if slices.Contains(names, any("_secret")) {
		t.Errorf("dir lists a private name: %v", names)
	}
	// The root of a service with hooks reaches them too.
	root, err := NewRoot(r, "REG", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := p.GetAttr(ctx, root, "beta"); err != nil || v != int64(2) {
		t.Errorf("root.beta = %v, %v", v, err)
	}
	if err := p.DelAttr(ctx, root, "beta"); err != nil {
		t.Errorf("del root.beta: %v", err)
	}
	if s := strings.Join(p.LocalDir(ctx, r), ","); !strings.Contains(s, "greet") {
		t.Errorf("LocalDir = %s", s)
	}
}
