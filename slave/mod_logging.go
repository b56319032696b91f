package slave

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/rpyc-go/rpyc/vinegar"
)

// loggingModule is Python's logging, enough for scripts that log
// through the client: getLogger, basicConfig (level, format, datefmt,
// filename, filemode, stream, force), the level functions, loggers with
// levels and handlers (StreamHandler, FileHandler with a Formatter), and
// Python's %(name)s style formats. Messages are formatted with Python's
// % operator for the common conversions (%s %d %r %f %x %%).
type loggingModule struct {
	Module
	s           *SlaveService
	DEBUG       int    `rpyc:"DEBUG"`
	INFO        int    `rpyc:"INFO"`
	WARNING     int    `rpyc:"WARNING"`
	WARN        int    `rpyc:"WARN"`
	ERROR       int    `rpyc:"ERROR"`
	CRITICAL    int    `rpyc:"CRITICAL"`
	NOTSET      int    `rpyc:"NOTSET"`
	BASICFORMAT string `rpyc:"BASIC_FORMAT"`

	mu      sync.Mutex
	loggers map[string]*Logger
	root    *Logger
}

func newLogging(s *SlaveService) *loggingModule {
	m := &loggingModule{Module: newModule("logging"), s: s, DEBUG: 10, INFO: 20, WARNING: 30, WARN: 30, ERROR: 40, CRITICAL: 50,
		BASICFORMAT: "%(levelname)s:%(name)s:%(message)s", loggers: map[string]*Logger{}}
	m.root = &Logger{m: m, Name: "root", Level: 30, Propagate: true}
	return m
}

// RPyCNames serves the level constants under their names.
func (m *loggingModule) RPyCNames() map[string]string {
	return map[string]string{"StreamHandler": "StreamHandler", "FileHandler": "FileHandler", "Formatter": "Formatter",
		"GetLogger": "getLogger", "BasicConfig": "basicConfig", "GetLevelName": "getLevelName"}
}

// RPyCParams gives the functions Python's arguments.
func (m *loggingModule) RPyCParams() map[string]string {
	return map[string]string{
		"GetLogger":     "name=None",
		"BasicConfig":   "filename=None, filemode='a', format=None, datefmt=None, level=None, stream=None, force=False",
		"StreamHandler": "stream=None",
		"FileHandler":   "filename, mode='a', encoding=None, delay=False",
		"Formatter":     "fmt=None, datefmt=None",
	}
}

var levelNames = map[int]string{0: "NOTSET", 10: "DEBUG", 20: "INFO", 30: "WARNING", 40: "ERROR", 50: "CRITICAL"}

// GetLevelName is logging.getLevelName.
func (m *loggingModule) GetLevelName(level any) any {
	if n, ok := level.(int64); ok {
		if s, ok := levelNames[int(n)]; ok {
			return s
		}
		return fmt.Sprintf("Level %d", n)
	}
	if s, ok := level.(string); ok {
		for n, name := range levelNames {
			if name == s {
				return int64(n)
			}
		}
		return "Level " + s
	}
	return fmt.Sprint(level)
}

// GetLogger is logging.getLogger(name=None).
func (m *loggingModule) GetLogger(name any) *Logger {
	n, ok := name.(string)
	if !ok || n == "" || n == "root" {
		return m.root
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.loggers[n]; ok {
		return l
	}
	l := &Logger{m: m, Name: n, Propagate: true}
	m.loggers[n] = l
	return l
}

// BasicConfig is logging.basicConfig: a handler on the root logger
// (stderr of the server unless filename or stream says otherwise).
func (m *loggingModule) BasicConfig(ctx context.Context, filename any, filemode string, format, datefmt, level, stream any, force bool) error {
	root := m.root
	root.mu.Lock()
	has := len(root.handlers) > 0
	root.mu.Unlock()
	if has && !force {
		return nil
	}
	var h *Handler
	var err error
	if filename != nil {
		h, err = m.FileHandler(ctx, filename, filemode, nil, false)
		if err != nil {
			return err
		}
	} else {
		h = m.StreamHandler(stream)
	}
	f := &Formatter{Fmt: m.BASICFORMAT}
	if s, ok := format.(string); ok {
		f.Fmt = s
	}
	if s, ok := datefmt.(string); ok {
		f.Datefmt = s
	}
	h.Formatter = f
	root.mu.Lock()
	root.handlers = []*Handler{h}
	root.mu.Unlock()
	if level != nil {
		return root.SetLevel(level)
	}
	return nil
}

// StreamHandler is logging.StreamHandler(stream=None): the server's
// stderr, or the client's stream.
func (m *loggingModule) StreamHandler(stream any) *Handler {
	if stream == nil {
		stream = m.s.sys.Stderr
	}
	return &Handler{stream: stream, Level: 0}
}

// FileHandler is logging.FileHandler(filename, mode='a').
func (m *loggingModule) FileHandler(ctx context.Context, filename any, mode string, encoding any, delay bool) (*Handler, error) {
	p, err := fspath(ctx, filename)
	if err != nil {
		return nil, err
	}
	flags, err := openFlags(mode)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, flags, 0o666)
	if err != nil {
		return nil, err
	}
	m.s.track(f)
	return &Handler{stream: f, file: f}, nil
}

