package slave

import (
	"archive/tar"
	"archive/zip"
	"compress/bzip2"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Archives for shutil.make_archive and unpack_archive: zip, tar and
// gztar both ways; bztar unpacks only (Go has no bzip2 writer); xztar
// not at all. Names inside follow Python's layout (a tar of root_dir
// starts with "./", a zip has no "./").

// archiveFormats are (name, extensions, description) as Python lists
// them, for the formats this server writes (w) and reads (r).
var archiveFormats = []struct {
	name, desc string
	exts       []string
	write      bool
}{
	{"bztar", "bzip2'ed tar-file", []string{".tar.bz2", ".tbz2"}, false},
	{"gztar", "gzip'ed tar-file", []string{".tar.gz", ".tgz"}, true},
	{"tar", "uncompressed tar file", []string{".tar"}, true},
	{"zip", "ZIP file", []string{".zip"}, true},
}

// GetArchiveFormats is shutil.get_archive_formats.
func (m *shutilModule) GetArchiveFormats() []any {
	var out []any
	for _, f := range archiveFormats {
		if f.write {
			out = append(out, brine.Tuple{f.name, f.desc})
		}
	}
	return out
}

// GetUnpackFormats is shutil.get_unpack_formats.
func (m *shutilModule) GetUnpackFormats() []any {
	var out []any
	for _, f := range archiveFormats {
		out = append(out, brine.Tuple{f.name, stringList(f.exts), f.desc})
	}
	return out
}

// MakeArchive is shutil.make_archive: base_name plus the format's
// extension, holding base_dir (default ".") of root_dir (default the
// current directory).
func (m *shutilModule) MakeArchive(ctx context.Context, baseName any, format string, rootDir, baseDir, verbose, dryRun, owner, group, logger any) (string, error) {
	base, err := fspath(ctx, baseName)
	if err != nil {
		return "", err
	}
	root := "."
	if rootDir != nil {
		if root, err = fspath(ctx, rootDir); err != nil {
			return "", err
		}
	}
	bdir := "."
	if baseDir != nil {
		if bdir, err = fspath(ctx, baseDir); err != nil {
			return "", err
		}
	}
	base, err = abspath(base)
	if err != nil {
		return "", err
	}
	var ext string
	switch format {
	case "zip":
		ext = ".zip"
	case "tar":
		ext = ".tar"
	case "gztar":
		ext = ".tar.gz"
	case "bztar", "xztar":
		return "", vinegar.New("ValueError", fmt.Sprintf("unknown archive format '%s' (this server writes zip, tar and gztar)", format))
	default:
		return "", vinegar.New("ValueError", fmt.Sprintf("unknown archive format '%s'", format))
	}
	name := base + ext
	if truthy(dryRun) {
		return name, nil
	}
	if dir := dirname(name); dir != "" {
		if err := os.MkdirAll(dir, 0o777); err != nil {
			return "", err
		}
	}
	f, err := os.Create(name)
	if err != nil {
		return "", err
	}
	if format == "zip" {
		err = writeZip(f, root, bdir)
	} else {
		err = writeTar(f, root, bdir, format == "gztar")
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// walkArchive lists base (relative to root) and everything under it,
// directories before their contents, each level sorted.
func walkArchive(root, base string, visit func(rel string, fi fs.FileInfo) error) error {
	start := filepath.Join(root, base)
	return filepath.Walk(start, func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		return visit(filepath.ToSlash(rel), fi)
	})
}

func writeTar(w io.Writer, root, base string, gz bool) error {
	var zw *gzip.Writer
	if gz {
		zw = gzip.NewWriter(w)
		w = zw
	}
	tw := tar.NewWriter(w)
	dot := base == "." || base == "./"
	err := walkArchive(root, base, func(rel string, fi fs.FileInfo) error {
		name := rel
		if dot && rel != "." {
			name = "./" + rel
		}
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			link, _ = os.Readlink(filepath.Join(root, rel))
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = name
		h.Uname, h.Gname = "", ""
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(filepath.Join(root, rel))
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = io.Copy(tw, f)
			return err
		}
		return nil
	})
	if err == nil {
		err = tw.Close()
	}
	if zw != nil && err == nil {
		err = zw.Close()
	}
	return err
}

func writeZip(w io.Writer, root, base string) error {
	zw := zip.NewWriter(w)
	err := walkArchive(root, base, func(rel string, fi fs.FileInfo) error {
		if rel == "." {
			return nil
		}
		h, err := zip.FileInfoHeader(fi)
		if err != nil {
			return err
		}
		h.Name = rel
		if fi.IsDir() {
			h.Name += "/"
		} else {
			h.Method = zip.Deflate
		}
		out, err := zw.CreateHeader(h)
		if err != nil || !fi.Mode().IsRegular() {
			return err
		}
		f, err := os.Open(filepath.Join(root, rel))
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(out, f)
		return err
	})
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	return err
}

// UnpackArchive is shutil.unpack_archive: the format from the name's
// extension unless given; ReadError for a name it does not know. Members
// that would land outside extract_dir are refused.
func (m *shutilModule) UnpackArchive(ctx context.Context, filename, extractDir, format any) error {
	name, err := fspath(ctx, filename)
	if err != nil {
		return err
	}
	dir := "."
	if extractDir != nil {
		if dir, err = fspath(ctx, extractDir); err != nil {
			return err
		}
	}
	fmtName := ""
	if format != nil {
		fmtName = fmt.Sprint(format)
	} else {
		low := strings.ToLower(name)
		for _, f := range archiveFormats {
			for _, e := range f.exts {
				if strings.HasSuffix(low, e) {
					fmtName = f.name
				}
			}
		}
		if fmtName == "" {
			return osErr(errReadError, fmt.Sprintf("Unknown archive format '%s'", name))
		}
	}
	if _, err := os.Stat(name); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	switch fmtName {
	case "zip":
		return unzip(name, dir)
	case "tar", "gztar", "bztar":
		return untar(name, dir, fmtName)
	}
	return vinegar.New("ValueError", fmt.Sprintf("Unknown unpack format '%s'", fmtName))
}

// safeJoin joins a member name under dir, refusing names that leave it.
func safeJoin(dir, name string) (string, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	rel, err := filepath.Rel(dir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(name) {
		return "", osErr(errReadError, fmt.Sprintf("archive member %s would be extracted outside %s", brine.Repr(name), brine.Repr(dir)))
	}
	return p, nil
}

func unzip(name, dir string) error {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return osErr(errReadError, fmt.Sprintf("%s is not a zip file", name))
	}
	defer zr.Close()
	for _, f := range zr.File {
		p, err := safeJoin(dir, f.Name)
		if err != nil {
			return err
		}
		if strings.HasSuffix(f.Name, "/") {
			if err := os.MkdirAll(p, 0o777); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			return err
		}
		if err := extractTo(p, f.Mode().Perm(), func() (io.ReadCloser, error) { return f.Open() }); err != nil {
			return err
		}
	}
	return nil
}

func extractTo(p string, perm fs.FileMode, open func() (io.ReadCloser, error)) error {
	r, err := open()
	if err != nil {
		return err
	}
	defer r.Close()
	if perm == 0 {
		perm = 0o644
	}
	out, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, r); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func untar(name, dir, format string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	switch format {
	case "gztar":
		zr, err := gzip.NewReader(f)
		if err != nil {
			return osErr(errReadError, fmt.Sprintf("%s is not a compressed or uncompressed tar file", name))
		}
		r = zr
	case "bztar":
		r = bzip2.NewReader(f)
	}
	tr := tar.NewReader(r)
	var dirs []struct {
		p string
		h *tar.Header
	}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return osErr(errReadError, fmt.Sprintf("%s is not a compressed or uncompressed tar file", name))
		}
		p, err := safeJoin(dir, h.Name)
		if err != nil {
			return err
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o777); err != nil {
				return err
			}
			dirs = append(dirs, struct {
				p string
				h *tar.Header
			}{p, h})
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
				return err
			}
			if err := extractTo(p, fs.FileMode(h.Mode).Perm(), func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }); err != nil {
				return err
			}
			_ = os.Chtimes(p, h.ModTime, h.ModTime)
		case tar.TypeSymlink:
			if _, err := safeJoin(dir, filepath.Join(filepath.Dir(h.Name), h.Linkname)); err != nil {
				return err
			}
			_ = os.Remove(p)
			if err := os.Symlink(h.Linkname, p); err != nil {
				return err
			}
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return len(dirs[i].p) > len(dirs[j].p) })
	for _, d := range dirs {
		_ = os.Chmod(d.p, fs.FileMode(d.h.Mode).Perm())
		_ = os.Chtimes(d.p, d.h.ModTime, d.h.ModTime)
	}
	return nil
}
