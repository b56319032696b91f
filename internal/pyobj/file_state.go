package pyobj

// The state a file-like value keeps between the peer's calls.
//
// readline must read ahead to find a newline, and what it read beyond the
// line belongs to the next call; close must be remembered so later calls
// raise ValueError("I/O operation on closed file.") even for values (a
// *bytes.Reader) that have no Close. Both live in a fileState found in
// fileStates, keyed by the value's type and a weak pointer to it: a weak
// key does not keep the value alive, and, unlike an address, cannot be
// confused with a later value allocated at the same address. A runtime
// cleanup removes the entry when the value is collected, so nothing is
// held until close and nothing leaks without it. Values with no identity
// (non-pointers, pointers to zero-size types) get no state: readline then
// reads one byte at a time so it never reads ahead, and close is not
// remembered. A write on a value that has read ahead seeks back over the
// unread bytes first when the value is an io.Seeker, as Python's buffered
// files do.
//
// Each object's operations are serialised by its state's mutex. close
// does not wait for that mutex: closing is how one unblocks a read stuck
// on a pipe, so it marks the state closed and calls Close at once.

import (
	"bytes"
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

// withOpenFile runs f with the state of the value behind self locked,
// or refuses a closed file.
func withOpenFile(self reflect.Value, f func(st *fileState, obj any) (any, error)) (any, error) {
	obj := self.Interface()
	st := fileStateOf(obj)
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.closed.Load() {
		return nil, closedFile()
	}
	return f(st, obj)
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

// readLines reads the remaining lines (stopping once hint bytes are
// read, when hint > 0) into a tuple of bytes: readlines.
func (st *fileState) readLines(r io.Reader, hint int64) (brine.Tuple, error) {
	out := brine.Tuple{}
	total := int64(0)
	for {
		line, err := st.readLine(r, -1)
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
		return 0, typeError("a bytes-like object is required, not '%s'", ShortTypeName(data))
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
