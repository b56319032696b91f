package classic

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanUpload: the plan lists parents before children, follows or
// keeps links, and gathers every problem of the tree in one error.
func TestPlanUpload(t *testing.T) {
	src := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(src, "d", "e"), 0o755))
	must(os.WriteFile(filepath.Join(src, "d", "e", "f"), []byte("abc"), 0o644))
	must(os.Symlink("d", filepath.Join(src, "ld")))
	plan, err := planUpload(src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range plan.entries {
		got = append(got, e.rel)
	}
	if want := ",d,d/e,d/e/f,ld,ld/e,ld/e/f"; strings.Join(got, ",") != want {
		t.Errorf("followed plan %q, want %q", strings.Join(got, ","), want)
	}
	plan, err = planUpload(src, &TransferOptions{KeepSymlinks: true})
	if err != nil || !plan.links || plan.entries[len(plan.entries)-1].target != "d" {
		t.Errorf("KeepSymlinks plan: %+v, %v; want ld as a link to d", plan, err)
	}

	must(os.Symlink("nowhere", filepath.Join(src, "d", "dangling")))
	must(os.Symlink("../..", filepath.Join(src, "d", "e", "loop")))
	_, err = planUpload(src, nil)
	var se *SourceError
	if !errors.As(err, &se) || len(se.Problems) != 4 || !errors.Is(err, ErrSourceTree) || !errors.Is(err, fs.ErrNotExist) {
		// d/dangling, d/e/loop, and the same two again through ld.
		t.Fatalf("plan of a tree with a dangling link and a loop: %v, want 4 problems", err)
	}
	if !strings.Contains(se.Problems[1].Err.Error(), "back to "+src) {
		t.Errorf("loop problem %q, want it to name %s", se.Problems[1].Err, src)
	}
	_, err = planUpload(src, &TransferOptions{Filter: func(p string, isDir bool) bool {
		return filepath.Base(p) != "loop" && filepath.Base(p) != "dangling"
	}})
	if err != nil {
		t.Errorf("filtered out, the problems are gone: %v", err)
	}
	if _, err := planUpload(filepath.Join(src, "d", "dangling"), nil); !errors.As(err, &se) {
		t.Errorf("a dangling top: %v, want a SourceError", err)
	}
	if _, err := planUpload(filepath.Join(src, "missing"), nil); err == nil || errors.As(err, &se) {
		t.Errorf("a missing top: %v, want a plain error", err)
	}
}
