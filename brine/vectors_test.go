package brine

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const vectorDir = "../testdata/vectors"

// readJSONL decodes every line of a vector file into a fresh T.
func readJSONL[T any](t *testing.T, name string) []T {
	t.Helper()
	f, err := os.Open(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v T
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, v)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type validVector struct {
	Name          string `json:"name"`
	Py            string `json:"py"`
	Hex           string `json:"hex"`
	Len           int    `json:"len"`
	ReprTruncated bool   `json:"repr_truncated"`
	Dumpable      bool   `json:"dumpable"`
}

// TestValidVectors: every value Python dumped decodes, re-encodes to the
// identical bytes, and prints as Python's repr of it.
func TestValidVectors(t *testing.T) {
	vecs := readJSONL[validVector](t, "brine.jsonl")
	if len(vecs) != 88 {
		t.Fatalf("got %d vectors, want 88", len(vecs))
	}
	for _, vec := range vecs {
		t.Run(vec.Name, func(t *testing.T) {
			data := mustHex(t, vec.Hex)
			if len(data) != vec.Len {
				t.Fatalf("hex has %d bytes, want %d", len(data), vec.Len)
			}
			v, err := Decode(data)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			got, err := Encode(v)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("Encode(Decode(x)) = %x, want %x", got, data)
			}
			if !Dumpable(v) {
				t.Errorf("Dumpable = false, want %v", vec.Dumpable)
			}
			r := Repr(v)
			if vec.ReprTruncated {
				// "<first 2000 chars>...<truncated, N chars total>"
				head, tail, _ := strings.Cut(vec.Py, "...<truncated, ")
				total := strings.TrimSuffix(tail, " chars total>")
				if !strings.HasPrefix(r, head) || strconv.Itoa(len(r)) != total {
					t.Errorf("Repr does not start with Python's %.60q", vec.Py)
				}
			} else if r != vec.Py {
				t.Errorf("Repr = %.200s, want %.200s", r, vec.Py)
			}
		})
	}
}

type invalidVector struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Desc     string `json:"desc"`
	Hex      string `json:"hex"`
	Recipe   *struct {
		Prefix string `json:"prefix_hex"`
		Repeat string `json:"repeat_hex"`
		Count  int    `json:"count"`
		Suffix string `json:"suffix_hex"`
	} `json:"recipe"`
	InputLen    int    `json:"input_len"`
	InputSHA256 string `json:"input_sha256"`
}

func (v invalidVector) input(t *testing.T) []byte {
	if v.Recipe == nil {
		return mustHex(t, v.Hex)
	}
	var b []byte
	b = append(b, mustHex(t, v.Recipe.Prefix)...)
	b = append(b, bytes.Repeat(mustHex(t, v.Recipe.Repeat), v.Recipe.Count)...)
	b = append(b, mustHex(t, v.Recipe.Suffix)...)
	if len(b) != v.InputLen {
		t.Fatalf("recipe gives %d bytes, want %d", len(b), v.InputLen)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != v.InputSHA256 {
		t.Fatalf("recipe sha256 mismatch")
	}
	return b
}

// lenientAccepted lists the inputs Python accepts that we accept too; every
// other "lenient" line is refused. The choice is documented on Decoder.
var lenientAccepted = map[string]any{
	"intl1_plus":          int64(5),
	"intl1_leading_zeros": int64(7),
	"intl1_neg_zero":      int64(0),
	"intl1_in_imm_range":  int64(5),
	"intl4_small":         int64(5),
	"strl4_small":         []byte("A"),
	"tupl1_small":         Tuple{int64(1)},
	"strl1_zero":          []byte{},
	"fset_duplicates":     FrozenSet{int64(1), int64(1)},
}

// TestInvalidVectors: every malformed input is an error naming an offset;
// lenient inputs follow the documented choice.
func TestInvalidVectors(t *testing.T) {
	vecs := readJSONL[invalidVector](t, "brine-invalid.jsonl")
	if len(vecs) != 77 {
		t.Fatalf("got %d vectors, want 77", len(vecs))
	}
	for _, vec := range vecs {
		t.Run(vec.Name, func(t *testing.T) {
			in := vec.input(t)
			v, err := Decode(in)
			want, accept := lenientAccepted[vec.Name]
			if vec.Category == "malformed" || !accept {
				var de *DecodeError
				if !errors.As(err, &de) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("Decode(%s) = %#v, %v; want a *DecodeError (%s)", vec.Name, v, err, vec.Desc)
				}
				if !strings.Contains(err.Error(), "offset") {
					t.Errorf("error %q does not name the offset", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v (we accept %s)", err, vec.Desc)
			}
			if Repr(v) != Repr(want) {
				t.Fatalf("Decode = %s, want %s", Repr(v), Repr(want))
			}
		})
	}
}

// TestDepthLimit: Python manages 496 nested tuples; so must we, and the
// limit is configurable.
func TestDepthLimit(t *testing.T) {
	nest := func(n int) []byte {
		return append(bytes.Repeat([]byte{TagTuple1}, n), TagNone)
	}
	if _, err := Decode(nest(496)); err != nil {
		t.Fatalf("496 levels: %v", err)
	}
	if _, err := Decode(nest(DefaultMaxDepth)); err != nil {
		t.Fatalf("%d levels: %v", DefaultMaxDepth, err)
	}
	if _, err := Decode(nest(DefaultMaxDepth + 1)); err == nil {
		t.Fatalf("%d levels: no error", DefaultMaxDepth+1)
	}
	d := Decoder{MaxDepth: 10}
	if _, err := d.Decode(nest(11)); err == nil {
		t.Fatal("MaxDepth 10 accepted 11 levels")
	}
	if _, err := d.Decode(nest(10)); err != nil {
		t.Fatalf("MaxDepth 10, 10 levels: %v", err)
	}
}
