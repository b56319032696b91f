package rpyc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/stream"
	"github.com/rpyc-go/rpyc/vinegar"
)

// nativesService is the root of the end-to-end test of the native
// classes (internal/pyobj): lists, dicts and files, as a peer sees them.
type nativesService struct {
	list  *[]int
	plain []int
	dict  map[string]int
	file  *bytes.Reader
}

func (s *nativesService) GetList() *[]int         { return s.list }
func (s *nativesService) GetPlain() []int         { return s.plain }
func (s *nativesService) GetDict() map[string]int { return s.dict }
func (s *nativesService) GetFile() *bytes.Reader  { return s.file }
func (s *nativesService) Snapshot() (int, int)    { return len(*s.list), len(s.dict) }

func TestNativeClassesEndToEnd(t *testing.T) {
	a, b := stream.MemPipe()
	svc := &nativesService{
		list:  &[]int{0, 1, 2},
		plain: []int{7},
		dict:  map[string]int{"a": 1, "b": 2},
		file:  bytes.NewReader([]byte("l1\nl2\nl3\n")),
	}
	srv, err := NewServerConn(b, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	defer srv.Close()
	cli, err := Connect(a, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	netref := func(name string) *Netref {
		t.Helper()
		v, err := root.CallMethod(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := v.(*Netref)
		if !ok {
			t.Fatalf("%s returned %T", name, v)
		}
		return n
	}

	// The list.
	l := netref("get_list")
	if l.TypeName() != "builtins.list" {
		t.Errorf("list type %q", l.TypeName())
	}
	if s, err := l.Str(ctx); err != nil || s != "[0, 1, 2]" {
		t.Errorf("str = %q, %v", s, err)
	}
	if n, err := l.Len(ctx); err != nil || n != 3 {
		t.Errorf("len = %d, %v", n, err)
	}
	if v, err := l.GetItem(ctx, int64(-1)); err != nil || v != int64(2) {
		t.Errorf("l[-1] = %v, %v", v, err)
	}
	if _, err := l.GetItem(ctx, int64(3)); !errors.Is(err, vinegar.ErrIndexError) {
		t.Errorf("l[3]: %v", err)
	}
	if _, err := l.CallMethod(ctx, "append", 5); err != nil {
		t.Fatal(err)
	}
	if n, _, err := pairOf[int, int](root.CallMethod(ctx, "snapshot")); err != nil || n != 4 {
		t.Errorf("owner sees len %d, %v", n, err)
	}
	if ok, err := l.Contains(ctx, 5); err != nil || !ok {
		t.Errorf("5 in l = %v, %v", ok, err)
	}
	var items []any
	for v, err := range l.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, v)
	}
	if !reflect.DeepEqual(items, []any{int64(0), int64(1), int64(2), int64(5)}) {
		t.Errorf("iter = %v", items)
	}
	sub, err := l.GetItem(ctx, brine.Slice{Step: int64(-2)})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := sub.(*Netref).Str(ctx); err != nil || s != "[5, 1]" {
		t.Errorf("l[::-2] = %q, %v", s, err)
	}
	// Extending with a list of the client's: the server iterates it back.
	if _, err := l.CallMethod(ctx, "extend", &[]int{6, 7}); err != nil {
		t.Fatal(err)
	}
	if got := *svc.list; !slices.Equal(got, []int{0, 1, 2, 5, 6, 7}) {
		t.Errorf("owner's list = %v", got)
	}
	if _, err := l.CallMethod(ctx, "sort", Kwargs{"reverse": true}); err != nil {
		t.Fatal(err)
	}
	if s, _ := l.Str(ctx); s != "[7, 6, 5, 2, 1, 0]" {
		t.Errorf("sorted = %q", s)
	}
	plain := netref("get_plain")
	_, err = plain.CallMethod(ctx, "append", 1)
	if !errors.Is(err, vinegar.ErrTypeError) || !strings.Contains(err.Error(), "append: the Go []int behind this list cannot grow") {
		t.Errorf("append on a plain slice: %v", err)
	}

	// The dict.
	d := netref("get_dict")
	if d.TypeName() != "builtins.dict" {
		t.Errorf("dict type %q", d.TypeName())
	}
	if n, err := d.Len(ctx); err != nil || n != 2 {
		t.Errorf("len = %d, %v", n, err)
	}
	if v, err := d.GetItem(ctx, "a"); err != nil || v != int64(1) {
		t.Errorf("d['a'] = %v, %v", v, err)
	}
	_, err = d.GetItem(ctx, "zz")
	var e *vinegar.Exception
	if !errors.Is(err, vinegar.ErrKeyError) || !errors.As(err, &e) || !reflect.DeepEqual(e.Args, brine.Tuple{"zz"}) {
		t.Errorf("d['zz']: %v", err)
	}
	if err := d.SetItem(ctx, "c", 3); err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Contains(ctx, "c"); err != nil || !ok {
		t.Errorf("'c' in d = %v, %v", ok, err)
	}
	// Updating from a dict of the client's goes through its items().
	if _, err := d.CallMethod(ctx, "update", map[string]int{"d": 4}, Kwargs{"e": 5}); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(svc.dict, map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}) {
		t.Errorf("owner's dict = %v", svc.dict)
	}
	v, err := d.CallMethod(ctx, "items")
	if err != nil {
		t.Fatal(err)
	}
	if want := (brine.Tuple{brine.Tuple{"a", int64(1)}, brine.Tuple{"b", int64(2)}, brine.Tuple{"c", int64(3)},
		brine.Tuple{"d", int64(4)}, brine.Tuple{"e", int64(5)}}); !reflect.DeepEqual(v, want) {
		t.Errorf("items = %v", v)
	}
	var keys []any
	for k, err := range d.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	if !reflect.DeepEqual(keys, []any{"a", "b", "c", "d", "e"}) {
		t.Errorf("keys = %v", keys)
	}
	if s, err := d.Str(ctx); err != nil || s != "{'a': 1, 'b': 2, 'c': 3, 'd': 4, 'e': 5}" {
		t.Errorf("str = %q, %v", s, err)
	}

	// The file.
	f := netref("get_file")
	if v, err := f.CallMethod(ctx, "readline"); err != nil || string(v.([]byte)) != "l1\n" {
		t.Errorf("readline = %q, %v", v, err)
	}
	var lines []string
	for v, err := range f.Iter(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(v.([]byte)))
	}
	if !slices.Equal(lines, []string{"l2\n", "l3\n"}) {
		t.Errorf("lines = %q", lines)
	}
	if _, err := f.CallMethod(ctx, "write", []byte("x")); !errors.Is(err, vinegar.ErrAttributeError) {
		t.Errorf("write on a reader: %v", err)
	}
	if names, err := f.Dir(ctx); err != nil || !slices.Contains(names, "readline") || slices.Contains(names, "write") {
		t.Errorf("dir = %v, %v", names, err)
	}
	if v, err := f.Enter(ctx); err != nil || v != any(f) {
		t.Errorf("enter = %v, %v", v, err)
	}
	if sup, err := f.Exit(ctx, nil); err != nil || sup {
		t.Errorf("exit = %v, %v", sup, err)
	}
	if _, err := f.CallMethod(ctx, "read"); !errors.Is(err, vinegar.ErrValueError) {
		t.Errorf("read after close: %v", err)
	}
}

// pairOf converts a two-value result.
func pairOf[A, B any](v any, err error) (A, B, error) {
	var a A
	var b B
	if err != nil {
		return a, b, err
	}
	t, ok := v.(brine.Tuple)
	if !ok || len(t) != 2 {
		return a, b, fmt.Errorf("not a pair: %v", v)
	}
	if a, err = As[A](t[0], nil); err != nil {
		return a, b, err
	}
	b, err = As[B](t[1], nil)
	return a, b, err
}