// Formatter is logging.Formatter(fmt=None, datefmt=None).
func (m *loggingModule) Formatter(fmtText, datefmt any) *Formatter {
	f := &Formatter{Fmt: "%(message)s"}
	if s, ok := fmtText.(string); ok {
		f.Fmt = s
	}
	if s, ok := datefmt.(string); ok {
		f.Datefmt = s
	}
	return f
}

// Debug is logging.debug (the root logger).
func (m *loggingModule) Debug(ctx context.Context, msg any, args ...any) error {
	return m.root.log(ctx, 10, msg, args)
}

// Info is logging.info.
func (m *loggingModule) Info(ctx context.Context, msg any, args ...any) error {
	return m.root.log(ctx, 20, msg, args)
}

// Warning is logging.warning.
func (m *loggingModule) Warning(ctx context.Context, msg any, args ...any) error {
	return m.root.log(ctx, 30, msg, args)
}

// Error is logging.error.
func (m *loggingModule) Error(ctx context.Context, msg any, args ...any) error {
	return m.root.log(ctx, 40, msg, args)
}

// Critical is logging.critical.
func (m *loggingModule) Critical(ctx context.Context, msg any, args ...any) error {
	return m.root.log(ctx, 50, msg, args)
}

// Log is logging.log(level, msg, *args).
func (m *loggingModule) Log(ctx context.Context, level int, msg any, args ...any) error {
	return m.root.log(ctx, level, msg, args)
}

// Logger is logging.Logger.
type Logger struct {
	m         *loggingModule
	mu        sync.Mutex
	handlers  []*Handler
	Name      string `rpyc:"name"`
	Level     int    `rpyc:"level"`
	Propagate bool   `rpyc:"propagate,rw"`
	Disabled  bool   `rpyc:"disabled,rw"`
}

// RPyCNames gives the methods Python's camelCase names.
func (l *Logger) RPyCNames() map[string]string {
	return map[string]string{"SetLevel": "setLevel", "GetEffectiveLevel": "getEffectiveLevel", "IsEnabledFor": "isEnabledFor",
		"AddHandler": "addHandler", "RemoveHandler": "removeHandler", "HasHandlers": "hasHandlers"}
}

// RPyCTypeName is Python's class.
func (l *Logger) RPyCTypeName() string {
	if l == l.m.root {
		return "logging.RootLogger"
	}
	return "logging.Logger"
}

// GoString is Python's repr.
func (l *Logger) GoString() string {
	return fmt.Sprintf("<%s %s (%s)>", map[bool]string{true: "RootLogger", false: "Logger"}[l == l.m.root], l.Name, levelNames[l.GetEffectiveLevel()])
}

func levelArg(level any) (int, error) {
	switch x := level.(type) {
	case int64:
		return int(x), nil
	case string:
		for n, name := range levelNames {
			if name == x {
				return n, nil
			}
		}
		return 0, vinegar.New("ValueError", "Unknown level: "+pyRepr(x))
	}
	return 0, vinegar.New("TypeError", "Level not an integer or a valid string: "+pyRepr(level))
}

// SetLevel is setLevel(level).
func (l *Logger) SetLevel(level any) error {
	n, err := levelArg(level)
	if err == nil {
		l.Level = n
	}
	return err
}

