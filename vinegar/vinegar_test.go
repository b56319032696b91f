package vinegar

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

// loadResult is what the vector generator recorded about vinegar.load.
type loadResult struct {
	TypeName     string            `json:"type_name"`
	TypeModule   string            `json:"type_module"`
	MRO          []string          `json:"mro"`
	IsGeneric    bool              `json:"is_GenericException"`
	Args         string            `json:"args"`
	Attrs        map[string]string `json:"attrs"`
	StrFirstLine string            `json:"str_first_line"`
	HasBanner    bool              `json:"str_has_remote_traceback_banner"`
	RemoteTBText *string           `json:"remote_tb_text"`
	IsClass      bool              `json:"is_class"`
	Class        string            `json:"class"`
	IsStr        bool              `json:"is_str"`
	Value        string            `json:"value"`
	HasRemoteTB  bool              `json:"has__remote_tb"`
}

type vinegarVector struct {
	Name        string          `json:"name"`
	BrineHex    string          `json:"brine_hex"`
	LoadDefault loadResult      `json:"load_default"`
	Differs6    json.RawMessage `json:"differs_6"`
}

func readVectors(t *testing.T) []vinegarVector {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "testdata", "vectors", "vinegar.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []vinegarVector
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v vinegarVector
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) != 41 {
		t.Fatalf("read %d vectors, want 41", len(out))
	}
	return out
}

func decodeHex(t *testing.T, s string) (raw []byte, payload any) {
	t.Helper()
	raw, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	payload, err = brine.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return raw, payload
}

// TestVectorsLoad replays every vector through Load with the two local
// versions the vectors were recorded with (5.3.0 for load_default, 6.0.1
// for differs_6) and checks what Python's loader produced.
func TestVectorsLoad(t *testing.T) {
	for _, v := range readVectors(t) {
		_, payload := decodeHex(t, v.BrineHex)
		want6 := v.LoadDefault
		if string(v.Differs6) != "false" {
			var d struct {
				LoadDefault loadResult `json:"load_default"`
			}
			if err := json.Unmarshal(v.Differs6, &d); err != nil {
				t.Fatal(err)
			}
			want6 = d.LoadDefault
		}
		for _, c := range []struct {
			local string
			want  loadResult
		}{{"5.3.0", v.LoadDefault}, {"6.0.1", want6}} {
			t.Run(v.Name+"/local="+c.local, func(t *testing.T) {
				checkLoaded(t, payload, c.local, Load(payload, LoadOptions{LocalVersion: c.local}), c.want)
			})
		}
	}
}

