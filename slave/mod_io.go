package slave

import (
	"context"
	"errors"
	"io"
	"sync"

	"github.com/rpyc-go/rpyc/classic"
	"github.com/rpyc-go/rpyc/vinegar"

	"github.com/rpyc-go/rpyc"
)

// ioModule is Python's io: StringIO and BytesIO in memory, open (the
// builtin), the seek constants and UnsupportedOperation.
type ioModule struct {
	Module
	b                    *SlaveService
	SeekSet              int            `rpyc:"SEEK_SET"`
	SeekCur              int            `rpyc:"SEEK_CUR"`
	SeekEnd              int            `rpyc:"SEEK_END"`
	DefaultBufferSize    int            `rpyc:"DEFAULT_BUFFER_SIZE"`
	UnsupportedOperation *vinegar.Class `rpyc:"UnsupportedOperation"`
}

func newIO(s *SlaveService) *ioModule {
	return &ioModule{Module: newModule("io"), b: s, SeekCur: 1, SeekEnd: 2, DefaultBufferSize: 8192, UnsupportedOperation: errUnsupportedOp}
}

// RPyCParams gives the constructors Python's arguments.
func (m *ioModule) RPyCParams() map[string]string {
	return map[string]string{"StringIO": "initial_value='', newline='\\n'", "BytesIO": "initial_bytes=b''",
		"Open": "file, mode='r', buffering=-1, encoding=None, errors=None, newline=None"}
}

// RPyCNames keeps the classes' spelling.
func (m *ioModule) RPyCNames() map[string]string {
	return map[string]string{"StringIO": "StringIO", "BytesIO": "BytesIO"}
}

// Open is io.open, the builtin open.
func (m *ioModule) Open(ctx context.Context, file any, mode string, buffering int, encoding, errs, newline any) (any, error) {
	b, err := m.b.module("builtins")
	if err != nil {
		return nil, err
	}
	return b.(*builtinsModule).Open(ctx, file, mode, buffering, encoding, errs, newline)
}

// StringIO is io.StringIO.
func (m *ioModule) StringIO(initial any, newline any) (*StringIO, error) {
	s, _ := initial.(string)
	if initial != nil && !isStr(initial) {
		return nil, vinegar.New("TypeError", "initial_value must be str or None, not "+pyType(initial))
	}
	mem := &memFile{data: []byte(s)}
	return &StringIO{TextFile: newTextFile(mem, nil, "r+"), mem: mem}, nil
}

func isStr(v any) bool { _, ok := v.(string); return ok }

// BytesIO is io.BytesIO.
func (m *ioModule) BytesIO(initial any) (*BytesIO, error) {
	b, err := bytesArg(initial, "")
	if err != nil {
		return nil, err
	}
	return &BytesIO{memFile: &memFile{data: append([]byte{}, b...)}}, nil
}

// memFile is a file in memory: read, write, seek, truncate.
type memFile struct {
	mu     sync.Mutex
	data   []byte
	pos    int64
	closed bool
}

func (f *memFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pos >= int64(len(f.data)) {
		return 0, io.EOF
	}
	n := copy(p, f.data[f.pos:])
	f.pos += int64(n)
	return n, nil
}

func (f *memFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	end := f.pos + int64(len(p))
	if end > int64(len(f.data)) {
		f.data = append(f.data, make([]byte, end-int64(len(f.data)))...)
	}
	copy(f.data[f.pos:], p)
	f.pos = end
	return len(p), nil
}

func (f *memFile) Seek(off int64, whence int) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch whence {
	case io.SeekCurrent:
		off += f.pos
	case io.SeekEnd:
		off += int64(len(f.data))
	}
	if off < 0 {
		return 0, vinegar.New("ValueError", "negative seek value")
	}
	f.pos = off
	return off, nil
}

func (f *memFile) Truncate(n int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n < int64(len(f.data)) {
		f.data = f.data[:n]
	}
	return nil
}

func (f *memFile) Close() error { f.closed = true; return nil }

// Getvalue is getvalue(): everything written.
func (f *memFile) Getvalue() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte{}, f.data...)
}

