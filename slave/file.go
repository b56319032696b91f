package slave

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// openFile is builtins.open: mode is Python's ("r", "w", "a", "x", with
// "+" and "b" or "t").
func openFile(path, mode string) (any, error) {
	flags, err := openFlags(mode)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flags, 0o666)
	if err != nil {
		return nil, err
	}
	if strings.Contains(mode, "b") {
		return newFile(f, path, mode), nil
	}
	return newTextFile(f, path, mode), nil
}

// newFile wraps f as a binary file object called name.
func newFile(f *os.File, name any, mode string) *File {
	return &File{f: f, Name: name, Mode: mode}
}

// stream is what a text file reads and writes: an *os.File (with seek,
// truncate and fileno), or a socket.
type stream interface {
	io.Reader
	io.Writer
	io.Closer
}

// newTextFile wraps f as a text file object called name.
func newTextFile(f stream, name any, mode string) *TextFile {
	return &TextFile{f: f, r: bufio.NewReader(f), Name: name, Mode: mode, Encoding: "utf-8"}
}

func openFlags(mode string) (int, error) {
	bad := func() (int, error) {
		return 0, vinegar.New("ValueError", fmt.Sprintf("invalid mode: '%s'", mode))
	}
	var flags, kinds int
	plus := strings.Contains(mode, "+")
	for _, c := range mode {
		switch c {
		case 'r':
			kinds++
			flags |= os.O_RDONLY
		case 'w':
			kinds++
			flags |= os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		case 'a':
			kinds++
			flags |= os.O_WRONLY | os.O_CREATE | os.O_APPEND
		case 'x':
			kinds++
			flags |= os.O_WRONLY | os.O_CREATE | os.O_EXCL
		case 'b', 't', '+':
		default:
			return bad()
		}
	}
	if kinds != 1 || (strings.Contains(mode, "b") && strings.Contains(mode, "t")) {
		return bad()
	}
	if plus {
		flags = flags&^(os.O_WRONLY) | os.O_RDWR
	}
	return flags, nil
}

// File is a file opened in binary mode: Python's file object over an
// *os.File (read, write, readline, seek, tell, close, iteration, with),
// by the engine's file kind. The file is closed when the client drops its
// last reference or the connection ends, if the client did not close it.
type File struct {
	f       *os.File
	owner   any    // the Popen of a pipe, nil for files from open
	onClose func() // removes a temporary file
	// Name is the file's name attribute (a file descriptor for pipes).
	Name any `rpyc:"name"`
	// Mode is the file's mode attribute.
	Mode string `rpyc:"mode"`
	// Closed is the closed attribute.
	Closed bool `rpyc:"closed"`
}

// Read reads from the file, for the engine's file kind (read, readline,
// iteration).
func (f *File) Read(p []byte) (int, error) { return f.f.Read(p) }

// Write writes to the file, for the file kind's write.
func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// Seek moves the offset, for the file kind's seek and tell.
func (f *File) Seek(off int64, whence int) (int64, error) { return f.f.Seek(off, whence) }

// Close closes the file (close, and the end of a with block); closing
// twice is fine, as in Python.
func (f *File) Close() error {
	f.Closed = true
	err := closeQuiet(f.f)
	if f.onClose != nil {
		f.onClose()
	}
	return err
}

// Fileno is fileno(): the descriptor.
func (f *File) Fileno() int { return int(f.f.Fd()) }

// RPyCRelease closes the file when the client dropped it unclosed or the
// connection ended, so forgotten files do not leak descriptors. A file
// stays open while the client holds one of its bound methods or its
// iterator (the object table keeps it): it closes when nothing the client
// holds refers to it, as in Python.
func (f *File) RPyCRelease(*rpyc.Conn) {
	if f.owner == nil {
		_ = f.Close()
	}
}

// RPyCOwner keeps a pipe's Popen in the table while the client holds the
// pipe: the pipe is closed when the Popen is released, and the Popen is
// not released while the client still reads the pipe.
func (f *File) RPyCOwner() any { return f.owner }

// RPyCTypeName is the class Python's open gives for the mode.
func (f *File) RPyCTypeName() string { return "_io." + f.className() }