func checkLoaded(t *testing.T, payload any, local string, err error, want loadResult) {
	t.Helper()
	var e *Exception
	if !errors.As(err, &e) {
		t.Fatalf("Load gave %T %v, want *Exception", err, err)
	}
	switch {
	case want.IsClass:
		if want.Class != "StopIteration" || e.QualName() != "builtins.StopIteration" || len(e.Args) != 0 {
			t.Fatalf("got %s%s, want %s", e.QualName(), brine.Repr(e.Args), want.Class)
		}
		if !errors.Is(err, ErrStopIteration) || !errors.Is(err, ErrException) {
			t.Fatal("StopIteration does not match its sentinels")
		}
		return
	case want.IsStr:
		if e.QualName() != "builtins.Exception" || len(e.Args) != 1 || e.Args[0] != want.Value {
			t.Fatalf("got %s%s, want Exception(%q)", e.QualName(), brine.Repr(e.Args), want.Value)
		}
		return
	}

	if want.IsGeneric {
		if e.IsBuiltin() || e.QualName() != want.TypeName {
			t.Errorf("got %s (builtin %v), want non-builtin %s", e.QualName(), e.IsBuiltin(), want.TypeName)
		}
		if want.TypeModule != "rpyc.core.vinegar/"+e.Module {
			t.Errorf("module %q does not fit %q", e.Module, want.TypeModule)
		}
		if !errors.Is(err, ErrException) || !errors.Is(err, ErrBaseException) || errors.Is(err, ErrValueError) {
			t.Error("a GenericException must match Exception and BaseException only")
		}
	} else {
		if !e.IsBuiltin() || e.Module != want.TypeModule || e.Name != want.TypeName {
			t.Errorf("got %s (builtin %v), want builtin %s.%s", e.QualName(), e.IsBuiltin(), want.TypeModule, want.TypeName)
		}
		// Python's mro lists the made-up subclass, then the real
		// class and its ancestors; ours must be the same chain.
		var chain []string
		c, _ := e.Class()
		for k := c; k != nil; k = k.Parent() {
			chain = append(chain, k.QualName())
			if !errors.Is(err, k) {
				t.Errorf("errors.Is(%s, Err%s) is false", e.Name, k.Name())
			}
		}
		chain = append(chain, "builtins.object")
		if got, wantMRO := strings.Join(chain, " "), strings.Join(want.MRO[1:], " "); got != wantMRO {
			t.Errorf("class chain %s, want %s", got, wantMRO)
		}
		if e.Name != "ValueError" && errors.Is(err, ErrValueError) {
			t.Error("matches ValueError")
		}
	}

	if got := brine.Repr(e.Args); got != want.Args {
		t.Errorf("args %s, want %s", got, want.Args)
	}
	for k, wv := range want.Attrs {
		if k == remoteVersionAttr {
			if got := brine.Repr(e.RemoteVersion); got != wv {
				t.Errorf("remote version %s, want %s", got, wv)
			}
			continue
		}
		got, ok := e.Attr(k)
		if !ok || brine.Repr(got) != wv {
			t.Errorf("attr %s = %s (present %v), want %s", k, brine.Repr(got), ok, wv)
		}
	}
	if _, ok := want.Attrs[remoteVersionAttr]; !ok && e.RemoteVersion != "" {
		t.Errorf("remote version %q, want none", e.RemoteVersion)
	}
	if _, ok := e.Attr(remoteVersionAttr); ok {
		t.Error("_remote_version left in Attrs")
	}

	// The traceback: the text sent, plus the version warning if any.
	sentTB := payload.(brine.Tuple)[3].(string)
	wantTB := sentTB
	if want.RemoteTBText != nil {
		wantTB = *want.RemoteTBText
	} else if rv := e.RemoteVersion; rv != "" && rv != versionDenied && rv[:2] != local[:2] {
		// differs_6 blanks version strings, so the warning a 6.0.1
		// loader adds for a 5.3.0 sender is not recorded for these
		// lines; it is for the crafted ones, in the same form.
		wantTB += "\nWARNING: Remote is on RPyC " + rv + " and local is on RPyC " + local + ".\n\n"
	}
	if e.Traceback != wantTB {
		t.Errorf("traceback %q, want %q", e.Traceback, wantTB)
	}
	if want.HasBanner != strings.Contains(e.Detail(), "\n\n========= Remote Traceback (1) =========\n"+wantTB) {
		t.Errorf("banner presence wrong in %q", e.Detail())
	}
	if strings.Contains(e.Error(), "\n") {
		t.Errorf("Error() spans lines: %q", e.Error())
	}

	// Python prints "-> None" for an OSError whose filename2 was set to
	// None by the loader; Go follows Python's normal rule and leaves an
	// absent second filename out, so only the part before it is compared.
	wantStr := want.StrFirstLine
	if c, _ := e.Class(); c.IsSubclassOf(ErrOSError) {
		wantStr = strings.TrimSuffix(wantStr, " -> None")
	}
	if got := e.Str(); got != wantStr {
		t.Errorf("Str() = %q, want %q", got, wantStr)
	}
}