// StringIO is io.StringIO: a text file in memory.
type StringIO struct {
	*TextFile
	mem *memFile
}

// RPyCTypeName is Python's class.
func (s *StringIO) RPyCTypeName() string { return "_io.StringIO" }

// GoString is Python's repr.
func (s *StringIO) GoString() string { return "<_io.StringIO object>" }

// Getvalue is getvalue().
func (s *StringIO) Getvalue() string { return string(s.mem.Getvalue()) }

// RPyCRelease drops nothing: memory is collected.
func (s *StringIO) RPyCRelease(*rpyc.Conn) {}

// BytesIO is io.BytesIO: a binary file in memory.
type BytesIO struct {
	*memFile
}

// RPyCTypeName is Python's class.
func (b *BytesIO) RPyCTypeName() string { return "_io.BytesIO" }

// GoString is Python's repr.
func (b *BytesIO) GoString() string { return "<_io.BytesIO object>" }

// pickleModule is Python's pickle for plain data (None, bools, numbers,
// str, bytes, bytearray, lists, tuples, dicts, sets): what
// rpyc.classic.deliver sends and obtain receives. loads reads every
// protocol (0-5) with classic.Unpickler and builds the interpreter's
// own containers, so dicts keep the pickle's key order as Python's do;
// dumps writes dicts in their order. Other objects are an
// UnpicklingError or PicklingError naming them.
type pickleModule struct {
	Module
	HighestProtocol int            `rpyc:"HIGHEST_PROTOCOL"`
	DefaultProtocol int            `rpyc:"DEFAULT_PROTOCOL"`
	PickleError     *vinegar.Class `rpyc:"PickleError"`
	PicklingError   *vinegar.Class `rpyc:"PicklingError"`
	UnpicklingError *vinegar.Class `rpyc:"UnpicklingError"`

	s *SlaveService
}

func newPickle(s *SlaveService) *pickleModule {
	return &pickleModule{Module: newModule("pickle"), HighestProtocol: 5, DefaultProtocol: 4,
		PickleError: errPickleError, PicklingError: errPicklingError, UnpicklingError: errUnpicklingError, s: s}
}

// RPyCParams gives the functions Python's arguments.
func (m *pickleModule) RPyCParams() map[string]string {
	return map[string]string{"Dumps": "obj, protocol=None, fix_imports=True, buffer_callback=None",
		"Loads": "data, fix_imports=True, encoding='ASCII', errors='strict', buffers=()"}
}

// Dumps is pickle.dumps.
func (m *pickleModule) Dumps(ctx context.Context, obj, protocol any, fixImports bool, bufferCallback any) ([]byte, error) {
	p := 4
	if n, ok := protocol.(int64); ok {
		p = int(n)
	}
	data, err := toData(ctx, obj, 0)
	if err != nil {
		return nil, err
	}
	out, err := rpyc.Pickle(data, p)
	if err != nil {
		return nil, errPicklingError.New(err.Error())
	}
	return out, nil
}

// Loads is pickle.loads: a new value, its containers the interpreter's
// (see SlaveService.fresh), in the pickle's order.
func (m *pickleModule) Loads(data any, fixImports bool, encoding, errs string, buffers any) (any, error) {
	b, err := bytesArg(data, "unpickling")
	if err != nil {
		return nil, err
	}
	u := &classic.Unpickler{Builder: codeBuilder{}, Encoding: encoding}
	v, err := u.Unpickle(b)
	var bad *classic.UnpickleError
	switch {
	case errors.As(err, &bad) && bad.Class == "UnpicklingError":
		return nil, errUnpicklingError.New(bad.Msg)
	case bad != nil:
		return nil, vinegar.New(bad.Class, bad.Msg)
	case err != nil:
		return nil, errUnpicklingError.New(err.Error())
	}
	return m.s.code.Export(v), nil
}

// compatModule is rpyc.lib.compat, which rpyc.classic.deliver reaches
// for its pickle module.
type compatModule struct {
	Module
	Pickle  *pickleModule `rpyc:"pickle"`
	IsPy3k  bool          `rpyc:"is_py_3k"`
	IsPyGte bool          `rpyc:"is_py_gte38"`
}
