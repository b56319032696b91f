package classic

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// An upload first walks the whole local tree and checks it: links that
// point nowhere or back into their own ancestors, files and directories
// it cannot read, things that are neither files nor directories. Any
// problem stops the upload before the server is asked to write anything,
// with one error that lists them all.

// ErrSourceTree is matched (errors.Is) by the error of an upload whose
// local tree has problems; nothing was written. The error also matches
// each problem's own error (fs.ErrPermission, ErrInvalidSource, ...).
var ErrSourceTree = errors.New("classic: the source cannot be uploaded as it is")

// SourceError lists the problems found in an upload's source tree.
type SourceError struct {
	Top      string          // the local path given to Upload
	Problems []SourceProblem // in walk order
}

// SourceProblem is one path that cannot be uploaded, and why.
type SourceProblem struct {
	Path string // the local path
	Err  error
}

// maxListedProblems bounds how many problems Error spells out.
const maxListedProblems = 10

func (e *SourceError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "classic: upload %s: nothing was written: ", e.Top)
	if len(e.Problems) == 1 {
		fmt.Fprintf(&b, "%s: %v", e.Problems[0].Path, e.Problems[0].Err)
		return b.String()
	}
	fmt.Fprintf(&b, "%d problems: ", len(e.Problems))
	for i, p := range e.Problems {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %v", p.Path, p.Err)
	}
	return b.String()
}

// Unwrap gives ErrSourceTree and every problem's error.
func (e *SourceError) Unwrap() []error {
	errs := []error{ErrSourceTree}
	for _, p := range e.Problems {
		errs = append(errs, p.Err)
	}
	return errs
}

// entryKind is what an upload makes on the server for one entry.
type entryKind uint8

const (
	entryDir entryKind = iota
	entryFile
	entryLink // a symbolic link, made as a link (TransferOptions.KeepSymlinks)
)

// uploadEntry is one thing to create on the server.
type uploadEntry struct {
	local  string // its path here (reached through links when followed)
	rel    string // slash-separated path below the top; "" is the top
	kind   entryKind
	size   int64
	target string // entryLink: what the link points to, as written
}

// uploadPlan is a checked tree, parents before children.
type uploadPlan struct {
	entries []uploadEntry
	links   bool // some entry is entryLink
}

// planUpload walks local and checks everything an upload will read.
func planUpload(local string, opts *TransferOptions) (*uploadPlan, error) {
	p := &planner{opts: opts, plan: &uploadPlan{}}
	st, err := os.Stat(local) // the top is always followed
	if err != nil {
		if _, lerr := os.Lstat(local); lerr == nil {
			return nil, &SourceError{Top: local, Problems: []SourceProblem{{local, p.linkProblem(local, err)}}}
		}
		return nil, fmt.Errorf("classic: upload: %w", err)
	}
	switch {
	case st.IsDir():
		p.plan.entries = append(p.plan.entries, uploadEntry{local: local, kind: entryDir})
		p.walk(local, "", []os.FileInfo{st})
	case st.Mode().IsRegular():
		p.checkReadable(local)
		p.plan.entries = append(p.plan.entries, uploadEntry{local: local, kind: entryFile, size: st.Size()})
	case opts != nil && opts.IgnoreInvalid:
	default:
		p.problem(local, fmt.Errorf("%w (%s)", ErrInvalidSource, modeName(st.Mode())))
	}
	if len(p.problems) > 0 {
		return nil, &SourceError{Top: local, Problems: p.problems}
	}
	return p.plan, nil
}

type planner struct {
	opts     *TransferOptions
	plan     *uploadPlan
	problems []SourceProblem
}

func (p *planner) problem(path string, err error) {
	p.problems = append(p.problems, SourceProblem{Path: path, Err: err})
}

// walk adds what is below dir; ancestors are the directories from the
// top down to dir, as reached, for finding loops.
func (p *planner) walk(dir, rel string, ancestors []os.FileInfo) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		p.problem(dir, unwrapPath(err))
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, d := range entries {
		local := filepath.Join(dir, d.Name())
		childRel := path.Join(rel, d.Name())
		info, err := d.Info()
		if err != nil {
			p.problem(local, unwrapPath(err))
			continue
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			if p.opts != nil && p.opts.KeepSymlinks {
				target, err := os.Readlink(local)
				if err != nil {
					p.problem(local, unwrapPath(err))
					continue
				}
				isDir := false
				if st, err := os.Stat(local); err == nil {
					isDir = st.IsDir()
				}
				if p.opts.keep(local, isDir) {
					p.plan.entries = append(p.plan.entries, uploadEntry{local: local, rel: childRel, kind: entryLink, target: target})
					p.plan.links = true
				}
				continue
			}
			st, err := os.Stat(local)
			if err != nil {
				if !p.opts.keep(local, false) || p.opts != nil && p.opts.IgnoreInvalid {
					continue // Python's ignore_invalid skips what is neither file nor directory
				}
				p.problem(local, p.linkProblem(local, err))
				continue
			}
			info = st
		}
		if !p.opts.keep(local, info.IsDir()) {
			continue
		}
		switch {
		case info.IsDir():
			if loop := loopTo(info, ancestors); loop >= 0 {
				p.problem(local, fmt.Errorf("a symbolic link back to %s, which contains it: following it never ends (upload with KeepSymlinks/--links, or filter it out)",
					ancestorPath(dir, len(ancestors)-1-loop)))
				continue
			}
			p.plan.entries = append(p.plan.entries, uploadEntry{local: local, rel: childRel, kind: entryDir})
			p.walk(local, childRel, append(ancestors[:len(ancestors):len(ancestors)], info))
		case info.Mode().IsRegular():
			p.checkReadable(local)
			p.plan.entries = append(p.plan.entries, uploadEntry{local: local, rel: childRel, kind: entryFile, size: info.Size()})
		case p.opts != nil && p.opts.IgnoreInvalid:
		default:
			p.problem(local, fmt.Errorf("%w (%s)", ErrInvalidSource, modeName(info.Mode())))
		}
	}
}

// checkReadable opens a file to find out now that it cannot be read.
func (p *planner) checkReadable(local string) {
	f, err := os.Open(local)
	if err != nil {
		p.problem(local, unwrapPath(err))
		return
	}
	_ = f.Close()
}

// linkProblem says why a link cannot be followed.
func (p *planner) linkProblem(local string, err error) error {
	target, rerr := os.Readlink(local)
	if rerr != nil {
		return unwrapPath(err)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return &explained{err: fs.ErrNotExist,
			msg: fmt.Sprintf("a symbolic link to %s, which does not exist (remove it, filter it out, or upload with KeepSymlinks/--links)", target)}
	}
	return fmt.Errorf("a symbolic link to %s: %w", target, unwrapPath(err))
}

// loopTo is the index in ancestors of a directory that is the same as
// info, or -1.
func loopTo(info os.FileInfo, ancestors []os.FileInfo) int {
	for i, a := range ancestors {
		if os.SameFile(info, a) {
			return i
		}
	}
	return -1
}

// ancestorPath is dir with up levels removed: the path of an ancestor as
// the walk reached it.
func ancestorPath(dir string, up int) string {
	for ; up > 0; up-- {
		dir = filepath.Dir(dir)
	}
	return dir
}

// unwrapPath drops the *fs.PathError's path (the problem list names the
// path already) but keeps what it wraps.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// modeName says what kind of file a mode is, for messages.
func modeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}

// explained is an error told in its own words (a dangling link, a
// target named instead of its temporary file) that errors.Is and
// errors.As still see through to the error it stands for.
type explained struct {
	err error
	msg string
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }
