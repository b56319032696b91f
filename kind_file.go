package rpyc

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
// Per-object state. readline must read ahead to find a newline, and what
// it read beyond the line belongs to the next call; close must be
// remembered so later calls raise ValueError("I/O operation on closed
// file.") even for values (a *bytes.Reader) that have no Close. Both live
// in a fileState found in fileStates, keyed by the value's type and a weak
// pointer to it: a weak key does not keep the value alive, and, unlike an
// address, cannot be confused with a later value allocated at the same
// address. A runtime cleanup removes the entry when the value is
// collected, so nothing is held until close and nothing leaks without it.
// Values with no identity (non-pointers, pointers to zero-size types) get
// no state: readline then reads one byte at a time so it never reads
// ahead, and close is not remembered. A write on a value that has read
// ahead seeks back over the unread bytes first when the value is an
// io.Seeker, as Python's buffered files do.
//
// Each object's operations are serialised by its state's mutex. close
// does not wait for that mutex: closing is how one unblocks a read stuck
// on a pipe, so it marks the state closed and calls Close at once.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"weak"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// The capabilities a file kind is built for.
const (
	fileReads = 1 << iota
	fileWrites
	fileSeeks
)

// fileKinds holds one kind per combination of capabilities, so dir() and
// INSPECT list only what the value can do. Filled in init, as listKind.
var fileKinds [8]*kindSpec

// fileKindFor returns the file kind for obj, or nil when obj is neither
// an io.Reader nor an io.Writer. kindFor has already sent slices and maps
// to listKind and dictKind.
func fileKindFor(obj any) *kindSpec {
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
	return fileKinds[caps]
}

func init() {
	for caps := range fileKinds {
		if caps&(fileReads|fileWrites) == 0 {
			continue
		}
		m := map[string]nativeMethod{
			"close":     fileClose,
			"flush":     fileFlush,
			"__enter__": fileEnter,
			"__exit__":  fileExit,
			"readable":  fileCan("readable", caps&fileReads != 0),
			"writable":  fileCan("writable", caps&fileWrites != 0),
			"seekable":  fileCan("seekable", caps&fileSeeks != 0),
		}
		if caps&fileReads != 0 {
			m["read"] = fileRead
			m["readline"] = fileReadline
			m["readlines"] = fileReadlines
			m["__iter__"] = fileIter
			m["__next__"] = fileNext
		}
		if caps&fileWrites != 0 {
			m["write"] = fileWrite
			m["writelines"] = fileWritelines
		}
		if caps&fileSeeks != 0 {
			m["seek"] = fileSeek
			m["tell"] = fileTell
		}
		fileKinds[caps] = &kindSpec{pyName: "rpyc.GoFile", methods: m}
	}
}

// fileState is what a file-like value needs remembered between calls.
type fileState struct {
	mu      sync.Mutex // serialises the value's operations
	pending []byte     // read ahead by readline, not yet returned
	closed  atomic.Bool
	keep    bool // false: a throwaway state for a value without identity
}

// fileKey identifies a value without keeping it alive.
type fileKey struct {
	t reflect.Type
	p weak.Pointer[byte]
}

var fileStates sync.Map // fileKey -> *fileState

// fileStateOf returns obj's state, creating it on first use.
func fileStateOf(obj any) *fileState {
	rv := reflect.ValueOf(obj)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Type().Elem().Size() == 0 {
		return &fileState{}
	}
	p := (*byte)(rv.UnsafePointer())
	key := fileKey{t: rv.Type(), p: weak.Make(p)}
	if st, ok := fileStates.Load(key); ok {
		return st.(*fileState)
	}
	st, loaded := fileStates.LoadOrStore(key, &fileState{keep: true})
	if !loaded {
		runtime.AddCleanup(p, func(k fileKey) { fileStates.Delete(k) }, key)
	}
	return st.(*fileState)
}

func closedFile() error {
	return vinegar.New("ValueError", "I/O operation on closed file.")
}

