package slave

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/slave/python"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Options configures the service of every connection. A nil *Options,
// and every zero field, means the documented default.
type Options struct {
	// Stdout is where a connection's sys.stdout writes until a client
	// replaces it (print in executed code, sys.stdout.write). nil means
	// os.Stdout; a stdio server passes io.Discard, since its standard
	// output carries the protocol (Python's rpyc_classic --mode stdio
	// points sys.stdout at os.devnull the same way).
	Stdout io.Writer
	// Stderr is sys.stderr's initial value. nil means os.Stderr.
	Stderr io.Writer
	// Stdin is sys.stdin's initial value. nil means an empty reader.
	Stdin io.Reader
	// Argv is sys.argv. nil means os.Args.
	Argv []string
	// Logger receives one debug line per eval and execute. nil means
	// slog.Default().
	Logger *slog.Logger
}

// New returns the classic service: pass it as a server's Service (it is
// an rpyc.ServiceFactory, so every connection gets its own namespace and
// modules). Serve it with Config(...), which lets clients set attributes
// as Python's SlaveService does.
func New(opts *Options) rpyc.ServiceFactory {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Stdin == nil {
		o.Stdin = strings.NewReader("")
	}
	if o.Argv == nil {
		o.Argv = os.Args
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return func(c *rpyc.Conn) any { return newSlave(&o, c) }
}

// Config returns a copy of base (nil means the defaults) opened up as
// Python's SlaveService opens its connections: clients may set and
// delete attributes (sys.stdout = ... for redirected_stdio) and ask for
// pickles.
func Config(base *rpyc.Config) *rpyc.Config {
	var cfg rpyc.Config
	if base != nil {
		cfg = *base
	}
	cfg.AllowSetattr = true
	cfg.AllowDelattr = true
	cfg.AllowPickle = true
	cfg.SafeAttrs = withClassicAttrs(cfg.SafeAttrs)
	return &cfg
}

// SlaveService is one connection's classic service: its root object, as
// Python's classic clients see it.
type SlaveService struct {
	// Namespace is the connection's global namespace, the dict execute
	// and eval share (Python's conn.namespace).
	Namespace rpyc.Object `rpyc:"namespace"`

	opts    *Options
	mu      sync.Mutex     // protects modules
	modules map[string]any // imported modules, by name
	sys     *sysModule     // this connection's sys, for print
	code    *python.Interp // runs execute and eval
	res     resources      // what to close when the connection ends
}

func newSlave(o *Options, conn *rpyc.Conn) *SlaveService {
	s := &SlaveService{opts: o, modules: map[string]any{}}
	s.sys = newSys(o)
	s.code = newInterp(s, conn)
	s.Namespace = s.code.Namespace()
	return s
}

// ServiceName is the classic service's name, as Python's SlaveService
// reports it and registers it with a registry. A server serving New's
// factory registers under rpyc.ServiceAliases of the factory, not of
// the service, so pass this name to its registrar (cmd/rpyc_classic
// does).
const ServiceName = "SLAVE"

// RPyCServiceName is Python's name for the classic service.
func (s *SlaveService) RPyCServiceName() string { return ServiceName }

// RPyCServiceAliases are the names Python's SlaveService answers to.
func (s *SlaveService) RPyCServiceAliases() []string { return []string{ServiceName} }

// Eval evaluates one Python expression in the connection's namespace
// (Python's eval(text, namespace)): plain values come back by value,
// lists, dicts and other objects by reference.
func (s *SlaveService) Eval(ctx context.Context, text string) (any, error) {
	s.opts.Logger.Debug("slave: eval", "code", clip(text))
	return s.eval(ctx, text)
}

// Execute runs Python statements in the connection's namespace
// (Python's exec(text, namespace)).
func (s *SlaveService) Execute(ctx context.Context, text string) error {
	s.opts.Logger.Debug("slave: execute", "code", clip(text))
	return s.exec(ctx, text)
}

// Getmodule imports a module by name ("os", "os.path", or a tuple of
// parts, as Python's getmodule takes).
func (s *SlaveService) Getmodule(name any) (any, error) {
	var n string
	switch x := name.(type) {
	case string:
		n = x
	case brine.Tuple:
		parts := make([]string, len(x))
		for i, p := range x {
			ps, ok := p.(string)
			if !ok {
				return nil, vinegar.New("TypeError", fmt.Sprintf("module name parts must be str, not %T", p))
			}
			parts[i] = ps
		}
		n = strings.Join(parts, ".")
	default:
		return nil, vinegar.New("TypeError", fmt.Sprintf("module name must be str, not %T", name))
	}
	if strings.HasPrefix(n, "rpyc.utils.teleportation") {
		return nil, vinegar.New("ModuleNotFoundError", python.TeleportMessage)
	}
	return s.module(n)
}

// Getconn returns nothing useful in Go (Python returns its connection
// object); it exists so Python code calling it gets None, not an error.
func (s *SlaveService) Getconn() any { return nil }

// module returns this connection's instance of the module called name.
func (s *SlaveService) module(name string) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m, ok := s.modules[name]; ok {
		return m, nil
	}
	mk, ok := moduleMakers[name]
	if !ok {
		return nil, vinegar.New("ModuleNotFoundError", fmt.Sprintf("No module named '%s'", name))
	}
	m := mk(s)
	s.modules[name] = m
	return m, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
