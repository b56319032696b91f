package slave

import (
	"context"
	"io/fs"
	"iter"
	"os"
	"sync"
)

// UnameResult is os.uname()'s posix.uname_result.
type UnameResult struct {
	*structSeq
	Sysname  string `rpyc:"sysname"`
	Nodename string `rpyc:"nodename"`
	Release  string `rpyc:"release"`
	Version  string `rpyc:"version"`
	Machine  string `rpyc:"machine"`
}

func newUname() *UnameResult {
	s, n, r, v, m := uname()
	u := &UnameResult{Sysname: s, Nodename: n, Release: r, Version: v, Machine: m}
	u.structSeq = newStructSeq("posix.uname_result", []string{"sysname", "nodename", "release", "version", "machine"}, s, n, r, v, m)
	return u
}

// Scandir is os.scandir: an iterator of DirEntry objects (also a context
// manager, as Python's ScandirIterator).
func (m *osModule) Scandir(ctx context.Context, path any) (*ScandirIterator, error) {
	p, err := dirArg(ctx, path)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, err
	}
	it := &ScandirIterator{}
	for _, e := range entries {
		it.entries = append(it.entries, &DirEntry{Name: e.Name(), Path: joinPath(p, e.Name()), entry: e})
	}
	return it, nil
}

// ScandirIterator is what os.scandir returns.
type ScandirIterator struct {
	mu      sync.Mutex
	entries []*DirEntry
	next    int
}

// RPyCNames gives the iterator and with-statement dunders.
func (it *ScandirIterator) RPyCNames() map[string]string {
	return map[string]string{"Iter": "__iter__", "Enter": "__enter__", "Exit": "__exit__"}
}

// RPyCTypeName is Python's class.
func (it *ScandirIterator) RPyCTypeName() string { return "posix.ScandirIterator" }

// Iter is __iter__: the entries not yet seen.
func (it *ScandirIterator) Iter() iter.Seq[any] {
	return func(yield func(any) bool) {
		for {
			it.mu.Lock()
			if it.next >= len(it.entries) {
				it.mu.Unlock()
				return
			}
			e := it.entries[it.next]
			it.next++
			it.mu.Unlock()
			if !yield(e) {
				return
			}
		}
	}
}

// Close is close().
func (it *ScandirIterator) Close() {
	it.mu.Lock()
	it.next = len(it.entries)
	it.mu.Unlock()
}

// Enter is __enter__.
func (it *ScandirIterator) Enter() *ScandirIterator { return it }

// Exit is __exit__.
func (it *ScandirIterator) Exit(args ...any) bool { it.Close(); return false }

// DirEntry is os.DirEntry.
type DirEntry struct {
	// Name is the entry's name.
	Name string `rpyc:"name"`
	// Path is the directory joined with the name.
	Path  string `rpyc:"path"`
	entry fs.DirEntry
}

// RPyCParams gives the methods Python's keyword arguments.
func (e *DirEntry) RPyCParams() map[string]string {
	return map[string]string{"IsDir": "follow_symlinks=True", "IsFile": "follow_symlinks=True", "Stat": "follow_symlinks=True"}
}

// RPyCNames gives __fspath__.
func (e *DirEntry) RPyCNames() map[string]string { return map[string]string{"Fspath": "__fspath__"} }

// RPyCTypeName is Python's class.
func (e *DirEntry) RPyCTypeName() string { return "posix.DirEntry" }

// GoString is Python's repr.
func (e *DirEntry) GoString() string { return "<DirEntry " + pyRepr(e.Name) + ">" }

// Fspath is __fspath__.
func (e *DirEntry) Fspath() string { return e.Path }

// IsDir is is_dir(follow_symlinks=True).
func (e *DirEntry) IsDir(follow bool) bool {
	if e.entry.Type()&fs.ModeSymlink != 0 {
		if !follow {
			return false
		}
		st, err := os.Stat(e.Path)
		return err == nil && st.IsDir()
	}
	return e.entry.IsDir()
}

// IsFile is is_file(follow_symlinks=True).
func (e *DirEntry) IsFile(follow bool) bool {
	if e.entry.Type()&fs.ModeSymlink != 0 {
		if !follow {
			return false
		}
		st, err := os.Stat(e.Path)
		return err == nil && st.Mode().IsRegular()
	}
	return e.entry.Type().IsRegular()
}

// IsSymlink is is_symlink().
func (e *DirEntry) IsSymlink() bool { return e.entry.Type()&fs.ModeSymlink != 0 }

// Stat is stat(follow_symlinks=True).
func (e *DirEntry) Stat(follow bool) (*StatResult, error) {
	if follow {
		return statPath(e.Path, os.Stat)
	}
	return statPath(e.Path, os.Lstat)
}

// Inode is inode().
func (e *DirEntry) Inode() (int64, error) {
	st, err := statPath(e.Path, os.Lstat)
	if err != nil {
		return 0, err
	}
	return st.Ino, nil
}