// TestVectorsDump rebuilds each exception from Go (New and WithAttr fed
// the vector's class, args, attributes, traceback and version) and checks
// Dump re-encodes to the recorded bytes. The add_note attribute of Python
// 3.11 (a method repr with a memory address) is just another string attr
// here, so those lines compare exactly. Not compared: the crafted payloads
// without a _remote_version pair, because Dump always appends one, as rpyc
// does.
func TestVectorsDump(t *testing.T) {
	compared := 0
	for _, v := range readVectors(t) {
		raw, payload := decodeHex(t, v.BrineHex)
		t.Run(v.Name, func(t *testing.T) {
			var err error
			var opts DumpOptions
			switch p := payload.(type) {
			case int64:
				err = fmt.Errorf("generator done: %w", New("StopIteration", int64(5)))
			case string:
				t.Skip("a bare string is not something Dump produces")
			case brine.Tuple:
				head := p[0].(brine.Tuple)
				e := New(head[0].(string)+"."+head[1].(string), p[1].(brine.Tuple)...)
				version, hasVersion := "", false
				for _, item := range p[2].(brine.Tuple) {
					pair := item.(brine.Tuple)
					if pair[0] == remoteVersionAttr {
						version, hasVersion = pair[1].(string), true
						continue
					}
					e.WithAttr(pair[0].(string), pair[1])
				}
				if !hasVersion {
					t.Skip("no _remote_version in the payload; Dump always sends one")
				}
				tb := p[3].(string)
				opts = DumpOptions{
					IncludeTraceback: tb != tracebackDenied, Traceback: tb,
					IncludeVersion: version != versionDenied, Version: version,
				}
				err = e
			}
			got, encErr := brine.Encode(Dump(err, opts))
			if encErr != nil {
				t.Fatal(encErr)
			}
			if !bytes.Equal(got, raw) {
				t.Fatalf("Dump encodes to\n%x\nwant\n%x", got, raw)
			}
			compared++
		})
	}
	if compared < 35 {
		t.Errorf("only %d vectors byte-compared", compared)
	}
}

// TestLoadMalformed feeds payloads no rpyc peer would send: each must give
// an error matching ErrMalformed, and nothing may panic.
func TestLoadMalformed(t *testing.T) {
	cls := brine.Tuple{"builtins", "ValueError"}
	for _, p := range []any{
		nil,
		int64(0),
		int64(2),
		false,
		3.5,
		brine.Tuple{},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{}},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{}, "tb", "extra"},
		brine.Tuple{brine.Tuple{int64(1), int64(2)}, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{brine.Tuple{"builtins"}, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{brine.Tuple{"builtins", nil}, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{brine.Tuple{"", "X"}, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{brine.Tuple{"m", ""}, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{"builtins.ValueError", brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{nil, brine.Tuple{}, brine.Tuple{}, "tb"},
		brine.Tuple{cls, "bad", brine.Tuple{}, "tb"},
		brine.Tuple{cls, nil, brine.Tuple{}, "tb"},
		brine.Tuple{cls, brine.Tuple{}, nil, "tb"},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{"notapair"}, "tb"},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{brine.Tuple{"a"}}, "tb"},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{brine.Tuple{"a", 1, 2}}, "tb"},
		brine.Tuple{cls, brine.Tuple{}, brine.Tuple{brine.Tuple{int64(5), "v"}}, "tb"},
		brine.FrozenSet{int64(1)},
		brine.Slice{},
		brine.Ellipsis,
		big.NewInt(7),
		(*big.Int)(nil),
		struct{}{},
	} {
		err := Load(p, LoadOptions{LocalVersion: "6.0.1"})
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("Load(%s) = %v, want ErrMalformed", brine.Repr(p), err)
		} else if strings.TrimSpace(strings.TrimPrefix(err.Error(), ErrMalformed.Error()+":")) == "" {
			t.Errorf("Load(%s): message %q names no problem", brine.Repr(p), err)
		}
	}
}

