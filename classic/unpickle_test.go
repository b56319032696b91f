package classic

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/brine"
)

// pickleCase is one line of testdata/unpickle/pickles.json: a pickle
// CPython wrote and CPython's repr of what it reads back as.
type pickleCase struct {
	Name     string `json:"name"`
	Protocol int    `json:"protocol"`
	Pickle   string `json:"pickle"`
	Repr     string `json:"repr"`
}

func pickleCases(t testing.TB) []pickleCase {
	t.Helper()
	f, err := os.Open("testdata/unpickle/pickles.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []pickleCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var c pickleCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// reprOf is a container reprBuilder built: its Python repr.
type reprOf string

// reprBuilder builds Python reprs, so a decoded pickle compares with
// CPython's repr of the same pickle read back: same values, same order.
type reprBuilder struct{}

func itemReprs(items []any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		if r, ok := it.(reprOf); ok {
			out[i] = string(r)
		} else {
			out[i] = brine.Repr(it)
		}
	}
	return out
}

func (reprBuilder) List(items []any) (any, error) {
	return reprOf("[" + strings.Join(itemReprs(items), ", ") + "]"), nil
}

func (reprBuilder) Tuple(items []any) (any, error) {
	s := itemReprs(items)
	if len(s) == 1 {
		return reprOf("(" + s[0] + ",)"), nil
	}
	return reprOf("(" + strings.Join(s, ", ") + ")"), nil
}

func (reprBuilder) Dict(keys, values []any) (any, error) {
	ks, vs := itemReprs(keys), itemReprs(values)
	var order []string
	val := map[string]string{}
	for i, k := range ks {
		if _, seen := val[k]; !seen {
			order = append(order, k)
		}
		val[k] = vs[i]
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = k + ": " + val[k]
	}
	return reprOf("{" + strings.Join(parts, ", ") + "}"), nil
}

func (reprBuilder) Set(items []any) (any, error) {
	if len(items) == 0 {
		return reprOf("set()"), nil
	}
	return reprOf("{" + strings.Join(itemReprs(items), ", ") + "}"), nil
}

func (reprBuilder) FrozenSet(items []any) (any, error) {
	if len(items) == 0 {
		return reprOf("frozenset()"), nil
	}
	return reprOf("frozenset({" + strings.Join(itemReprs(items), ", ") + "})"), nil
}

func (reprBuilder) ByteArray(b []byte) (any, error) {
	return reprOf("bytearray(" + brine.Repr(b) + ")"), nil
}

func decodeCase(t *testing.T, c pickleCase) []byte {
	t.Helper()
	data, err := hex.DecodeString(c.Pickle)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestUnpickleMatchesCPython decodes every pickle of the table (each
// value in every protocol 0-5, as CPython writes them) and compares
// with CPython's repr of the value read back: the same values, dict keys
// and set items in the same order.
func TestUnpickleMatchesCPython(t *testing.T) {
	cases := pickleCases(t)
	if len(cases) < 100 {
		t.Fatalf("got %d cases from the table, want the whole table", len(cases))
	}
	for _, c := range cases {
		u := &Unpickler{Builder: reprBuilder{}}
		v, err := u.Unpickle(decodeCase(t, c))
		if err != nil {
			t.Errorf("%s protocol %d: %v", c.Name, c.Protocol, err)
			continue
		}
		got, ok := v.(reprOf)
		if !ok {
			got = reprOf(brine.Repr(v))
		}
		if string(got) != c.Repr {
			t.Errorf("%s protocol %d:\n got  %.300s\n want %.300s", c.Name, c.Protocol, got, c.Repr)
		}
	}
}

// TestUnpickleGoValues decodes the table with the default builder: Go
// maps and slices, except where a Go map cannot hold a key.
func TestUnpickleGoValues(t *testing.T) {
	for _, c := range pickleCases(t) {
		v, err := Unpickle(decodeCase(t, c))
		if c.Name == "dict_mixed_keys" {
			if !errors.Is(err, ErrNotPlainData) {
				t.Errorf("%s protocol %d: got %v, want ErrNotPlainData (tuple and bytes keys)", c.Name, c.Protocol, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s protocol %d: %v", c.Name, c.Protocol, err)
			continue
		}
		switch c.Name {
		case "dict_order":
			m, ok := v.(map[any]any)
			if !ok || len(m) != 4 || m["z"] != int64(1) {
				t.Errorf("%s protocol %d: got %#v, want map z:1 a:2 m:3 b:4", c.Name, c.Protocol, v)
			}
		case "sets":
			l := v.([]any)
			if s, ok := l[2].(Set); !ok || len(s) != 3 {
				t.Errorf("%s protocol %d: got %#v, want a Set of 3", c.Name, c.Protocol, l[2])
			}
		case "int64_edges":
			l := v.([]any)
			if l[0] != int64(1<<63-1) || l[1] != int64(-1<<63) {
				t.Errorf("%s protocol %d: got %v, want int64 edges as int64", c.Name, c.Protocol, l)
			}
			if b, ok := l[2].(*big.Int); !ok || b.String() != "9223372036854775808" {
				t.Errorf("%s protocol %d: got %v, want 2**63 as *big.Int", c.Name, c.Protocol, l[2])
			}
		case "shared":
			// One list in the pickle is one Go slice, not copies.
			l := v.([]any)
			a, b := l[0].([]any), l[1].([]any)
			if &a[0] != &b[0] {
				t.Errorf("%s protocol %d: the shared list came back as two copies", c.Name, c.Protocol)
			}
		case "bytearrays":
			l := v.([]any)
			if b, ok := l[1].([]byte); !ok || !bytes.Equal(b, []byte("ab\x00\xff")) {
				t.Errorf("%s protocol %d: got %#v, want []byte ab\\x00\\xff", c.Name, c.Protocol, l[1])
			}
		}
	}
}

// TestPickleTableIsCPython re-makes the table with CPython when there is
// one and checks the committed file is what it writes.
func TestPickleTableIsCPython(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3 to check the pickle table against")
	}
	cmd := exec.Command(py, "testdata/unpickle/gen.py")
	cmd.Env = append(os.Environ(), "PYTHONHASHSEED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/unpickle/pickles.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, want) {
		t.Errorf("testdata/unpickle/pickles.json is stale: regenerate with PYTHONHASHSEED=0 %s testdata/unpickle/gen.py > testdata/unpickle/pickles.json", py)
	}
}

// TestUnpicklePython2 reads the opcodes only Python 2 wrote (quoted and
// counted str), with each encoding Python 3's loads offers.
func TestUnpicklePython2(t *testing.T) {
	cases := []struct {
		data, encoding string
		want           any
	}{
		{"S'abc'\np0\n.", "", "abc"},
		{"S\"a\\x41\\n\\'\\101\\\\\"\n.", "", "aA\n'A\\"},
		{"U\x03abc.", "", "abc"},
		{"T\x02\x00\x00\x00hi.", "", "hi"},
		{"U\x01\xe9.", "latin1", "é"},
		{"U\x02\xc3\xa9.", "utf-8", "é"},
		{"U\x01\xe9.", "bytes", []byte{0xe9}},
		{"I01\n.", "", true},
		{"I00\n.", "", false},
		{"I-17\n.", "", int64(-17)},
		{"L123L\n.", "", int64(123)},
		{"c__builtin__\nset\n((lp0\nI1\naI2\natRp1\n.", "", Set{int64(1), int64(2)}},
		{"Vcaf\\u00e9 \\\\u0041\n.", "", "café \\\\u0041"},
	}
	for _, c := range cases {
		u := &Unpickler{Encoding: c.encoding}
		got, err := u.Unpickle([]byte(c.data))
		if err != nil {
			t.Errorf("%q (%s): %v", c.data, c.encoding, err)
			continue
		}
		if brine.Repr(got) != brine.Repr(c.want) {
			t.Errorf("%q (%s): got %s, want %s", c.data, c.encoding, brine.Repr(got), brine.Repr(c.want))
		}
	}
	if _, err := (&Unpickler{}).Unpickle([]byte("U\x01\xe9.")); !errors.Is(err, ErrBadPickle) {
		t.Errorf("non-ASCII Python 2 str with the default encoding: got %v, want ErrBadPickle", err)
	}
}

// TestUnpickleErrors: bad bytes are ErrBadPickle, other objects
// ErrNotPlainData, both naming the problem; nothing is allocated from a
// length the input does not back.
func TestUnpickleErrors(t *testing.T) {
	cases := []struct {
		name, data string
		want       error
		says       string
	}{
		{"empty", "", ErrBadPickle, "Ran out of input"},
		{"no STOP", "N", ErrBadPickle, "Ran out of input"},
		{"cut argument", "X\x05\x00\x00\x00ab", ErrBadPickle, "truncated"},
		{"mark then STOP", "(.", ErrBadPickle, "unexpected MARK found"},
		{"protocol 6", "\x80\x06N.", ErrBadPickle, "unsupported pickle protocol: 6"},
		{"unknown opcode", "\xff", ErrBadPickle, `invalid load key, '\xff'`},
		{"underflow", "0.", ErrBadPickle, "could not find MARK"},
		{"STOP on empty stack", ".", ErrBadPickle, "underflow"},
		{"append to int", "K\x01K\x02a.", ErrBadPickle, "'int' object has no attribute 'append'"},
		{"odd SETITEMS", "}(K\x01u.", ErrBadPickle, "odd number"},
		{"memo miss", "h\x05.", ErrBadPickle, "Memo value not found at index 5"},
		{"huge BINUNICODE8", "\x8d\x00\x00\x00\x00\x00\x00\x00\x40.", ErrBadPickle, "truncated"},
		{"huge BINBYTES", "B\xff\xff\xff\x7fab.", ErrBadPickle, "truncated"},
		{"huge FRAME", "\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN.", ErrBadPickle, "truncated"},
		{"negative LONG4", "\x8b\xff\xff\xff\xff.", ErrBadPickle, "negative byte count"},
		{"bad utf-8", "\x8c\x01\xff.", ErrBadPickle, "UTF-8"},
		{"out-of-band buffer", "\x80\x05\x97.", ErrBadPickle, "out-of-band"},
		{"recursive list", "]q\x00h\x00a.", ErrNotPlainData, "contains itself"},
		{"recursive via tuple", "]q\x00h\x00\x85q\x01ah\x00.", ErrNotPlainData, "contains itself"},
		{"datetime", "\x80\x04\x95\x1a\x00\x00\x00\x00\x00\x00\x00\x8c\x08datetime\x94\x8c\x04date\x94\x93\x94C\x04\x07\xe4\x01\x02\x94\x85\x94R\x94.", ErrNotPlainData, "datetime.date"},
		{"class", "\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x08builtins\x94\x8c\x03int\x94\x93\x94.", ErrNotPlainData, "builtins.int"},
		{"instance", "\x80\x04c__main__\nC\n)\x81.", ErrNotPlainData, "NEWOBJ"},
		{"persistent id", "\x80\x04K\x01Q.", ErrNotPlainData, "persistent"},
	}
	for _, c := range cases {
		_, err := Unpickle([]byte(c.data))
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want %v saying %q", c.name, err, c.want, c.says)
		}
	}
	// The Python class each raises, as pickle.loads raises it.
	for data, class := range map[string]string{"": "EOFError", "\x80\x06N.": "ValueError", "K\x01K\x02a.": "AttributeError", "\xff": "UnpicklingError"} {
		var ue *UnpickleError
		if _, err := Unpickle([]byte(data)); !errors.As(err, &ue) || ue.Class != class {
			t.Errorf("%q: got %v, want an *UnpickleError of class %s", data, err, class)
		}
	}
}

// TestUnpickleDeepNesting: nesting past the limit is refused, not a
// stack overflow.
func TestUnpickleDeepNesting(t *testing.T) {
	data := bytes.Repeat([]byte("]"), maxUnpickleDepth+10)
	data = append(data, bytes.Repeat([]byte("a"), maxUnpickleDepth+9)...)
	data = append(data, '.')
	if _, err := Unpickle(data); !errors.Is(err, ErrNotPlainData) || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("got %v, want ErrNotPlainData about nesting", err)
	}
}

// FuzzUnpickle: any bytes give a value or an error, never a panic or a
// hang, with either builder.
func FuzzUnpickle(f *testing.F) {
	for i, c := range pickleCases(f) {
		if i%7 == 0 && len(c.Pickle) < 2000 {
			data, _ := hex.DecodeString(c.Pickle)
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Unpickle(data)
		if err == nil && v == nil && !bytes.Contains(data, []byte("N")) {
			// None is the only value that decodes to nil.
			t.Errorf("%q decoded to nil without a NONE opcode", data)
		}
		if err != nil && !errors.Is(err, ErrBadPickle) && !errors.Is(err, ErrNotPlainData) {
			t.Errorf("%q: error %v is neither ErrBadPickle nor ErrNotPlainData", data, err)
		}
		_, _ = (&Unpickler{Builder: reprBuilder{}, Encoding: "latin1"}).Unpickle(data)
	})
}