// GetEffectiveLevel is getEffectiveLevel().
func (l *Logger) GetEffectiveLevel() int {
	if l.Level != 0 || l == l.m.root {
		return l.Level
	}
	for _, p := range l.parents() {
		if p.Level != 0 {
			return p.Level
		}
	}
	return l.m.root.Level
}

// parents are the logger's ancestors, nearest first, then root.
func (l *Logger) parents() []*Logger {
	var out []*Logger
	name := l.Name
	for {
		i := strings.LastIndexByte(name, '.')
		if i < 0 {
			break
		}
		name = name[:i]
		l.m.mu.Lock()
		p, ok := l.m.loggers[name]
		l.m.mu.Unlock()
		if ok {
			out = append(out, p)
		}
	}
	return append(out, l.m.root)
}

// IsEnabledFor is isEnabledFor(level).
func (l *Logger) IsEnabledFor(level int) bool { return !l.Disabled && level >= l.GetEffectiveLevel() }

// AddHandler is addHandler(h).
func (l *Logger) AddHandler(h *Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handlers = append(l.handlers, h)
}

// RemoveHandler is removeHandler(h).
func (l *Logger) RemoveHandler(h *Handler) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, x := range l.handlers {
		if x == h {
			l.handlers = append(l.handlers[:i], l.handlers[i+1:]...)
			return
		}
	}
}

// HasHandlers is hasHandlers().
func (l *Logger) HasHandlers() bool {
	for _, x := range append([]*Logger{l}, l.parents()...) {
		x.mu.Lock()
		n := len(x.handlers)
		x.mu.Unlock()
		if n > 0 {
			return true
		}
	}
	return false
}

// Debug is debug(msg, *args).
func (l *Logger) Debug(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 10, msg, args)
}

// Info is info(msg, *args).
func (l *Logger) Info(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 20, msg, args)
}

// Warning is warning(msg, *args).
func (l *Logger) Warning(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 30, msg, args)
}

// Warn is warn(msg, *args).
func (l *Logger) Warn(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 30, msg, args)
}

// Error is error(msg, *args).
func (l *Logger) Error(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 40, msg, args)
}

// Exception is exception(msg, *args): error level.
func (l *Logger) Exception(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 40, msg, args)
}

// Critical is critical(msg, *args).
func (l *Logger) Critical(ctx context.Context, msg any, args ...any) error {
	return l.log(ctx, 50, msg, args)
}

// Log is log(level, msg, *args).
func (l *Logger) Log(ctx context.Context, level int, msg any, args ...any) error {
	return l.log(ctx, level, msg, args)
}

func (l *Logger) log(ctx context.Context, level int, msg any, args []any) error {
	if !l.IsEnabledFor(level) {
		return nil
	}
	text, err := strOf(ctx, msg)
	if err != nil {
		return err
	}
	if len(args) > 0 {
		if text, err = percentFormat(ctx, text, args); err != nil {
			return err
		}
	}
	rec := logRecord{name: l.Name, level: level, msg: text, when: time.Now()}
	emitted := false
	for _, x := range append([]*Logger{l}, l.parents()...) {
		x.mu.Lock()
		hs := append([]*Handler{}, x.handlers...)
		x.mu.Unlock()
		for _, h := range hs {
			if level >= h.Level {
				emitted = true
				if err := h.emit(ctx, rec); err != nil {
					return err
				}
			}
		}
		if !x.Propagate {
			break
		}
	}
	if !emitted && level >= 30 {
		// Python's last-resort handler: the message on stderr.
		return writeStream(ctx, l.m.s.sys.Stderr, text+"\n")
	}
	return nil
}

type logRecord struct {
	name  string
	level int
	msg   string
	when  time.Time
}

// Handler is a logging handler (StreamHandler, FileHandler).
type Handler struct {
	stream    any
	file      io.Closer
	Level     int        `rpyc:"level"`
	Formatter *Formatter `rpyc:"formatter"`
}

// RPyCNames gives the methods Python's camelCase names.
func (h *Handler) RPyCNames() map[string]string {
	return map[string]string{"SetLevel": "setLevel", "SetFormatter": "setFormatter"}
}