func (f *File) className() string {
	switch {
	case strings.Contains(f.Mode, "+"):
		return "BufferedRandom"
	case strings.Contains(f.Mode, "r"):
		return "BufferedReader"
	}
	return "BufferedWriter"
}

// GoString is the file's Python repr.
func (f *File) GoString() string {
	return fmt.Sprintf("<_io.%s name=%s>", f.className(), pyRepr(f.Name))
}

// closeQuiet closes f; closing twice is not an error, as in Python.
func closeQuiet(f *os.File) error {
	if err := f.Close(); err != nil && !strings.Contains(err.Error(), os.ErrClosed.Error()) {
		return err
	}
	return nil
}

// TextFile is a file opened in text mode: str in and out, UTF-8, with
// Python's methods.
type TextFile struct {
	mu      sync.Mutex    // serialises the client's calls
	f       stream        // an *os.File, a pipe, a socket
	r       *bufio.Reader // read-ahead; reset on seek and before writes
	owner   any           // the Popen or socket of a pipe or socket file
	onClose func()        // removes a temporary file
	// Name is the file's name attribute (a file descriptor for pipes).
	Name any `rpyc:"name"`
	// Mode is the file's mode attribute.
	Mode string `rpyc:"mode"`
	// Encoding is the encoding attribute: always UTF-8 here.
	Encoding string `rpyc:"encoding"`
	// Closed is the closed attribute.
	Closed bool `rpyc:"closed"`
}

// RPyCParams gives the methods Python's defaults.
func (t *TextFile) RPyCParams() map[string]string {
	return map[string]string{"Read": "size=-1", "Readline": "size=-1", "Seek": "offset, whence=0",
		"Readlines": "hint=-1", "Truncate": "size=None"}
}

// RPyCNames gives the dunders for the with statement and iteration.
func (t *TextFile) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__", "Iter": "__iter__", "Next": "__next__"}
}

// RPyCTypeName is the class of Python's text files.
func (t *TextFile) RPyCTypeName() string { return "_io.TextIOWrapper" }

func (t *TextFile) check() error {
	if t.Closed {
		return vinegar.New("ValueError", "I/O operation on closed file.")
	}
	return nil
}

// Read is read(size=-1): up to size characters, or all that is left.
func (t *TextFile) Read(size int) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return "", err
	}
	if size < 0 {
		b, err := io.ReadAll(t.r)
		return string(b), err
	}
	var sb strings.Builder
	for range size {
		r, _, err := t.r.ReadRune()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", err
		}
		sb.WriteRune(r)
	}
	return sb.String(), nil
}

// Readline is readline(size=-1): one line with its newline, "" at the end.
func (t *TextFile) Readline(size int) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return "", err
	}
	line, err := t.r.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	if size >= 0 && len(line) > size {
		// Give back what the caller did not ask for.
		rest := line[size:]
		line = line[:size]
		t.r = bufio.NewReader(io.MultiReader(strings.NewReader(rest), t.r))
	}
	return line, nil
}

// Readlines is readlines(hint=-1): every line left (hint is accepted
// and, as CPython allows, may be ignored).
func (t *TextFile) Readlines(hint int) ([]string, error) {
	out := []string{}
	for {
		l, err := t.Readline(-1)
		if err != nil || l == "" {
			return out, err
		}
		out = append(out, l)
	}
}

// Next is __next__: the next line, StopIteration at the end.
func (t *TextFile) Next() (string, error) {
	l, err := t.Readline(-1)
	if err != nil {
		return "", err
	}
	if l == "" {
		return "", vinegar.ErrStopIteration
	}
	return l, nil
}

// Iter is __iter__: the lines left, one by one. The iterator keeps the
// file open while the client holds it, even when the client dropped the
// file itself ("for line in open(p)"); the object table sees to that.
func (t *TextFile) Iter() iter.Seq[any] {
	return func(yield func(any) bool) {
		for {
			l, err := t.Readline(-1)
			if err != nil || l == "" || !yield(l) {
				return
			}
		}
	}
}

// Write is write(s): s is written as UTF-8; returns its length.
func (t *TextFile) Write(s string) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return 0, err
	}
	if err := t.unread(); err != nil {
		return 0, err
	}
	if _, err := io.WriteString(t.f, s); err != nil {
		return 0, err
	}
	return len([]rune(s)), nil
}

