package rpyc_test

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Reading is what SensorService serves: Python reads its tagged fields.
type Reading struct {
	Sensor string  `rpyc:"sensor"`
	Value  float64 `rpyc:"value"`
}

// Double is a method Python calls as r.double().
func (r *Reading) Double() float64 { return 2 * r.Value }

// RPyCDoc gives Reading and its method Python docstrings.
func (*Reading) RPyCDoc() map[string]string {
	return map[string]string{"": "One sensor reading.", "Double": "Twice the value."}
}

// RPyCFormat answers format(r, spec): "v" for the value alone.
func (r *Reading) RPyCFormat(spec string) (string, error) {
	if spec == "v" {
		return fmt.Sprint(r.Value), nil
	}
	return fmt.Sprintf("%s=%g", r.Sensor, r.Value), nil
}

// SensorService hands out readings, takes them back, and serves the
// Reading type itself as a Python class.
type SensorService struct {
	Reading *rpyc.Class `rpyc:"Reading"`
}

// Latest returns a reading by reference.
func (SensorService) Latest() *Reading { return &Reading{Sensor: "t1", Value: 21.5} }

// Store takes a reading back: the same object, or a dict of its fields.
func (SensorService) Store(r Reading) string { return r.Sensor }

// Total is a number that formats itself with fmt, so Python's numeric
// format specs work on it.
func (SensorService) Total() *big.Float { return big.NewFloat(1234.5678) }

// A Go type served as a Python class: the client builds an instance by
// calling it, and isinstance is decided as Python's client decides it.
func ExampleClassOf() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(SensorService{Reading: rpyc.ClassOf[Reading]()}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	cls, _ := rpyc.As[*rpyc.Netref](root.GetAttr(ctx, "Reading"))
	r, _ := rpyc.As[*rpyc.Netref](cls.Call(ctx, "t2", rpyc.Kwargs{"value": 3.0}))
	fmt.Println(r.Repr(ctx))
	fmt.Println(r.IsInstance(ctx, cls))
	fmt.Println(rpyc.As[string](root.CallMethod(ctx, "store", r)))
	fmt.Println(rpyc.As[string](root.CallMethod(ctx, "store", map[string]any{"sensor": "t3"})))
	// Output:
	// Reading(sensor='t2', value=3.0) <nil>
	// true <nil>
	// t2 <nil>
	// t3 <nil>
}

// Docstrings a Go doc comment cannot give at run time.
func ExampleDocumenter() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(SensorService{}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	r, _ := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "latest"))
	fmt.Println(r.GetAttr(ctx, "__doc__"))
	m, _ := rpyc.As[*rpyc.Netref](r.GetAttr(ctx, "double"))
	fmt.Printf("%q\n", must(m.GetAttr(ctx, "__doc__")))
	// Output:
	// One sensor reading. <nil>
	// "double()\n\nTwice the value."
}

// format(obj, spec) on the peer: a type's own RPyCFormat, or Python's
// numeric specs for a value that formats itself with fmt.
func ExampleFormatter() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(SensorService{}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	r, _ := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "latest"))
	fmt.Println(r.CallMethod(ctx, "__format__", "v"))
	total, _ := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "total"))
	fmt.Println(total.CallMethod(ctx, "__format__", ">10,.2f"))
	// Output:
	// 21.5 <nil>
	//   1,234.57 <nil>
}

// Settings answers the names of its entries as attributes, and keeps its
// declared method.
type Settings struct {
	mu      sync.Mutex
	entries map[string]any
}

// Size is declared: a declared name wins over the hook.
func (s *Settings) Size() int { return len(s.entries) }

// RPyCGetattr answers the names Settings does not declare.
func (s *Settings) RPyCGetattr(ctx context.Context, name string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.entries[name]; ok {
		return v, nil
	}
	return nil, rpyc.ErrNoAttribute
}

// Dynamic attributes: a service answers names it only knows at run time,
// under the same attribute policy as its declared names.
func ExampleAttrGetter() {
	ctx := context.Background()
	conn, _ := rpyc.Connect(serveInMemory(&Settings{entries: map[string]any{"timeout": 30}}), nil, nil)
	defer conn.Close()
	root, _ := conn.Root(ctx)

	fmt.Println(root.GetAttr(ctx, "timeout"))
	fmt.Println(root.CallMethod(ctx, "size"))
	_, err := root.GetAttr(ctx, "retries")
	fmt.Println(errors.Is(err, vinegar.ErrAttributeError), err)
	_, err = root.GetAttr(ctx, "_secret")
	fmt.Println(err)
	// Output:
	// 30 <nil>
	// 1 <nil>
	// true AttributeError: 'Settings' object has no attribute 'retries'
	// AttributeError: cannot access '_secret'
}

func must(v any, err error) any {
	if err != nil {
		panic(err)
	}
	return v
}
