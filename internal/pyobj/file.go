package pyobj

// Go readers and writers as Python file objects.
//
// A value that implements io.Reader or io.Writer (and is not a slice or
// map, which are lists and dicts) answers the peer as a binary file:
//
//   - readers: read(size=-1), readline(size=-1), readlines(hint=-1),
//     iteration by lines (__iter__, __next__);
//   - writers: write(data) (bytes, or str sent as UTF-8), writelines,
//     flush (calls Flush() error or Flush() when the value has one; it
//     never calls Sync, which is fsync and not what Python's flush means);
//   - io.Seekers: seek(offset, whence=0) and tell();
//   - all: close() (calls Close() error or Close() when the value has
//     one), readable(), writable(), seekable(), and the with protocol
//     (__enter__ returns the value, __exit__ closes it and lets
//     exceptions through).
//
// Methods the value cannot do are absent, not failing: write on a reader
// raises AttributeError("'Reader' object has no attribute 'write'"), as
// for a read-only Python object. Data comes back as bytes; readlines
// returns a tuple of bytes, by value, rather than a list by reference.
//
// What readline reads ahead and whether close was called are kept per
// value, in file_state.go, which also says how operations on one
// value are serialised.

import (
	"context"
	"fmt"
	"io"
	"reflect"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The capabilities a file class is built for.
const (
	fileReads = 1 << iota
	fileWrites
	fileSeeks
)

// fileClasses holds one class per combination of capabilities, so dir() and
// INSPECT list only what the value can do. Filled in init.
var fileClasses [8]*pyClass

// fileClassOf returns the file class for obj, or nil when obj is neither
// an io.Reader nor an io.Writer. classOf has already sent slices and maps
// to listClass and dictClass.
func fileClassOf(obj any) *pyClass {
	caps := 0
	if _, ok := obj.(io.Reader); ok {
		caps |= fileReads
	}
	if _, ok := obj.(io.Writer); ok {
		caps |= fileWrites
	}
	if caps == 0 {
		return nil
	}
	if _, ok := obj.(io.Seeker); ok {
		caps |= fileSeeks
	}
	return fileClasses[caps]
}

func init() {
	for caps := range fileClasses {
		if caps&(fileReads|fileWrites) == 0 {
			continue
		}
		m := map[string]nativeMethod{
			"close":     fileClose,
			"flush":     fileMethod("flush", 0, 0, fileFlush),
			"__enter__": fileEnter,
			"__exit__":  fileExit,
			"readable":  fileCan("readable", caps&fileReads != 0),
			"writable":  fileCan("writable", caps&fileWrites != 0),
			"seekable":  fileCan("seekable", caps&fileSeeks != 0),
		}
		if caps&fileReads != 0 {
			m["read"] = sizedRead("read", (*fileState).read)
			m["readline"] = sizedRead("readline", (*fileState).readLine)
			m["readlines"] = sizedRead("readlines", (*fileState).readLines)
			m["__iter__"] = fileIter
			m["__next__"] = fileMethod("__next__", 0, 0, fileNext)
		}
		if caps&fileWrites != 0 {
			m["write"] = fileMethod("write", 1, 1, fileWrite)
			m["writelines"] = fileWritelines
		}
		if caps&fileSeeks != 0 {
			m["seek"] = fileSeek
			m["tell"] = fileMethod("tell", 0, 0, fileTell)
		}
		fileClasses[caps] = &pyClass{pyName: "rpyc.GoFile", methods: m}
	}
}

// fileBody is a file method that needs nothing done before the lock: it
// gets the value's state locked, the value, and the checked arguments.
type fileBody func(st *fileState, obj any, args brine.Tuple) (any, error)

// fileMethod makes a method of body: it checks for lo to hi positional
// arguments (Python's messages name the method name), then runs body
// under withOpenFile.
func fileMethod(name string, lo, hi int, body fileBody) nativeMethod {
	return func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
		if err := checkArgs(name, args, kw, lo, hi); err != nil {
			return nil, err
		}
		return withOpenFile(self, func(st *fileState, obj any) (any, error) { return body(st, obj, args) })
	}
}

// sizeArg reads an optional size argument: absent or None is -1.
func sizeArg(args brine.Tuple) (int64, error) {
	if len(args) == 0 || args[0] == nil {
		return -1, nil
	}
	n, huge, ok := pyIndexValue(args[0])
	if !ok {
		return 0, typeError("argument should be integer or None, not '%s'", ShortTypeName(args[0]))
	}
	if huge && n > 0 {
		return 0, vinegar.New("OverflowError", "Python int too large to convert to C ssize_t")
	}
	return n, nil
}