// lockOpen locks obj's state for an operation, or refuses a closed file.
func lockOpen(obj any) (*fileState, error) {
	st := fileStateOf(obj)
	st.mu.Lock()
	if st.closed.Load() {
		st.mu.Unlock()
		return nil, closedFile()
	}
	return st, nil
}

// take removes and returns the first n pending bytes (never nil, so the
// peer gets b"" rather than None).
func (st *fileState) take(n int) []byte {
	out := make([]byte, n)
	copy(out, st.pending)
	st.pending = st.pending[n:]
	if len(st.pending) == 0 {
		st.pending = nil
	}
	return out
}

// read returns up to n bytes (all when n < 0), short only at EOF. On an
// error the bytes read so far stay pending for the next call.
func (st *fileState) read(r io.Reader, n int64) ([]byte, error) {
	if n >= 0 && int64(len(st.pending)) >= n {
		return st.take(int(n)), nil
	}
	src := r
	if n >= 0 {
		src = io.LimitReader(r, n-int64(len(st.pending)))
	}
	rest, err := io.ReadAll(src)
	out := append(st.take(len(st.pending)), rest...)
	if err != nil {
		st.pending = out
		return nil, err
	}
	return out, nil
}

// readLine returns the next line with its '\n', at most limit bytes when
// limit >= 0; b"" at EOF.
func (st *fileState) readLine(r io.Reader, limit int64) ([]byte, error) {
	chunk := 1
	if st.keep {
		chunk = 4096
	}
	buf := make([]byte, chunk)
	for idle := 0; ; {
		search := st.pending
		if limit >= 0 && int64(len(search)) > limit {
			search = search[:limit]
		}
		if i := bytes.IndexByte(search, '\n'); i >= 0 {
			return st.take(i + 1), nil
		}
		if limit >= 0 && int64(len(st.pending)) >= limit {
			return st.take(int(limit)), nil
		}
		n, err := r.Read(buf)
		st.pending = append(st.pending, buf[:n]...)
		switch {
		case err == io.EOF:
			return st.take(len(st.pending)), nil
		case err != nil:
			return nil, err
		case n == 0:
			if idle++; idle > 100 {
				return nil, io.ErrNoProgress
			}
		default:
			idle = 0
		}
	}
}

// sizeArg reads an optional size argument: absent or None is -1.
func sizeArg(args brine.Tuple) (int64, error) {
	if len(args) == 0 || args[0] == nil {
		return -1, nil
	}
	n, huge, ok := pyIndexValue(args[0])
	if !ok {
		return 0, typeError("argument should be integer or None, not '%s'", pyTypeOf(args[0]))
	}
	if huge && n > 0 {
		return 0, vinegar.New("OverflowError", "Python int too large to convert to C ssize_t")
	}
	return n, nil
}

func fileRead(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("read", args, kw, 0, 1); err != nil {
		return nil, err
	}
	n, err := sizeArg(args)
	if err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	return st.read(obj.(io.Reader), n)
}

func fileReadline(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("readline", args, kw, 0, 1); err != nil {
		return nil, err
	}
	n, err := sizeArg(args)
	if err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	return st.readLine(obj.(io.Reader), n)
}

// fileReadlines reads the remaining lines (stopping once hint bytes are
// read, when hint > 0) into a tuple of bytes.
func fileReadlines(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("readlines", args, kw, 0, 1); err != nil {
		return nil, err
	}
	hint, err := sizeArg(args)
	if err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	out := brine.Tuple{}
	total := int64(0)
	for {
		line, err := st.readLine(obj.(io.Reader), -1)
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			return out, nil
		}
		out = append(out, line)
		if total += int64(len(line)); hint > 0 && total >= hint {
			return out, nil
		}
	}
}