// RPyCTypeName is Python's class.
func (h *Handler) RPyCTypeName() string {
	if h.file != nil {
		return "logging.FileHandler"
	}
	return "logging.StreamHandler"
}

// SetLevel is setLevel(level).
func (h *Handler) SetLevel(level any) error {
	n, err := levelArg(level)
	if err == nil {
		h.Level = n
	}
	return err
}

// SetFormatter is setFormatter(fmt).
func (h *Handler) SetFormatter(f *Formatter) { h.Formatter = f }

// Flush is flush().
func (h *Handler) Flush() {}

// Close is close().
func (h *Handler) Close() error {
	if h.file != nil {
		return h.file.Close()
	}
	return nil
}

func (h *Handler) emit(ctx context.Context, rec logRecord) error {
	f := h.Formatter
	if f == nil {
		f = &Formatter{Fmt: "%(message)s"}
	}
	return writeStream(ctx, h.stream, f.format(rec)+"\n")
}

// Formatter is logging.Formatter.
type Formatter struct {
	Fmt     string `rpyc:"_fmt"`
	Datefmt string `rpyc:"datefmt"`
}

// RPyCTypeName is Python's class.
func (f *Formatter) RPyCTypeName() string { return "logging.Formatter" }

func (f *Formatter) format(rec logRecord) string {
	asctime := rec.when.Format("2006-01-02 15:04:05") + fmt.Sprintf(",%03d", rec.when.Nanosecond()/1e6)
	if f.Datefmt != "" {
		asctime = strftime(rec.when, f.Datefmt, "", true)
	}
	r := strings.NewReplacer(
		"%(name)s", rec.name, "%(levelname)s", levelNames[rec.level], "%(message)s", rec.msg,
		"%(asctime)s", asctime, "%(levelno)s", fmt.Sprint(rec.level), "%(process)d", fmt.Sprint(os.Getpid()),
		"%(created)f", fmt.Sprintf("%f", float64(rec.when.UnixNano())/1e9), "%(threadName)s", "MainThread",
		"%(filename)s", "<rpyc>", "%(module)s", "<rpyc>", "%(lineno)d", "0", "%(funcName)s", "<rpyc>",
		"%(levelname)-8s", fmt.Sprintf("%-8s", levelNames[rec.level]),
	)
	return r.Replace(f.Fmt)
}

// percentFormat is Python's text % args for the common conversions.
func percentFormat(ctx context.Context, text string, args []any) (string, error) {
	var b strings.Builder
	ai := 0
	next := func() (any, error) {
		if ai >= len(args) {
			return nil, vinegar.New("TypeError", "not enough arguments for format string")
		}
		ai++
		return args[ai-1], nil
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c != '%' || i+1 == len(text) {
			b.WriteByte(c)
			continue
		}
		j := i + 1
		for j < len(text) && strings.IndexByte("-+ #0123456789.", text[j]) >= 0 {
			j++
		}
		if j >= len(text) {
			b.WriteString(text[i:])
			break
		}
		spec, conv := text[i+1:j], text[j]
		i = j
		if conv == '%' {
			b.WriteByte('%')
			continue
		}
		v, err := next()
		if err != nil {
			return "", err
		}
		switch conv {
		case 's':
			s, err := strOf(ctx, v)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%"+spec+"s", s)
		case 'r':
			fmt.Fprintf(&b, "%"+spec+"s", pyRepr(v))
		case 'd', 'i':
			n, err := toInt(v, 10, false)
			if err != nil {
				return "", vinegar.New("TypeError", "%d format: a real number is required, not "+pyType(v))
			}
			fmt.Fprintf(&b, "%"+spec+"d", n)
		case 'f', 'e', 'g', 'F', 'E', 'G':
			f, ok := number(v)
			if !ok {
				return "", vinegar.New("TypeError", "must be real number, not "+pyType(v))
			}
			fmt.Fprintf(&b, "%"+spec+string(conv), f)
		case 'x', 'X', 'o':
			n, err := toInt(v, 10, false)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "%"+spec+string(conv), n)
		default:
			return "", vinegar.New("ValueError", fmt.Sprintf("unsupported format character '%c' (0x%x)", conv, conv))
		}
	}
	if ai < len(args) {
		return "", vinegar.New("TypeError", "not all arguments converted during string formatting")
	}
	return b.String(), nil
}
