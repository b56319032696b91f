package slave

import (
	"bufio"
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
		return &File{f: f, Name: path, Mode: mode}, nil
	}
	return &TextFile{f: f, r: bufio.NewReader(f), Name: path, Mode: mode}, nil
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
	f *os.File
	// Name is the file's name attribute.
	Name string `rpyc:"name"`
	// Mode is the file's mode attribute.
	Mode string `rpyc:"mode"`
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
func (f *File) Close() error { return closeQuiet(f.f) }

// RPyCRelease closes the file when the client dropped it unclosed or the
// connection ended, so forgotten files do not leak descriptors.
func (f *File) RPyCRelease(*rpyc.Conn) { _ = closeQuiet(f.f) }

// GoString is the file's Python repr.
func (f *File) GoString() string {
	return fmt.Sprintf("<_io.BufferedIOBase name='%s' mode='%s'>", f.Name, f.Mode)
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
	mu sync.Mutex // serialises the client's calls
	f  *os.File
	r  *bufio.Reader // read-ahead; reset on seek and before writes
	// Name is the file's name attribute.
	Name string `rpyc:"name"`
	// Mode is the file's mode attribute.
	Mode   string `rpyc:"mode"`
	closed bool
}

// RPyCParams gives the methods Python's defaults.
func (t *TextFile) RPyCParams() map[string]string {
	return map[string]string{"Read": "size=-1", "Readline": "size=-1", "Seek": "offset, whence=0"}
}

// RPyCNames gives the dunders for the with statement and iteration.
func (t *TextFile) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__", "Iter": "__iter__"}
}

func (t *TextFile) check() error {
	if t.closed {
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

// Readlines is readlines(): every line left.
func (t *TextFile) Readlines() ([]string, error) {
	var out []string
	for {
		l, err := t.Readline(-1)
		if err != nil || l == "" {
			return out, err
		}
		out = append(out, l)
	}
}

// Iter is __iter__: the lines left, one by one.
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
		if _, err := t.f.Seek(int64(-n), io.SeekCurrent); err != nil {
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
	return t.f.Seek(offset, whence)
}

// Tell is tell(): the position, not counting what was read ahead.
func (t *TextFile) Tell() (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return 0, err
	}
	pos, err := t.f.Seek(0, io.SeekCurrent)
	return pos - int64(t.r.Buffered()), err
}

// Flush is flush(): writes are not buffered here.
func (t *TextFile) Flush() error { return nil }

// Close is close(); closing twice is fine.
func (t *TextFile) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	return t.f.Close()
}

// Closed is the closed attribute.
func (t *TextFile) Closed() bool { return t.closed }

// Enter is __enter__: the file itself.
func (t *TextFile) Enter() *TextFile { return t }

// Exit is __exit__: closes the file and lets any exception through.
func (t *TextFile) Exit(args ...any) (bool, error) { return false, t.Close() }

// RPyCRelease closes the file when the client forgot it.
func (t *TextFile) RPyCRelease(*rpyc.Conn) { _ = t.Close() }

// GoString is the file's Python repr.
func (t *TextFile) GoString() string {
	return fmt.Sprintf("<_io.TextIOWrapper name='%s' mode='%s' encoding='utf-8'>", t.Name, t.Mode)
}