// TestLoadLenient covers payloads Python accepts that are unusual.
func TestLoadLenient(t *testing.T) {
	for _, c := range []struct {
		name    string
		payload any
		check   func(*Exception) bool
	}{
		{"stop-true", true, func(e *Exception) bool { return e.Name == "StopIteration" }},
		{"stop-bigint", big.NewInt(1), func(e *Exception) bool { return e.Name == "StopIteration" }},
		{"stop-float", 1.0, func(e *Exception) bool { return e.Name == "StopIteration" }},
		{"bytes-string", []byte("old"), func(e *Exception) bool { return e.QualName() == "builtins.Exception" && e.Args[0] == "old" }},
		{"bytes-names", brine.Tuple{brine.Tuple{[]byte("builtins"), []byte("KeyError")}, brine.Tuple{"k"},
			brine.Tuple{brine.Tuple{[]byte("x"), int64(1)}}, []byte("tb")},
			func(e *Exception) bool {
				v, ok := e.Attr("x")
				return e.Name == "KeyError" && errors.Is(e, ErrLookupError) && ok && v == int64(1) && e.Traceback == "tb"
			}},
		{"none-traceback", brine.Tuple{brine.Tuple{"builtins", "ValueError"}, brine.Tuple{}, brine.Tuple{}, nil},
			func(e *Exception) bool { return e.Traceback == "" && e.Error() == "ValueError" }},
		{"int-version", brine.Tuple{brine.Tuple{"builtins", "ValueError"}, brine.Tuple{},
			brine.Tuple{brine.Tuple{"_remote_version", int64(4)}}, "tb"},
			func(e *Exception) bool { return e.RemoteVersion == "4" && strings.Contains(e.Traceback, "WARNING") }},
		{"go-slices", []any{[]any{"m", "E"}, brine.Tuple{}, []any{}, "tb"},
			func(e *Exception) bool { return e.QualName() == "m.E" }},
	} {
		err := Load(c.payload, LoadOptions{LocalVersion: "6.0.1"})
		var e *Exception
		if !errors.As(err, &e) || !c.check(e) {
			t.Errorf("%s: Load gave %#v", c.name, err)
		}
	}
}

func TestVersionWarning(t *testing.T) {
	p := func(v any) any {
		return brine.Tuple{brine.Tuple{"builtins", "ValueError"}, brine.Tuple{"x"},
			brine.Tuple{brine.Tuple{"_remote_version", v}}, "tb"}
	}
	for _, c := range []struct {
		remote any
		local  string
		warn   bool
	}{
		{"5.3.0", "6.0.1", true},
		{"6.0.1", "6.2.0", false},
		{"<version denied>", "6.0.1", false},
		{"4.1.0", "", false},
	} {
		e := Load(p(c.remote), LoadOptions{LocalVersion: c.local}).(*Exception)
		want := "tb"
		if c.warn {
			want += fmt.Sprintf("\nWARNING: Remote is on RPyC %s and local is on RPyC %s.\n\n", c.remote, c.local)
		}
		if e.Traceback != want {
			t.Errorf("remote %v local %q: traceback %q, want %q", c.remote, c.local, e.Traceback, want)
		}
	}
}

// timeoutErr is a Go error that reports a timeout the way net.Error does.
type timeoutErr struct{}

func (timeoutErr) Error() string { return "i/o timeout" }
func (timeoutErr) Timeout() bool { return true }

// dumped decodes Dump's result into its parts, checking it encodes.
func dumped(t *testing.T, err error, opts DumpOptions) (qual string, args brine.Tuple, attrs brine.Tuple, tb string) {
	t.Helper()
	v := Dump(err, opts)
	b, encErr := brine.Encode(v)
	if encErr != nil {
		t.Fatalf("Dump(%v) does not encode: %v", err, encErr)
	}
	back, decErr := brine.Decode(b)
	if decErr != nil {
		t.Fatal(decErr)
	}
	p, ok := back.(brine.Tuple)
	if !ok {
		t.Fatalf("Dump(%v) = %s, want a tuple", err, brine.Repr(back))
	}
	head := p[0].(brine.Tuple)
	return head[0].(string) + "." + head[1].(string), p[1].(brine.Tuple), p[2].(brine.Tuple), p[3].(string)
}

