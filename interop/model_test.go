//go:build unix

package interop

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// What Python's own client finds in Go values (issue 20): the object
// protocol (f-strings, format specs, __doc__, __class__, __sizeof__),
// comparisons and += on Go lists, isinstance against Go types exposed as
// classes, dynamic attributes, and structs that go to Python and come
// back (by reference, by value through obtain, as a dict).

// modelSensor is what a sensor does; its class has every type with Read
// as instances.
type modelSensor interface{ Read() float64 }

// modelReading is served by reference; its repr shows its tagged fields.
type modelReading struct {
	Sensor string  `rpyc:"sensor"`
	Value  float64 `rpyc:"value"`
}

func (r *modelReading) Double() float64 { return 2 * r.Value }
func (r *modelReading) Read() float64   { return r.Value }

func (*modelReading) RPyCTypeName() string { return "sensors.Reading" }

func (*modelReading) RPyCDoc() map[string]string {
	return map[string]string{"": "A sensor reading.", "Double": "Twice the value."}
}

// modelGauge is another sensor.
type modelGauge struct{}

func (modelGauge) Read() float64 { return 1 }

// modelService exposes two Go types as Python classes (tagged fields),
// and answers the names of its entries dynamically.
type modelService struct {
	Reading *rpyc.Class `rpyc:"Reading"`
	Sensor  *rpyc.Class `rpyc:"Sensor"`

	mu      sync.Mutex
	entries map[string]any
	plain   []int
	list    []int
}

func newModelService() *modelService {
	return &modelService{
		Reading: rpyc.ClassOf[modelReading](),
		Sensor:  rpyc.ClassOf[modelSensor](),
		entries: map[string]any{"alpha": 1},
		plain:   []int{1, 2, 3},
		list:    []int{1, 2, 3},
	}
}

func (s *modelService) RPyCParams() map[string]string {
	return map[string]string{"Ints": "xs", "Take": "reading", "TakeValue": "reading"}
}

func (s *modelService) NewReading() *modelReading   { return &modelReading{"t1", 21.5} }
func (s *modelService) ReadingValue() modelReading  { return modelReading{"t2", 2} }
func (s *modelService) Gauge() modelGauge           { return modelGauge{} }
func (s *modelService) Take(r *modelReading) string { return fmt.Sprintf("%s=%g", r.Sensor, r.Value) }
func (s *modelService) TakeValue(r modelReading) string {
	return fmt.Sprintf("%s=%g", r.Sensor, r.Value)
}
func (s *modelService) Plain() []int         { return s.plain }
func (s *modelService) List() *[]int         { return &s.list }
func (s *modelService) Other() *[]int        { return &[]int{1, 2, 4} }
func (s *modelService) Nested() []any        { return []any{1, []int{2, 3}} }
func (s *modelService) Nested2() []any       { return []any{1, []int{2, 4}} }
func (s *modelService) Owners() string       { return fmt.Sprint(s.plain, s.list) }
func (s *modelService) Dict() map[string]int { return map[string]int{"a": 1} }
func (s *modelService) Big() *big.Float      { return big.NewFloat(1234.5678) }
func (s *modelService) Array() [3]int        { return [3]int{1, 2, 3} }
func (s *modelService) Ints(xs []int) int    { return len(xs) }

func (s *modelService) RPyCGetattr(ctx context.Context, name string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.entries[name]; ok {
		return v, nil
	}
	return nil, rpyc.ErrNoAttribute
}

func (s *modelService) RPyCSetattr(ctx context.Context, name string, value any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries[name] = value
	return nil
}

func (s *modelService) RPyCDelattr(ctx context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.entries[name]; !ok {
		return rpyc.ErrNoAttribute
	}
	delete(s.entries, name)
	return nil
}

func (s *modelService) RPyCDir(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.entries)), nil
}

