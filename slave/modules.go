package slave

import "sort"

// moduleMakers builds each module this server implements, once per
// connection, by its Python name.
var moduleMakers map[string]func(s *SlaveService) any

func init() {
	moduleMakers = map[string]func(s *SlaveService) any{
		"os":      func(s *SlaveService) any { return newOS(s) },
		"os.path": func(s *SlaveService) any { return s.mustModule("os").(*osModule).Path },
		"posixpath": func(s *SlaveService) any {
			return s.mustModule("os").(*osModule).Path
		},
		"sys": func(s *SlaveService) any {
			s.sys.s, s.sys.Modules = s, &sysModules{s: s}
			return s.sys
		},
		"builtins":   func(s *SlaveService) any { return newBuiltins(s) },
		"time":       func(*SlaveService) any { return newTime() },
		"socket":     func(s *SlaveService) any { return newSocketModule(s) },
		"subprocess": func(s *SlaveService) any { return newSubprocess(s) },
		"platform":   func(*SlaveService) any { return &platformModule{Module: newModule("platform")} },
		"shutil":     func(s *SlaveService) any { return newShutil(s) },
		"pathlib":    func(s *SlaveService) any { return newPathlib(s) },
		"glob":       func(*SlaveService) any { return &globModule{Module: newModule("glob")} },
		"signal":     func(*SlaveService) any { return newSignal() },
		"json":       func(s *SlaveService) any { return newJSON(s) },
		"re":         func(s *SlaveService) any { return newRe(s) },
		"hashlib":    func(*SlaveService) any { return newHashlib() },
		"math":       func(*SlaveService) any { return newMath() },
		"io":         func(s *SlaveService) any { return newIO(s) },
		"datetime":   func(*SlaveService) any { return newDatetime() },
		"logging":    func(s *SlaveService) any { return newLogging(s) },
		"threading":  func(*SlaveService) any { return &threadingModule{Module: newModule("threading")} },
		"pickle":     func(s *SlaveService) any { return newPickle(s) },
		"rpyc.lib.compat": func(s *SlaveService) any {
			return &compatModule{Module: newModule("rpyc.lib.compat"), Pickle: s.mustModule("pickle").(*pickleModule), IsPy3k: true, IsPyGte: true}
		},
		"errno":    func(*SlaveService) any { return newErrno() },
		"stat":     func(*SlaveService) any { return newStatModule() },
		"random":   func(*SlaveService) any { return newRandom() },
		"struct":   func(*SlaveService) any { return &structModule{Module: newModule("struct"), Error: errStructError} },
		"base64":   func(*SlaveService) any { return &base64Module{Module: newModule("base64")} },
		"zlib":     func(*SlaveService) any { return &zlibModule{Module: newModule("zlib"), Error: errZlibError} },
		"gzip":     func(*SlaveService) any { return &gzipModule{Module: newModule("gzip"), BadGzipFile: errBadGzipFile} },
		"tempfile": func(s *SlaveService) any { return &tempfileModule{Module: newModule("tempfile"), s: s} },
		"fnmatch":  func(*SlaveService) any { return &fnmatchModule{Module: newModule("fnmatch")} },
		"importlib": func(s *SlaveService) any {
			return &importlibModule{Module: newModule("importlib"), Util: &importlibUtil{Module: newModule("importlib.util"), s: s}}
		},
		"importlib.util": func(s *SlaveService) any { return s.mustModule("importlib").(*importlibModule).Util },
	}
	for name, mk := range platformModules {
		moduleMakers[name] = mk
	}
}

// ModuleNames lists the modules getmodule can import, sorted.
func ModuleNames() []string {
	out := make([]string, 0, len(moduleMakers))
	for n := range moduleMakers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// mustModule returns a module whose maker cannot fail, for makers that
// share another module's object (os.path is os.path). Called with s.mu
// held.
func (s *SlaveService) mustModule(name string) any {
	if m, ok := s.modules[name]; ok {
		return m
	}
	m := moduleMakers[name](s)
	s.modules[name] = m
	return m
}

// Module is what each module of this server embeds: its __name__ and
// __class__ (the module type, as Python's server gives), its repr, and
// the name Python's server sends for it (the module's own name), so a
// client sees a module where Python's server gives one.
type Module struct {
	// DunderName is the module's __name__ (named so that no module's
	// own Name field hides it).
	DunderName string `rpyc:"__name__"`
	// DunderClass is the module's __class__: the module type.
	DunderClass *builtinType `rpyc:"__class__"`
}

func newModule(name string) Module { return Module{DunderName: name, DunderClass: moduleType} }

func (Module) isModule() {}

// RPyCTypeName is what Python's server sends for a module: its name.
func (m Module) RPyCTypeName() string { return m.DunderName }

// RPyCModule makes code see the module's type as module.
func (m Module) RPyCModule() {}

// GoString is the module's Python repr.
func (m Module) GoString() string { return "<module '" + m.DunderName + "' (built-in)>" }

// moduleType is the class of modules.
var moduleType = builtinTypeOf("module", func(v any) bool { _, ok := v.(interface{ isModule() }); return ok }, nil)