// unread moves the file offset back over what was read ahead.
func (t *TextFile) unread() error {
	if n := t.r.Buffered(); n > 0 {
		sk, ok := t.f.(io.Seeker)
		if !ok {
			return errUnsupportedOp.New("underlying stream is not seekable")
		}
		if _, err := sk.Seek(int64(-n), io.SeekCurrent); err != nil {
			return err
		}
	}
	t.r.Reset(t.f)
	return nil
}

// Seek is seek(offset, whence=0).
func (t *TextFile) Seek(offset int64, whence int) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return 0, err
	}
	if err := t.unread(); err != nil {
		return 0, err
	}
	sk, ok := t.f.(io.Seeker)
	if !ok {
		return 0, errUnsupportedOp.New("underlying stream is not seekable")
	}
	return sk.Seek(offset, whence)
}

// Tell is tell(): the position, not counting what was read ahead.
func (t *TextFile) Tell() (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return 0, err
	}
	sk, ok := t.f.(io.Seeker)
	if !ok {
		return 0, errUnsupportedOp.New("underlying stream is not seekable")
	}
	pos, err := sk.Seek(0, io.SeekCurrent)
	return pos - int64(t.r.Buffered()), err
}

// Writelines is writelines(lines): each str written in turn.
func (t *TextFile) Writelines(ctx context.Context, lines any) error {
	items, err := listOf(ctx, lines)
	if err != nil {
		return err
	}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return vinegar.New("TypeError", "write() argument must be str, not "+pyType(it))
		}
		if _, err := t.Write(s); err != nil {
			return err
		}
	}
	return nil
}

// Truncate is truncate(size=None): at size, or at the current position.
func (t *TextFile) Truncate(size any) (int64, error) {
	pos, err := t.Tell()
	if err != nil {
		return 0, err
	}
	if size != nil {
		if pos, err = intArg(size, "size"); err != nil {
			return 0, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.f.(interface{ Truncate(int64) error })
	if !ok {
		return 0, errUnsupportedOp.New("truncate")
	}
	return pos, tr.Truncate(pos)
}

// Flush is flush(): writes are not buffered here.
func (t *TextFile) Flush() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.check()
}

// Readable is readable().
func (t *TextFile) Readable() bool { return strings.ContainsAny(t.Mode, "r+") }

// Writable is writable().
func (t *TextFile) Writable() bool { return strings.ContainsAny(t.Mode, "wax+") }

// Seekable is seekable().
func (t *TextFile) Seekable() bool {
	sk, ok := t.f.(io.Seeker)
	if !ok {
		return false
	}
	_, err := sk.Seek(0, io.SeekCurrent)
	return err == nil
}

// Fileno is fileno(): the descriptor.
func (t *TextFile) Fileno() (int, error) {
	if f, ok := t.f.(interface{ Fd() uintptr }); ok {
		return int(f.Fd()), nil
	}
	return 0, errUnsupportedOp.New("fileno")
}

// Close is close(); closing twice is fine.
func (t *TextFile) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Closed {
		return nil
	}
	t.Closed = true
	err := t.f.Close()
	if t.onClose != nil {
		t.onClose()
	}
	return err
}

// Enter is __enter__: the file itself.
func (t *TextFile) Enter() *TextFile { return t }

// Exit is __exit__: closes the file and lets any exception through.
func (t *TextFile) Exit(args ...any) (bool, error) { return false, t.Close() }

// RPyCRelease closes the file when nothing the client holds refers to
// it any more (the file, a bound method, its iterator), or the
// connection ended. Writes are not buffered here, so none is lost
// whatever the order of the client's releases.
func (t *TextFile) RPyCRelease(*rpyc.Conn) {
	if t.owner == nil {
		_ = t.Close()
	}
}

// RPyCOwner keeps a pipe's Popen (a socket file's socket) in the table
// while the client holds the file; see File.RPyCOwner.
func (t *TextFile) RPyCOwner() any { return t.owner }

// GoString is the file's Python repr.
func (t *TextFile) GoString() string {
	return fmt.Sprintf("<_io.TextIOWrapper name=%s mode='%s' encoding='utf-8'>", pyRepr(t.Name), t.Mode)
}
