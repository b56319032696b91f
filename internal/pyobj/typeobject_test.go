package pyobj

import (
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestClassOf: one *Class per type, T and *T sharing theirs; its names,
// doc and repr; isinstance for a struct's, an interface's and a list's
// class.
func TestClassOf(t *testing.T) {
	c := ClassOf(reflect.TypeFor[reading]())
	if ClassOf(reflect.TypeFor[*reading]()) != c {
		t.Error("ClassOf(*T) is not ClassOf(T)")
	}
	if c.Name() != "pyobj.reading" || Repr(c) != "<class 'pyobj.reading'>" || TypeName(c) != "pyobj.reading" {
		t.Errorf("name %q, repr %q, name_pack %q", c.Name(), Repr(c), TypeName(c))
	}
	typ, ok := ClassIDType(c)
	if !ok || typ != reflect.TypeFor[*reading]() {
		t.Errorf("ClassIDType = %v, %v; want *reading, the instances' type", typ, ok)
	}
	ctx := context.Background()
	p := protoPolicy()
	p.SafeAttrs["__name__"], p.SafeAttrs["__module__"] = true, true // not in Python's default
	for name, want := range map[string]any{"__name__": "reading", "__module__": "pyobj", "__doc__": "A sensor reading."} {
		if v, err := p.GetAttr(ctx, c, name); err != nil || v != want {
			t.Errorf("cls.%s = %v, %v; want %v", name, v, err, want)
		}
	}
	for _, c := range []struct {
		cls  *Class
		obj  any
		want bool
	}{
		{c, &reading{}, true},
		{c, reading{}, true},
		{c, &point{}, false},
		{c, c, false},
		{ClassOf(reflect.TypeFor[io.Writer]()), &strings.Builder{}, true},
		{ClassOf(reflect.TypeFor[io.Writer]()), &reading{}, false},
		{ClassOf(reflect.TypeFor[[]int]()), []int{1}, true},
		{ClassOf(reflect.TypeFor[[]int]()), []int64{1}, false},
	} {
		if got, err := IsInstance(c.obj, c.cls); err != nil || got != c.want {
			t.Errorf("isinstance(%T, %v) = %v, %v; want %v", c.obj, c.cls, got, err, c.want)
		}
	}
	if ok, _ := IsInstanceType(reflect.TypeFor[*strings.Builder](), ClassOf(reflect.TypeFor[io.Writer]())); !ok {
		t.Error("IsInstanceType: *strings.Builder is an io.Writer")
	}
	if _, err := IsInstance(&reading{}, &reading{}); !strings.Contains(errText(err), "arg 2 must be a type") {
		t.Errorf("isinstance with an instance as the class: %v", err)
	}
	// The Go methods of *Class are not the peer's to call.
	for _, name := range []string{"type", "name", "is_instance", "rpyc_type_name"} {
		if _, err := p.GetAttr(ctx, c, name); !strings.Contains(errText(err), "type object 'reading' has no attribute") {
			t.Errorf("cls.%s = %v, want AttributeError", name, err)
		}
	}
}

// TestClassCall: calling a struct's class builds a *T from positional
// (the readable fields, in order) and keyword arguments (any exported
// field); its methods take the instance first; an interface's class
// cannot be called; a slice's makes a list the peer may grow.
func TestClassCall(t *testing.T) {
	ctx := context.Background()
	p := protoPolicy()
	c := ClassOf(reflect.TypeFor[reading]())
	v, err := p.Call(ctx, c, brine.Tuple{"t1"}, Kwargs{"value": int64(3)})
	r, ok := v.(*reading)
	if err != nil || !ok || r.Sensor != "t1" || r.Value != 3 {
		t.Fatalf("reading('t1', value=3) = %#v, %v", v, err)
	}
	if ok, _ := IsInstance(r, c); !ok {
		t.Error("an instance the class made is not its instance")
	}
	for _, bad := range []struct {
		args brine.Tuple
		kw   Kwargs
		msg  string
	}{
		{brine.Tuple{"a", 1.0, "x"}, nil, "reading() takes 2 positional arguments but 3 were given"},
		{nil, Kwargs{"nope": 1}, "reading() got an unexpected keyword argument 'nope'"},
		{brine.Tuple{"a"}, Kwargs{"sensor": "b"}, "reading() got multiple values for argument 'sensor'"},
		{nil, Kwargs{"value": "warm"}, "reading() argument 'value': expected float, got str"},
	} {
		_, err := p.Call(ctx, c, bad.args, bad.kw)
		wantExc(t, err, vinegar.ErrTypeError, bad.msg)
	}
	double, err := p.GetAttr(ctx, c, "double")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := p.Call(ctx, double, brine.Tuple{r}, nil); err != nil || v != 6.0 {
		t.Errorf("reading.double(r) = %v, %v", v, err)
	}
	_, err = p.Call(ctx, double, brine.Tuple{int64(1)}, nil)
	wantExc(t, err, vinegar.ErrTypeError, "reading.double() needs an instance of reading as its first argument, not int")

	_, err = p.Call(ctx, ClassOf(reflect.TypeFor[io.Writer]()), nil, nil)
	wantExc(t, err, vinegar.ErrTypeError, "cannot create 'Writer' instances")
	l, err := p.Call(ctx, ClassOf(reflect.TypeFor[[]int]()), brine.Tuple{brine.Tuple{int64(1), int64(2)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustK(t, p, l, "append", int64(3))
	if got := *l.(*[]int); !reflect.DeepEqual(got, []int{1, 2, 3}) {
		t.Errorf("list made by the class, appended to: %v", got)
	}
	if !IsCallable(c) {
		t.Error("a class is callable")
	}
	var names []string
	for _, pair := range p.Inspect(ctx, c) {
		names = append(names, pair.(brine.Tuple)[0].(string))
	}
	if !strings.Contains(strings.Join(names, " "), "__call__") {
		t.Errorf("INSPECT of a class lacks __call__: %v", names)
	}
}

// TestClassOfValue: __class__ is the class of a program's own types only,
// and a class reached that way answers isinstance but builds nothing
// until the program exposes it with ClassOf.
func TestClassOfValue(t *testing.T) {
	ctx := context.Background()
	p := protoPolicy()
	pt := &point{1, 2}
	cls, err := p.GetAttr(ctx, pt, "__class__")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := IsInstance(pt, cls); !ok {
		t.Error("isinstance(p, p.__class__) is false")
	}
	_, err = p.Call(ctx, cls, nil, Kwargs{"x": int64(1)})
	wantExc(t, err, vinegar.ErrTypeError, "cannot create 'point' instances: the service does not expose its class")
	for _, obj := range []any{&[]int{}, map[string]int{}, func() {}, cls} {
		if _, err := p.GetAttr(ctx, obj, "__class__"); err == nil {
			t.Errorf("%T.__class__ answered; its Python class is the client's own", obj)
		}
	}
}
