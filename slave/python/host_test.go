package python

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Exceptions of Go modules in code: a module's class (declared with
// vinegar.NewClass, reached as a module attribute) matches in except
// clauses by vinegar's hierarchy, its instances carry their attributes,
// and Go errors become the Python exceptions rpyc sends for them.

var errFakeFailure = vinegar.MustClass("fakemod.Failure", vinegar.ErrOSError)

type fakeMod struct{}

// moduleHost serves one module, fakemod, with a class attribute and
// functions that fail.
type moduleHost struct{ printHost }

func (h *moduleHost) Import(_ context.Context, name string) (any, error) {
	if name == "fakemod" {
		return &fakeMod{}, nil
	}
	return nil, vinegar.New("ModuleNotFoundError", "No module named '"+name+"'")
}

func (h *moduleHost) GetAttr(_ context.Context, obj any, name string) (any, error) {
	if _, ok := obj.(*fakeMod); ok {
		if name == "Failure" {
			return errFakeFailure, nil
		}
		return &fakeMethod{name}, nil
	}
	return nil, vinegar.New("AttributeError", "no attribute "+name)
}

func (h *moduleHost) Call(ctx context.Context, fn any, args []any, kw rpyc.Kwargs) (any, error) {
	if m, ok := fn.(*fakeMethod); ok {
		return h.CallMethod(ctx, nil, m.name, args, kw)
	}
	return nil, vinegar.New("TypeError", "not callable")
}

// fakeMethod is a bound method of fakemod, as the engine's LocalGetattr
// gives one.
type fakeMethod struct{ name string }

func (h *moduleHost) CallMethod(_ context.Context, obj any, name string, args []any, kw rpyc.Kwargs) (any, error) {
	switch name {
	case "boom":
		return nil, errFakeFailure.New("went wrong").WithAttr("returncode", int64(3))
	case "missing":
		return nil, &fs.PathError{Op: "open", Path: "/nowhere", Err: syscall.ENOENT}
	case "plain":
		return nil, errors.New("a plain Go error")
	case "echo":
		return append(args, map[any]any{"z": int64(1), "a": int64(2)}), nil
	}
	return nil, vinegar.New("AttributeError", "no attribute "+name)
}

func TestModuleExceptions(t *testing.T) {
	h := &moduleHost{}
	in := New(&Options{Host: h})
	ctx := context.Background()
	code := `
import fakemod
from fakemod import Failure
out = []
try:
    fakemod.boom()
except fakemod.Failure as e:
    out.append((type(e).__name__, e.returncode, str(e), isinstance(e, OSError), e.args))
try:
    fakemod.boom()
except OSError as e:
    out.append(type(e) is Failure)
try:
    fakemod.missing()
except FileNotFoundError as e:
    out.append((e.errno, e.filename, e.strerror))
try:
    fakemod.plain()
except RuntimeError as e:
    out.append(str(e))
class Mine(Failure):
    pass
try:
    raise Mine("own", 1)
except fakemod.Failure as e:
    out.append(repr(e))
out.append(fakemod.echo([1, 2], {'k': (3,)}))
print(out)
`
	if err := in.Exec(ctx, code); err != nil {
		t.Fatalf("%+v", err)
	}
	want := "[('Failure', 3, 'went wrong', True, ('went wrong',)), True, (2, '/nowhere', 'No such file or directory'), 'a plain Go error', \"Mine('own', 1)\", [[1, 2], {'k': (3,)}, {'a': 2, 'z': 1}]]\n"
	if got := h.out.String(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}

	err := in.Exec(ctx, "fakemod.boom()")
	var e *vinegar.Exception
	if !errors.As(err, &e) || e.QualName() != "fakemod.Failure" {
		t.Fatalf("uncaught: %v, want fakemod.Failure", err)
	}
	if rc, _ := e.Attr("returncode"); rc != int64(3) {
		t.Errorf("returncode = %v, want 3", rc)
	}
	if !strings.HasSuffix(e.Traceback, "fakemod.Failure: went wrong\n") || !errors.Is(err, vinegar.ErrOSError) {
		t.Errorf("traceback %q or class (errors.Is OSError) wrong", e.Traceback)
	}
	err = in.Exec(ctx, "raise fakemod.Failure('from code')")
	if !errors.As(err, &e) || e.QualName() != "fakemod.Failure" || e.Args[0] != "from code" {
		t.Errorf("raised in code: %v, want fakemod.Failure('from code')", err)
	}
	err = in.Exec(ctx, "raise Mine('sub')")
	if !errors.As(err, &e) || e.QualName() != "builtins.Mine" {
		t.Errorf("class defined in code: %v (%s), want builtins.Mine as Python's server names it", err, e.QualName())
	}
}

// TestContextStopsCode: a loop stops when its request's context ends,
// whatever the code catches.
func TestContextStopsCode(t *testing.T) {
	in := New(nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- in.Exec(ctx, "while True:\n    try:\n        pass\n    except BaseException:\n        pass")
	}()
	cancel()
	err := <-done
	var e *vinegar.Exception
	if !errors.As(err, &e) || e.Name != "KeyboardInterrupt" {
		t.Errorf("got %v, want KeyboardInterrupt", err)
	}
}

// TestRecursionLimit: deep recursion in code, in repr and in equality is
// a RecursionError, never a Go stack overflow.
func TestRecursionLimit(t *testing.T) {
	in := New(nil)
	ctx := context.Background()
	for _, code := range []string{
		"def f(n):\n    return f(n + 1)\nf(0)",
		"x = []\nfor i in range(100000):\n    x = [x]\nrepr(x)",
		"a = []\nb = []\nfor i in range(100000):\n    a = [a]\n    b = [b]\na == b",
		"class C:\n    def __repr__(self):\n        return repr(self)\nrepr(C())",
	} {
		err := in.Exec(ctx, code)
		var e *vinegar.Exception
		if !errors.As(err, &e) || e.Name != "RecursionError" {
			t.Errorf("%q: got %v, want RecursionError", code, err)
		}
	}
}
