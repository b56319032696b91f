//go:build unix

package interop

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"
)

// linkTree makes a tree with symbolic links: to a file and a directory
// inside it, and to a file outside it (absolute). It returns the tree
// and the outside file.
func linkTree(t *testing.T) (src, outside string) {
	t.Helper()
	src = filepath.Join(t.TempDir(), "src")
	outside = filepath.Join(t.TempDir(), "outside.txt")
	for p, data := range map[string]string{
		"a.txt": "alpha", "sub/b.txt": "beta", "sub/deep/c.txt": "gamma",
	} {
		writeFile(t, filepath.Join(src, p), data)
	}
	writeFile(t, outside, "outside")
	for link, target := range map[string]string{"link_file": "a.txt", "link_dir": "sub", "sub/up_file": "../a.txt", "abs": outside} {
		if err := os.Symlink(target, filepath.Join(src, link)); err != nil {
			t.Fatal(err)
		}
	}
	return src, outside
}

func writeFile(t *testing.T, p, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantFile checks that p is a regular file (not a link) holding data.
func wantFile(t *testing.T, p, data string) {
	t.Helper()
	st, err := os.Lstat(p)
	if err != nil {
		t.Errorf("%s: %v", p, err)
		return
	}
	if !st.Mode().IsRegular() {
		t.Errorf("%s is %v, want a regular file", p, st.Mode())
		return
	}
	if b, _ := os.ReadFile(p); string(b) != data {
		t.Errorf("%s holds %q, want %q", p, b, data)
	}
}

// wantNothingAt checks that an upload wrote nothing.
func wantNothingAt(t *testing.T, p string) {
	t.Helper()
	if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists after a refused upload (%v), want nothing written", p, err)
	}
}

// TestClassicUploadSymlinks: against Python's rpyc_classic (5.3 and the
// 6.x layout) and ours, an upload follows links by default (as Python's
// rpyc.classic.upload does), copies them as links with KeepSymlinks
// where the server has os.symlink, and refuses a tree with a dangling
// link or a loop before writing anything. A file upload makes its
// missing remote directory, and an error never names the temporary file.
func TestClassicUploadSymlinks(t *testing.T) {
	cliClassicLayouts(t, func(t *testing.T, addr string) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c, err := classic.Connect(ctx, addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		src, outside := linkTree(t)

		// Followed: every link arrives as what it points to.
		dst := filepath.Join(t.TempDir(), "followed")
		if err := c.Upload(ctx, src, dst, nil); err != nil {
			t.Fatalf("Upload of a tree with links: %v", err)
		}
		wantFile(t, filepath.Join(dst, "link_file"), "alpha")
		wantFile(t, filepath.Join(dst, "link_dir", "deep", "c.txt"), "gamma")
		wantFile(t, filepath.Join(dst, "sub", "up_file"), "alpha")
		wantFile(t, filepath.Join(dst, "abs"), "outside")

		// As links, where the server can make them.
		osm, err := c.Modules(ctx, "os")
		if err != nil {
			t.Fatal(err)
		}
		_, symErr := osm.GetAttr(ctx, "symlink")
		dst = filepath.Join(t.TempDir(), "links")
		err = c.Upload(ctx, src, dst, &classic.TransferOptions{KeepSymlinks: true})
		switch {
		case errors.Is(symErr, vinegar.ErrAttributeError):
			if !errors.Is(err, classic.ErrNoSymlinks) {
				t.Errorf("KeepSymlinks to a server without os.symlink: got %v, want ErrNoSymlinks", err)
			}
			wantNothingAt(t, dst)
		case symErr != nil:
			t.Fatal(symErr)
		case err != nil:
			t.Errorf("Upload with KeepSymlinks: %v", err)
		default:
			for link, target := range map[string]string{"link_file": "a.txt", "link_dir": "sub", "sub/up_file": "../a.txt", "abs": outside} {
				if got, err := os.Readlink(filepath.Join(dst, link)); err != nil || got != target {
					t.Errorf("%s: a link to %q (%v), want a link to %q", link, got, err, target)
				}
			}
			wantFile(t, filepath.Join(dst, "sub", "deep", "c.txt"), "gamma")
		}

		// A dangling link and a loop: one error naming both, nothing written.
		bad := filepath.Join(t.TempDir(), "bad")
		writeFile(t, filepath.Join(bad, "first.txt"), "x")
		writeFile(t, filepath.Join(bad, "d", "e", "f.txt"), "y")
		if err := os.Symlink("/no/such/target", filepath.Join(bad, "d", "dangling")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("..", filepath.Join(bad, "d", "e", "loop")); err != nil {
			t.Fatal(err)
		}
		dst = filepath.Join(t.TempDir(), "bad-dst")
		err = c.Upload(ctx, bad, dst, nil)
		var se *classic.SourceError
		if !errors.As(err, &se) || !errors.Is(err, classic.ErrSourceTree) || len(se.Problems) != 2 ||
			!strings.Contains(err.Error(), "/no/such/target, which does not exist") || !strings.Contains(err.Error(), "a symbolic link back to") ||
			!errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Upload of a tree with a dangling link and a loop: got %v, want one SourceError with both", err)
		}
		wantNothingAt(t, dst)
		// Skipping what is invalid (Python's ignore_invalid) passes the
		// dangling link over, not the loop.
		err = c.Upload(ctx, bad, dst, &classic.TransferOptions{IgnoreInvalid: true})
		if !errors.As(err, &se) || len(se.Problems) != 1 || !strings.Contains(err.Error(), "back to") {
			t.Errorf("IgnoreInvalid with a loop: got %v, want the loop alone", err)
		}
		wantNothingAt(t, dst)
		// As links, neither is a problem (the loop is a link like any other)
		// on a server that can make them.
		if symErr == nil {
			if err := c.Upload(ctx, bad, dst, &classic.TransferOptions{KeepSymlinks: true}); err != nil {
				t.Errorf("KeepSymlinks with a dangling link and a loop: %v", err)
			}
		}

		// A file into a directory that does not exist yet: made, as
		// Download makes its local directories.
		deep := filepath.Join(t.TempDir(), "x", "y", "z.txt")
		if err := c.Upload(ctx, filepath.Join(src, "a.txt"), deep, nil); err != nil {
			t.Errorf("Upload into missing directories: %v", err)
		}
		wantFile(t, deep, "alpha")

		// A failure names the target, not the temporary file.
		dir := filepath.Join(t.TempDir(), "a-directory")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		err = c.Upload(ctx, filepath.Join(src, "a.txt"), dir, nil)
		if err == nil || strings.Contains(err.Error(), ".rpyc-part-") || !strings.Contains(err.Error(), dir) {
			t.Errorf("Upload over a directory: got %v, want an error naming %s and no temporary name", err, dir)
		}
		if names, _ := os.ReadDir(filepath.Dir(dir)); len(names) != 1 {
			t.Errorf("after the failed upload, %s holds %d entries, want the directory alone (no part file)", filepath.Dir(dir), len(names))
		}
	})
}