func TestDumpGoErrors(t *testing.T) {
	full := DumpOptions{IncludeTraceback: true, IncludeVersion: true, Version: "6.0.1"}
	for _, c := range []struct {
		err  error
		qual string
		args string
	}{
		{fmt.Errorf("load config: %w", os.ErrNotExist), "builtins.FileNotFoundError", "('load config: file does not exist',)"},
		{fs.ErrExist, "builtins.FileExistsError", "('file already exists',)"},
		{fmt.Errorf("x: %w", fs.ErrPermission), "builtins.PermissionError", "('x: permission denied',)"},
		{context.DeadlineExceeded, "builtins.TimeoutError", "('context deadline exceeded',)"},
		{fmt.Errorf("read: %w", os.ErrDeadlineExceeded), "builtins.TimeoutError", "('read: i/o timeout',)"},
		{timeoutErr{}, "builtins.TimeoutError", "('i/o timeout',)"},
		{io.EOF, "builtins.EOFError", "('EOF',)"},
		{io.ErrUnexpectedEOF, "builtins.EOFError", "('unexpected EOF',)"},
		{fmt.Errorf("op: %w", errors.ErrUnsupported), "builtins.NotImplementedError", "('op: unsupported operation',)"},
		{errors.New("boom"), "builtins.RuntimeError", "('boom',)"},
		{context.Canceled, "builtins.RuntimeError", "('context canceled',)"},
		{ErrValueError, "builtins.ValueError", "()"},
		{fmt.Errorf("no key %q: %w", "k", ErrKeyError), "builtins.KeyError", `('no key "k": KeyError',)`},
		{fmt.Errorf("ctx: %w", New("ValueError", "bad")), "builtins.ValueError", "('bad',)"},
		{New("conformance.CustomError", "msg", 3), "conformance.CustomError", "('msg', 3)"},
		{Errorf("TypeError", "want %d, got %w", 2, io.EOF), "builtins.TypeError", "('want 2, got EOF',)"},
		{nil, "builtins.SystemError", "('vinegar.Dump called with a nil error',)"},
	} {
		qual, args, attrs, tb := dumped(t, c.err, full)
		if qual != c.qual || brine.Repr(args) != c.args {
			t.Errorf("Dump(%v) = %s%s, want %s%s", c.err, qual, brine.Repr(args), c.qual, c.args)
		}
		last := attrs[len(attrs)-1].(brine.Tuple)
		if last[0] != "_remote_version" || last[1] != "6.0.1" {
			t.Errorf("Dump(%v): last attr %s", c.err, brine.Repr(last))
		}
		if !strings.HasPrefix(tb, "Traceback (most recent call last):\n") || !strings.HasSuffix(tb, "\n") {
			t.Errorf("Dump(%v): traceback %q", c.err, tb)
		}
	}
}

func TestDumpFileAttrs(t *testing.T) {
	err := fmt.Errorf("setup: %w", &fs.PathError{Op: "open", Path: "/x", Err: fs.ErrNotExist})
	qual, _, attrs, tb := dumped(t, err, DumpOptions{IncludeTraceback: true})
	if qual != "builtins.FileNotFoundError" {
		t.Fatal(qual)
	}
	want := "(('_remote_version', '<version denied>'),)"
	if got := brine.Repr(attrs); got != want {
		t.Errorf("attrs %s, want %s", got, want)
	}
	for _, s := range []string{"*fmt.wrapError: setup: open /x: file does not exist", "*fs.PathError: open /x", "\nFileNotFoundError: setup: open /x: file does not exist\n"} {
		if !strings.Contains(tb, s) {
			t.Errorf("traceback lacks %q:\n%s", s, tb)
		}
	}
}

func TestDumpStopIteration(t *testing.T) {
	for _, err := range []error{
		ErrStopIteration,
		New("StopIteration", int64(5)),
		fmt.Errorf("iter: %w", ErrStopIteration),
		Load(int64(1), LoadOptions{}),
	} {
		if got := Dump(err, DumpOptions{}); got != int64(1) {
			t.Errorf("Dump(%v) = %s, want 1", err, brine.Repr(got))
		}
	}
	// A class named StopIteration in another module is not Python's.
	if got := Dump(New("mymod.StopIteration"), DumpOptions{}); got == int64(1) {
		t.Error("mymod.StopIteration dumped as StopIteration")
	}
}