// TestModelFromPython runs model_client.py, Debian's rpyc 5.3 client (in
// both layouts), against the service under Python's default config and
// under a permissive one (pickling, setattr and delattr allowed, and
// __class__ and __sizeof__ added to the safe attributes).
func TestModelFromPython(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		def := parseLines(Run(t, "model_client.py", layout == message.LayoutV6, serveGo(t, newModelService(), nil), "default"))
		checkLines(t, "default", def, map[string]string{
			// Item 2: the object protocol.
			"fstr_list":        "'[1, 2, 3]'",
			"fstr_dict":        `"{'a': 1}"`,
			"fstr_method":      "True",
			"fstr_reading":     `"Reading(sensor='t1', value=21.5)"`,
			"repr_reading":     `"Reading(sensor='t1', value=21.5)"`,
			"format_list_spec": "TypeError unsupported format string passed to list.__format__",
			"format_obj_spec":  "TypeError unsupported format string passed to Reading.__format__",
			"format_big":       "'  1,234.57'",
			"doc_reading":      "'A sensor reading.'",
			"doc_list":         "None",
			"doc_method":       "'double()\\n\\nTwice the value.'",
			"doc_class":        "'A sensor reading.'",
			"class_refused":    "AttributeError cannot access '__class__'",
			"sizeof_refused":   "AttributeError cannot access '__sizeof__'",
			"dir_reading":      "['double', 'read', 'sensor', 'value']",
			// Item 3: operators.
			"lt_lists":            "True",
			"le_ge_gt":            "(True, True, False)",
			"eq_lists":            "True",
			"lt_nested":           "True",
			"lt_tuples_of_lists":  "True",
			"lt_local_list":       "TypeError '<' not supported between instances of 'type' and 'list'",
			"iadd_pointer":        "([1, 2, 3, 4], True)",
			"iadd_plain":          "[1, 2, 3, 4]",
			"owners":              "'[1 2 3] [1 2 3 4]'",
			"append_plain":        "TypeError append: the Go []int behind this list cannot grow where its owner sees it (copy it with list() to change a copy; the service can serve a *[]int)",
			"sort_key":            "[4, 2, 1]",
			"dict_or":             "{'a': 1, 'b': 2}",
			"dict_ior":            "{'a': 1, 'c': 3}",
			"array":               "(1, 2, 3)",
			"isinstance_own":      "True",
			"isinstance_other":    "False",
			"isinstance_iface":    "(True, True, False)",
			"class_repr":          `"<class 'sensors.Reading'>"`,
			"class_call":          "('t9', 3.5, 7.0)",
			"class_call_bad":      "TypeError Reading() got an unexpected keyword argument 'colour'",
			"class_method":        "43.0",
			"class_isinstance":    "True",
			"class_interface_new": "TypeError cannot create 'modelSensor' instances: it is a Go interface",
			// Item 4: dynamic attributes.
			"dyn_get":     "1",
			"dyn_missing": "AttributeError 'modelService' object has no attribute 'nope'",
			"dyn_set":     "AttributeError cannot access 'gamma'",
			"dyn_dir":     "True",
			// Item 5: round trips.
			"take":           "'t1=21.5'",
			"take_value":     "'t1=21.5'",
			"take_from_val":  "'t2=2'",
			"take_dict":      "'d=1.5'",
			"take_dict_bad":  "TypeError take() argument 'reading': expected Reading (or a dict of its fields), got dict at key 'colour' (Reading has no field 'colour'; its fields: sensor, value)",
			"ints_bad":       "TypeError ints() argument 'xs': expected a list of int, got float at item 0",
			"ints_str":       "TypeError ints() argument 'xs': expected a list of int, got str",
			"obtain_refused": "ValueError pickling is disabled",
		})

		cfg := rpyc.DefaultConfig()
		cfg.AllowPickle, cfg.AllowSetattr, cfg.AllowDelattr = true, true, true
		cfg.SafeAttrs["__class__"], cfg.SafeAttrs["__sizeof__"] = true, true
		open := parseLines(Run(t, "model_client.py", layout == message.LayoutV6, serveGo(t, newModelService(), cfg), "permissive"))
		checkLines(t, "permissive", open, map[string]string{
			"obtain":             "[('sensor', 't1'), ('value', 21.5)]",
			"take_obtained":      "'t1=21.5'",
			"class_of":           `"<class 'sensors.Reading'>"`,
			"isinstance_classof": "True",
			"class_of_unexposed": "TypeError cannot create 'modelGauge' instances: the service does not expose its class (rpyc.ClassOf)",
			"sizeof":             "True",
			"dyn_set":            "5",
			"dyn_del":            "AttributeError 'modelService' object has no attribute 'gamma'",
		})
	})
}

// checkLines compares a script's "name: value" lines with want.
func checkLines(t *testing.T, mode string, got, want map[string]string) {
	t.Helper()
	names := slices.Collect(maps.Keys(want))
	sort.Strings(names)
	for _, k := range names {
		if got[k] != want[k] {
			t.Errorf("%s %s: got %q, want %q", mode, k, got[k], want[k])
		}
	}
	if t.Failed() {
		t.Logf("%s output:\n%s", mode, strings.Join(slices.Sorted(maps.Keys(got)), ", "))
	}
}

// TestModelFromGo: the same rules from the other side, a Go client of
// Python's server: a Python dict converts to a Go struct by field name,
// and a Go struct Python holds by reference prints as a dataclass.
func TestModelFromGo(t *testing.T) {
	layouts(t, func(t *testing.T, layout message.Layout) {
		ctx := ctxT(t)
		_, root := dialPython(t, layout)
		type entry struct {
			A int    `rpyc:"a"`
			B []int  `rpyc:"b"`
			C string `rpyc:"c"`
		}
		e, err := rpyc.As[entry](root.CallMethod(ctx, "get_dict"))
		if err != nil || e.A != 1 || !slices.Equal(e.B, []int{2, 3}) || e.C != "three" {
			t.Errorf("As[entry](get_dict()) = %+v, %v", e, err)
		}
		type narrow struct {
			A int `rpyc:"a"`
		}
		_, err = rpyc.As[narrow](root.CallMethod(ctx, "get_dict"))
		var te *rpyc.TypeError
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "key 'b'") {
			t.Errorf("As[narrow](get_dict()) = %v, want a TypeError about key 'b'", err)
		}
		s, err := rpyc.As[string](root.CallMethod(ctx, "str_of", &modelReading{Sensor: "go", Value: 1}))
		if err != nil || s != "Reading(sensor='go', value=1.0)" {
			t.Errorf("str() of a Go struct in Python = %q, %v", s, err)
		}
	})
}