// TestCLIUploadUnreadable: the rpyc command refuses a tree with a file
// it cannot read before writing anything, and copies links as links with
// --links. Run as an unprivileged user, since root reads any file.
func TestCLIUploadUnreadable(t *testing.T) {
	bin := buildGo(t, "./cmd/rpyc")
	addr := startRPyCClassic(t, 0).Addr
	src := filepath.Join(t.TempDir(), "src")
	writeFile(t, filepath.Join(src, "ok.txt"), "fine")
	writeFile(t, filepath.Join(src, "sub", "secret.txt"), "hidden")
	if err := os.Chmod(filepath.Join(src, "sub", "secret.txt"), 0); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "dst")
	cmd := exec.Command(bin, "upload", addr, src, dst)
	cmd.Env = cliEnv(t)
	if os.Geteuid() == 0 {
		// Root reads a mode-000 file: run as nobody, who can reach the
		// tree (its temporary parents are made traversable).
		for p := src; p != "/" && p != os.TempDir(); p = filepath.Dir(p) {
			if err := os.Chmod(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		cmd.Env = append(cmd.Env, "XDG_CACHE_HOME=/nonexistent")
	}
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 ||
		!strings.Contains(string(out), "nothing was written") || !strings.Contains(string(out), "secret.txt: open: permission denied") {
		t.Errorf("upload of a tree with an unreadable file: %v\n%s\nwant exit 1 naming it, nothing written", err, out)
	}
	wantNothingAt(t, dst)

	if err := os.Symlink("ok.txt", filepath.Join(src, "alias")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(src, "sub", "secret.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, bin, "upload", "--links", addr, src, dst)
	if got, err := os.Readlink(filepath.Join(dst, "alias")); err != nil || got != "ok.txt" {
		t.Errorf("upload --links: alias is a link to %q (%v), want ok.txt", got, err)
	}
}