func TestDumpFlagsAndValues(t *testing.T) {
	e := New("ValueError", []int{1, 2}, map[string]int{"a": 1}, int64(3), "s", brine.Tuple{"ok", struct{ X int }{7}}).
		WithAttr("code", 42).
		WithAttr("detail", []string{"p"}).
		WithAttr("_hidden", 1).
		WithAttr("args", "no").
		WithAttr("with_traceback", "no").
		WithAttr(remoteVersionAttr, "9.9.9")
	qual, args, attrs, tb := dumped(t, e, DumpOptions{Version: "6.0.1", Traceback: "secret"})
	if qual != "builtins.ValueError" {
		t.Fatal(qual)
	}
	if got, want := brine.Repr(args), `('[1 2]', 'map[a:1]', 3, 's', "('ok', {7})")`; got != want {
		t.Errorf("args %s, want %s", got, want)
	}
	if got, want := brine.Repr(attrs), "(('code', 42), ('detail', '[p]'), ('_remote_version', '<version denied>'))"; got != want {
		t.Errorf("attrs %s, want %s", got, want)
	}
	if tb != "<traceback denied>" {
		t.Errorf("traceback %q", tb)
	}

	// With the flags on, the given text and version travel; with no text
	// Dump writes one ending like Python's last line.
	_, _, attrs, tb = dumped(t, New("KeyError", "k"), DumpOptions{IncludeTraceback: true, IncludeVersion: true, Version: "6.0.1", Traceback: "given\n"})
	if tb != "given\n" || brine.Repr(attrs) != "(('_remote_version', '6.0.1'),)" {
		t.Errorf("got tb %q attrs %s", tb, brine.Repr(attrs))
	}
	_, _, _, tb = dumped(t, New("KeyError", "k"), DumpOptions{IncludeTraceback: true})
	if tb != "Traceback (most recent call last):\n  raised by Go code\nKeyError: 'k'\n" {
		t.Errorf("generated traceback %q", tb)
	}

	// Text brine cannot carry (invalid UTF-8) is repaired, never refused.
	bad := &Exception{Module: "m\xff", Name: "E\xfe", Args: brine.Tuple{"a\xff"}, Attrs: []Attr{{"n\xff", "v"}}}
	qual, args, _, _ = dumped(t, bad, DumpOptions{IncludeTraceback: true, Traceback: "t\xff"})
	if qual != "m\uFFFD.E\uFFFD" || len(args) != 1 {
		t.Errorf("got %s%s", qual, brine.Repr(args))
	}
	// The zero Exception is builtins.Exception().
	if qual, _, _, _ = dumped(t, &Exception{}, DumpOptions{}); qual != "builtins.Exception" {
		t.Errorf("zero Exception dumps as %s", qual)
	}
}

// TestRoundTrip sends Go-made exceptions through Dump, brine and Load.
func TestRoundTrip(t *testing.T) {
	for _, e := range []*Exception{
		New("ValueError", "bad"),
		New("conformance.CustomError", "msg", int64(2)).WithAttr("code", int64(42)).WithAttr("tags", brine.Tuple{"a", "b"}),
		New("OSError", int64(5), "Input/output error").WithAttr("errno", int64(5)).WithAttr("strerror", "Input/output error"),
		New("KeyError", brine.Tuple{int64(1), "x"}),
	} {
		b, err := brine.Encode(Dump(e, DumpOptions{IncludeTraceback: true, Traceback: "tb\n", IncludeVersion: true, Version: "6.0.1"}))
		if err != nil {
			t.Fatal(err)
		}
		v, err := brine.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		var got *Exception
		if !errors.As(Load(v, LoadOptions{LocalVersion: "6.0.1"}), &got) {
			t.Fatal("not an *Exception")
		}
		if got.QualName() != e.QualName() || brine.Repr(got.Args) != brine.Repr(e.Args) ||
			fmt.Sprint(got.Attrs) != fmt.Sprint(e.Attrs) || got.Traceback != "tb\n" || got.RemoteVersion != "6.0.1" {
			t.Errorf("round trip of %s gave %#v", e.Summary(), got)
		}
		if !errors.Is(got, e) {
			t.Errorf("%s does not match its class after the trip", e.QualName())
		}
	}
}