// sizedRead makes read, readline and readlines, which take an optional
// size (absent or None for no limit, see sizeArg) and read with the state
// locked. The size is read first, outside the lock.
func sizedRead[T any](name string, read func(st *fileState, r io.Reader, n int64) (T, error)) nativeMethod {
	return func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
		if err := checkArgs(name, args, kw, 0, 1); err != nil {
			return nil, err
		}
		n, err := sizeArg(args)
		if err != nil {
			return nil, err
		}
		return withOpenFile(self, func(st *fileState, obj any) (any, error) {
			v, err := read(st, obj.(io.Reader), n)
			return v, err
		})
	}
}

// fileIter iterates by lines. It returns an iterator object rather than
// the file itself: BUFFITER, which Go clients iterate with, serves only
// iterator objects. The iterator reads through the same state, so it
// mixes with readline as a Python file's iteration does; a read error
// ends it.
func fileIter(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__iter__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	obj := self.Interface()
	st := fileStateOf(obj)
	if st.closed.Load() {
		return nil, closedFile()
	}
	r := obj.(io.Reader)
	return &goIterator{pyName: "builtins.generator", next: func() (any, bool) {
		st.mu.Lock()
		defer st.mu.Unlock()
		if st.closed.Load() {
			return nil, false
		}
		line, err := st.readLine(r, -1)
		if err != nil || len(line) == 0 {
			return nil, false
		}
		return line, true
	}}, nil
}

// fileNext is __next__: the next line, StopIteration at EOF. Unlike
// iteration through fileIter, it raises a read error.
func fileNext(st *fileState, obj any, _ brine.Tuple) (any, error) {
	line, err := st.readLine(obj.(io.Reader), -1)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, vinegar.ErrStopIteration
	}
	return line, nil
}

func fileWrite(st *fileState, obj any, args brine.Tuple) (any, error) {
	return st.writeData(obj, args[0])
}

func fileWritelines(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("writelines", args, kw, 1, 1); err != nil {
		return nil, err
	}
	lines, err := p.iterableItems(ctx, args[0], "")
	if err != nil {
		return nil, err
	}
	return withOpenFile(self, func(st *fileState, obj any) (any, error) {
		for _, l := range lines {
			if _, err := st.writeData(obj, l); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
}

func fileClose(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("close", args, kw, 0, 0); err != nil {
		return nil, err
	}
	return nil, closeFile(self.Interface())
}

func fileFlush(_ *fileState, obj any, _ brine.Tuple) (any, error) {
	switch f := obj.(type) {
	case interface{ Flush() error }:
		return nil, f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return nil, nil
}

func fileEnter(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__enter__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	obj := self.Interface()
	if fileStateOf(obj).closed.Load() {
		return nil, closedFile()
	}
	return obj, nil
}

// fileExit is __exit__(exc_type, exc_value, traceback): it closes the
// file and returns False, so an exception raised in the block goes on.
func fileExit(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__exit__", args, kw, 0, 3); err != nil {
		return nil, err
	}
	if err := closeFile(self.Interface()); err != nil {
		return nil, err
	}
	return false, nil
}

// fileCan makes readable(), writable() and seekable().
func fileCan(name string, can bool) nativeMethod {
	return func(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
		if err := checkArgs(name, args, kw, 0, 0); err != nil {
			return nil, err
		}
		if fileStateOf(self.Interface()).closed.Load() {
			return nil, closedFile()
		}
		return can, nil
	}
}

// fileSeek is seek(offset, whence=0); bytes read ahead are given back.
func fileSeek(p *Policy, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("seek", args, kw, 1, 2); err != nil {
		return nil, err
	}
	off, huge, ok := pyIndexValue(args[0])
	if !ok || huge {
		return nil, typeError("seek offset must be an int that fits 64 bits, not %s", ShortTypeName(args[0]))
	}
	whence := int64(io.SeekStart)
	if len(args) == 2 {
		if whence, _, ok = pyIndexValue(args[1]); !ok {
			return nil, typeError("'%s' object cannot be interpreted as an integer", ShortTypeName(args[1]))
		}
	}
	if whence < 0 || whence > 2 {
		return nil, vinegar.New("ValueError", fmt.Sprintf("invalid whence (%d, should be 0, 1 or 2)", whence))
	}
	return withOpenFile(self, func(st *fileState, obj any) (any, error) {
		if whence == io.SeekCurrent {
			off -= int64(len(st.pending))
		}
		pos, err := obj.(io.Seeker).Seek(off, int(whence))
		if err != nil {
			return nil, err
		}
		st.pending = nil
		return pos, nil
	})
}

// fileTell is tell(): where the peer has read to, which is behind the
// value's own position by what readline read ahead.
func fileTell(st *fileState, obj any, _ brine.Tuple) (any, error) {
	pos, err := obj.(io.Seeker).Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	return pos - int64(len(st.pending)), nil
}
