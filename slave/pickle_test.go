package slave_test

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// TestPickleLoadsCPythonTable: pickle.loads on this server reads every
// pickle of the classic package's table (each value in every protocol,
// as CPython wrote them) into what CPython reads: the same repr, dict
// keys in the pickle's order.
func TestPickleLoadsCPythonTable(t *testing.T) {
	c, ctx := pair(t, nil)
	f, err := os.Open("../classic/testdata/unpickle/pickles.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	n := 0
	for sc.Scan() {
		var rec struct {
			Name     string `json:"name"`
			Protocol int    `json:"protocol"`
			Pickle   string `json:"pickle"`
			Repr     string `json:"repr"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		data, err := hex.DecodeString(rec.Pickle)
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Call(ctx, "pickle.loads", data)
		if err != nil {
			t.Errorf("%s protocol %d: %v", rec.Name, rec.Protocol, err)
			continue
		}
		got := v
		if n, ok := v.(*rpyc.Netref); ok {
			if got, err = n.Repr(ctx); err != nil {
				t.Fatal(err)
			}
		} else if got, err = rpyc.As[string](c.Call(ctx, "builtins.repr", v)); err != nil {
			t.Fatal(err)
		}
		// A set of str iterates by the strings' hashes, which CPython
		// seeds per process: only its length is comparable.
		if rec.Name != "sets" && got != rec.Repr {
			t.Errorf("%s protocol %d:\n got  %.200s\n want %.200s", rec.Name, rec.Protocol, got, rec.Repr)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("read %d pickles, want the whole table", n)
	}
}

// TestPickleLoadsErrors: the exception classes and messages of Python's
// pickle.loads.
func TestPickleLoadsErrors(t *testing.T) {
	c, ctx := pair(t, nil)
	for data, want := range map[string]string{
		"":              "EOFError: Ran out of input",
		"N":             "EOFError: Ran out of input",
		"\x80\x06N.":    "ValueError: unsupported pickle protocol: 6",
		"\xff":          "UnpicklingError: invalid load key, '\\xff'.",
		"K\x01K\x02a.":  "AttributeError: 'int' object has no attribute 'append'",
		"]q\x00h\x00a.": "UnpicklingError: classic: pickled value is not plain data: a list that contains itself (recursive data is not supported)",
	} {
		_, err := c.Call(ctx, "pickle.loads", []byte(data))
		var e *vinegar.Exception
		if !errors.As(err, &e) || e.Name+": "+e.Str() != want {
			t.Errorf("pickle.loads(%q): got %v, want %s", data, err, want)
		}
	}
}