func TestErrorText(t *testing.T) {
	for _, c := range []struct {
		e    *Exception
		want string
	}{
		{New("ValueError", "bad"), "ValueError: bad"},
		{New("ValueError"), "ValueError"},
		{New("ValueError", int64(3)), "ValueError: 3"},
		{New("ValueError", "a", int64(1)), "ValueError: ('a', 1)"},
		{New("KeyError", "k"), "KeyError: 'k'"},
		{New("conformance.CustomError", "msg"), "conformance.CustomError: msg"},
		{New("builtins.int", "x"), "builtins.int: x"},
		{New("FileNotFoundError", int64(2), "No such file or directory").WithAttr("filename", "/f"),
			"FileNotFoundError: [Errno 2] No such file or directory: '/f'"},
		{New("OSError", int64(1), "e", "a", nil, "b"), "OSError: [Errno 1] e: 'a' -> 'b'"},
		{New("PermissionError", "plain"), "PermissionError: plain"},
		{&Exception{Name: "TypeError", Args: brine.Tuple{"t"}, Traceback: "Traceback...\n"}, "TypeError: t"},
		{New("ValueError", "two\nlines"), `ValueError: two\nlines`},
		{&Exception{}, "Exception"},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
		if got := fmt.Sprintf("%v", c.e); got != c.want {
			t.Errorf("%%v = %q, want %q", got, c.want)
		}
	}
}

// TestDetailText: the traceback stays reachable through Detail and %+v,
// with banners numbered as a Python client numbers them.
func TestDetailText(t *testing.T) {
	for _, c := range []struct {
		e    *Exception
		want string
	}{
		{New("ValueError", "bad"), "ValueError: bad"},
		{&Exception{Name: "TypeError", Args: brine.Tuple{"t"}, Traceback: "Traceback...\n"},
			"TypeError: t\n\n========= Remote Traceback (1) =========\nTraceback...\n"},
		{&Exception{Name: "TypeError", Traceback: "x\n\n========= Remote Traceback (1) =========\ny"},
			"TypeError\n\n========= Remote Traceback (2) =========\nx\n\n========= Remote Traceback (1) =========\ny"},
	} {
		if got := c.e.Detail(); got != c.want {
			t.Errorf("Detail() = %q, want %q", got, c.want)
		}
		if got := fmt.Sprintf("%+v", c.e); got != c.want {
			t.Errorf("%%+v = %q, want %q", got, c.want)
		}
		wrapped := fmt.Errorf("call add: %w", c.e)
		if got, want := wrapped.Error(), "call add: "+c.e.Error(); got != want {
			t.Errorf("wrapped = %q, want %q", got, want)
		}
	}
}

func TestIsHierarchy(t *testing.T) {
	key := New("KeyError", "k")
	for _, c := range []struct {
		err    error
		target error
		want   bool
	}{
		{key, ErrKeyError, true},
		{key, ErrLookupError, true},
		{key, ErrException, true},
		{key, ErrBaseException, true},
		{key, ErrIndexError, false},
		{key, ErrValueError, false},
		{New("IOError", "x"), ErrOSError, true},
		{New("KeyboardInterrupt"), ErrException, false},
		{New("KeyboardInterrupt"), ErrBaseException, true},
		{New("ExceptionGroup", "g", brine.Tuple{}), ErrException, true},
		{New("ExceptionGroup", "g", brine.Tuple{}), ErrBaseExceptionGroup, true},
		{New("UserWarning", "w"), ErrWarning, true},
		{New("conformance.CustomError"), ErrException, true},
		{New("conformance.CustomError"), ErrBaseException, true},
		{New("conformance.CustomError"), ErrRuntimeError, false},
		{New("builtins.int"), ErrException, true},
		{New("builtins.int"), ErrTypeError, false},
		{New("conformance.CustomError", "a"), New("conformance.CustomError", "b"), true},
		{New("conformance.CustomError"), New("conformance.Other"), false},
		{New("conformance.LookupError"), ErrLookupError, false},
		{key, New("LookupError"), true},
		{New("LookupError"), key, false},
		{fmt.Errorf("w: %w", ErrKeyError), ErrLookupError, true},
		{ErrLookupError, ErrKeyError, false},
		{Errorf("ValueError", "read: %w", io.EOF), io.EOF, true},
		{Errorf("ValueError", "%w and %w", io.EOF, fs.ErrExist), fs.ErrExist, true},
		{&Exception{Name: "ValueError", Cause: os.ErrClosed}, os.ErrClosed, true},
	} {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("errors.Is(%v, %v) = %v, want %v", c.err, c.target, got, c.want)
		}
	}
}

