package pyobj

import (
	"context"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// reading is a served struct with tagged fields, a docstring and a
// method.
type reading struct {
	Sensor string  `rpyc:"sensor"`
	Value  float64 `rpyc:"value"`
	note   string
}

func (r *reading) Double() float64 { return 2 * r.Value }

func (*reading) RPyCDoc() map[string]string {
	return map[string]string{"": "A sensor reading.", "Double": "Twice the value."}
}

// celsius formats itself for any spec.
type celsius struct{ deg float64 }

func (c *celsius) RPyCFormat(spec string) (string, error) {
	if spec == "" {
		return "21C", nil
	}
	return "[" + spec + "]", nil
}

// protoCall is obj.name(*args) through GETATTR then CALL, as a Python
// client's netref does, with a policy that lets every protocol name
// through.
func protoCall(t *testing.T, obj any, name string, args ...any) (any, error) {
	t.Helper()
	p := protoPolicy()
	ctx := context.Background()
	m, err := p.GetAttr(ctx, obj, name)
	if err != nil {
		return nil, err
	}
	return p.Call(ctx, m, brine.Tuple(args), nil)
}

func protoPolicy() *Policy {
	safe := map[string]bool{}
	for _, n := range protocolNames {
		safe[n] = true
	}
	return &Policy{SafeAttrs: safe, ExposedPrefix: "exposed_"}
}

// TestFormatProtocol: __format__ on every served value: an empty spec is
// str(), a Formatter answers every spec, a fmt.Formatter number takes
// Python's numeric specs, and anything else is Python's TypeError.
func TestFormatProtocol(t *testing.T) {
	p := &[]int{1, 2}
	for _, c := range []struct {
		name string
		obj  any
		spec string
		want string
	}{
		{"list, empty spec", p, "", "[1, 2]"},
		{"dict, empty spec", map[string]int{"a": 1}, "", "{'a': 1}"},
		{"struct, empty spec", &reading{Sensor: "t1", Value: 21.5}, "", "reading(sensor='t1', value=21.5)"},
		{"Formatter, empty spec", &celsius{21}, "", "21C"},
		{"Formatter, a spec", &celsius{21}, ">8", "[>8]"},
		{"big.Float .2f", big.NewFloat(1234.5678), ".2f", "1234.57"},
		{"big.Float grouping and width", big.NewFloat(1234567.891), ">14,.2f", "  1,234,567.89"},
		{"big.Float sign, zero fill", big.NewFloat(3.5), "+09.3f", "+0003.500"},
		{"big.Float left, fill", big.NewFloat(2), "*<6.1f", "2.0***"},
		{"big.Float centre", big.NewFloat(2), "^7.1e", "2.0e+00"},
	} {
		got, err := protoCall(t, c.obj, "__format__", c.spec)
		if err != nil || got != c.want {
			t.Errorf("%s: format(x, %q) = %v, %v; want %q", c.name, c.spec, got, err, c.want)
		}
	}
	_, err := protoCall(t, p, "__format__", ">10")
	wantExc(t, err, vinegar.ErrTypeError, "unsupported format string passed to list.__format__")
	_, err = protoCall(t, &reading{}, "__format__", "d")
	wantExc(t, err, vinegar.ErrTypeError, "unsupported format string passed to reading.__format__")
	_, err = protoCall(t, big.NewFloat(1), "__format__", "s")
	wantExc(t, err, vinegar.ErrTypeError, "unsupported format string")
	_, err = protoCall(t, p, "__format__", int64(1))
	wantExc(t, err, vinegar.ErrTypeError, "format() argument 2 must be str, not int")
}

// TestDocClassSizeDir: __doc__ from Documenter (None without), a bound
// method's signature and text, __class__, __sizeof__ and __dir__.
func TestDocClassSizeDir(t *testing.T) {
	ctx := context.Background()
	p := protoPolicy()
	r := &reading{Sensor: "t1", Value: 2}
	if d, err := p.GetAttr(ctx, r, "__doc__"); err != nil || d != "A sensor reading." {
		t.Errorf("reading.__doc__ = %v, %v", d, err)
	}
	if d, err := p.GetAttr(ctx, &[]int{}, "__doc__"); err != nil || d != nil {
		t.Errorf("list.__doc__ = %v, %v; want None", d, err)
	}
	m, err := p.GetAttr(ctx, r, "double")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := p.GetAttr(ctx, m, "__doc__"); err != nil || d != "double()\n\nTwice the value." {
		t.Errorf("method __doc__ = %q, %v", d, err)
	}
	if f, err := protoCall(t, m, "__format__", ""); err != nil || !strings.HasPrefix(f.(string), "<bound method double of") {
		t.Errorf("f\"{method}\" = %v, %v", f, err)
	}
	cls, err := p.GetAttr(ctx, r, "__class__")
	if err != nil || cls != ClassOf(reflect.TypeOf(r)) {
		t.Errorf("__class__ = %v, %v; want the class of reading", cls, err)
	}
	if n, err := protoCall(t, &[]int64{1, 2, 3}, "__sizeof__"); err != nil || n.(int64) < 24+3*8 {
		t.Errorf("__sizeof__ = %v, %v", n, err)
	}
	d, err := protoCall(t, r, "__dir__")
	if err != nil || !slices.Contains(d.(brine.Tuple), any("double")) || !slices.Contains(d.(brine.Tuple), any("__format__")) {
		t.Errorf("__dir__ = %v, %v", d, err)
	}
	if s, err := protoCall(t, r, "__repr__"); err != nil || s != "reading(sensor='t1', value=2.0)" {
		t.Errorf("__repr__ = %v, %v", s, err)
	}
	if lt, err := protoCall(t, &[]int{1}, "__lt__", &[]int{2}); err != nil || lt != true {
		t.Errorf("[1].__lt__([2]) = %v, %v", lt, err)
	}
	if h, err := p.GetAttr(ctx, &[]int{}, "__hash__"); err != nil || h != nil {
		t.Errorf("list.__hash__ = %v, %v; want None", h, err)
	}

	// Python's default safe_attrs let __format__ and __doc__ through, not
	// __class__, __sizeof__ or __dir__; dir() lists what gets through.
	def := &Policy{SafeAttrs: map[string]bool{"__format__": true, "__doc__": true}}
	for _, name := range []string{"__class__", "__sizeof__", "__dir__"} {
		if _, err := def.GetAttr(ctx, r, name); !strings.Contains(errText(err), "cannot access") {
			t.Errorf("%s with Python's safe_attrs: %v, want refused", name, err)
		}
	}
	names := def.Dir(ctx, r)
	if !slices.Contains(names, any("__format__")) || slices.Contains(names, any("__class__")) {
		t.Errorf("dir with Python's safe_attrs = %v", names)
	}
	// INSPECT lists __format__ whatever the policy, so a Python client's
	// netref class forwards format(x, spec).
	var inspected []string
	for _, pair := range def.Inspect(ctx, r) {
		inspected = append(inspected, pair.(brine.Tuple)[0].(string))
	}
	if !slices.Contains(inspected, "__format__") || !slices.Contains(inspected, "double") {
		t.Errorf("INSPECT = %v", inspected)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestStructRepr: a struct with tagged fields prints as a dataclass,
// with only the fields the peer can read; one without keeps object's.
func TestStructRepr(t *testing.T) {
	type inner struct {
		N int `rpyc:"n"`
	}
	type outer struct {
		In   *inner `rpyc:"in"`
		Tags []string
	}
	if got := Repr(&outer{In: &inner{3}}); got != "outer(in=inner(n=3))" {
		t.Errorf("repr = %q", got)
	}
	if got := Repr(point{1, 2}); !strings.HasPrefix(got, "<pyobj.point object") {
		t.Errorf("untagged repr = %q", got)
	}
	if got := Str(&reading{Sensor: "x"}); got != "reading(sensor='x', value=0.0)" {
		t.Errorf("str = %q", got)
	}
}