// fileIter iterates by lines. It returns an iterator object rather than
// the file itself: BUFFITER, which Go clients iterate with, serves only
// iterator objects. The iterator reads through the same state, so it
// mixes with readline as a Python file's iteration does; a read error
// ends it.
func fileIter(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
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

func fileNext(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("__next__", args, kw, 0, 0); err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	line, err := st.readLine(obj.(io.Reader), -1)
	if err != nil {
		return nil, err
	}
	if len(line) == 0 {
		return nil, vinegar.ErrStopIteration
	}
	return line, nil
}

// writeData writes one bytes or str value with st locked; the result is
// Python's count: bytes for bytes, characters for str.
func (st *fileState) writeData(obj any, data any) (int64, error) {
	var p []byte
	isStr := false
	switch d := data.(type) {
	case []byte:
		p = d
	case string:
		p, isStr = []byte(d), true
	default:
		return 0, typeError("a bytes-like object is required, not '%s'", pyTypeOf(data))
	}
	if len(st.pending) > 0 {
		if sk, ok := obj.(io.Seeker); ok {
			if _, err := sk.Seek(-int64(len(st.pending)), io.SeekCurrent); err != nil {
				return 0, err
			}
			st.pending = nil
		}
	}
	n, err := obj.(io.Writer).Write(p)
	if err != nil {
		return 0, err
	}
	if isStr {
		return int64(utf8.RuneCount(p[:n])), nil
	}
	return int64(n), nil
}

func fileWrite(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("write", args, kw, 1, 1); err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	return st.writeData(obj, args[0])
}

func fileWritelines(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("writelines", args, kw, 1, 1); err != nil {
		return nil, err
	}
	lines, err := iterableItems(ctx, args[0], "")
	if err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	for _, l := range lines {
		if _, err := st.writeData(obj, l); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// closeFile marks obj closed and closes it once.
func closeFile(obj any) error {
	st := fileStateOf(obj)
	if st.closed.Swap(true) {
		return nil
	}
	var err error
	switch cl := obj.(type) {
	case io.Closer:
		err = cl.Close()
	case interface{ Close() }:
		cl.Close()
	}
	if st.mu.TryLock() {
		st.pending = nil
		st.mu.Unlock()
	}
	return err
}

func fileClose(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("close", args, kw, 0, 0); err != nil {
		return nil, err
	}
	return nil, closeFile(self.Interface())
}

func fileFlush(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("flush", args, kw, 0, 0); err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	switch f := obj.(type) {
	case interface{ Flush() error }:
		return nil, f.Flush()
	case interface{ Flush() }:
		f.Flush()
	}
	return nil, nil
}

func fileEnter(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
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
func fileExit(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
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
	return func(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
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
func fileSeek(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("seek", args, kw, 1, 2); err != nil {
		return nil, err
	}
	off, huge, ok := pyIndexValue(args[0])
	if !ok || huge {
		return nil, typeError("seek offset must be an int that fits 64 bits, not %s", pyTypeOf(args[0]))
	}
	whence := int64(io.SeekStart)
	if len(args) == 2 {
		if whence, _, ok = pyIndexValue(args[1]); !ok {
			return nil, typeError("'%s' object cannot be interpreted as an integer", pyTypeOf(args[1]))
		}
	}
	if whence < 0 || whence > 2 {
		return nil, vinegar.New("ValueError", fmt.Sprintf("invalid whence (%d, should be 0, 1 or 2)", whence))
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	if whence == io.SeekCurrent {
		off -= int64(len(st.pending))
	}
	pos, err := obj.(io.Seeker).Seek(off, int(whence))
	if err != nil {
		return nil, err
	}
	st.pending = nil
	return pos, nil
}

func fileTell(c *Conn, ctx context.Context, self reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	if err := checkArgs("tell", args, kw, 0, 0); err != nil {
		return nil, err
	}
	obj := self.Interface()
	st, err := lockOpen(obj)
	if err != nil {
		return nil, err
	}
	defer st.mu.Unlock()
	pos, err := obj.(io.Seeker).Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	return pos - int64(len(st.pending)), nil
}