func TestBuiltinTable(t *testing.T) {
	if len(builtinTable) < 70 {
		t.Errorf("only %d builtin names", len(builtinTable))
	}
	for name, c := range builtinTable {
		got, ok := Builtin(name)
		if !ok || got != c || !c.IsSubclassOf(ErrBaseException) {
			t.Errorf("Builtin(%q) broken", name)
		}
		if name == c.Name() && (c.Error() != name || c.QualName() != "builtins."+name || !New(name).IsBuiltin()) {
			t.Errorf("%s: names wrong", name)
		}
	}
	if c, ok := Builtin("EnvironmentError"); !ok || c != ErrOSError {
		t.Error("EnvironmentError is not OSError")
	}
	for _, name := range []string{"int", "object", "GenericException", ""} {
		if _, ok := Builtin(name); ok {
			t.Errorf("Builtin(%q) found", name)
		}
	}
	if ErrBaseException.Parent() != nil || ErrTabError.Parent() != ErrIndentationError {
		t.Error("parents wrong")
	}
	if ErrValueError.New("x").Summary() != "ValueError: x" {
		t.Error("Class.New")
	}
}

func TestAttrs(t *testing.T) {
	e := New("ValueError").WithAttr("a", 1).WithAttr("b", 2).WithAttr("a", 3)
	if fmt.Sprint(e.Attrs) != "[{a 3} {b 2}]" {
		t.Errorf("attrs %v", e.Attrs)
	}
	if v, ok := e.Attr("b"); !ok || v != 2 {
		t.Error("Attr(b)")
	}
	if _, ok := e.Attr("c"); ok {
		t.Error("Attr(c) found")
	}
	e2 := Errorf("x.Y", "n=%d", 4)
	if e2.Module != "x" || e2.Name != "Y" || e2.Args[0] != "n=4" || e2.Cause != nil || e2.Unwrap() != nil {
		t.Errorf("Errorf gave %#v", e2)
	}
}

// FuzzLoad checks that no brine value makes Load panic and that whatever
// Load accepts can be dumped and encoded again.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"1311080e086275696c74696e73080e0a56616c75654572726f7210080a781011080e0f5f72656d6f74655f76657273696f6e080e05342e312e30080b7462",
		"1311080e126e6f5f737563685f6d6f64756c655f78797a080d426f6f6d10080a781011080e0f5f72656d6f74655f76657273696f6e080e05352e332e30080e0e72656d6f74652074622074657874",
		"080e1a6f6c64207374796c6520737472696e6720657863657074696f6e",
	} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := brine.Decode(data)
		if err != nil {
			return
		}
		got := Load(v, LoadOptions{LocalVersion: "6.0.1"})
		if got == nil {
			t.Fatal("Load returned nil")
		}
		_ = got.Error()
		var e *Exception
		if errors.As(got, &e) {
			if _, err := brine.Encode(Dump(e, DumpOptions{IncludeTraceback: true, IncludeVersion: true})); err != nil {
				t.Fatal(err)
			}
		} else if !errors.Is(got, ErrMalformed) {
			t.Fatalf("Load gave %T", got)
		}
	})
}
