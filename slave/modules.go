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
		"platform":   func(*SlaveService) any { return &platformModule{module: "platform"} },
		"shutil":     func(s *SlaveService) any { return newShutil(s) },
		"pathlib":    func(s *SlaveService) any { return newPathlib(s) },
		"glob":       func(*SlaveService) any { return &globModule{module: "glob"} },
		"signal":     func(*SlaveService) any { return newSignal() },
		"tempfile":   func(s *SlaveService) any { return &tempfileModule{module: "tempfile", s: s} },
		"fnmatch":    func(*SlaveService) any { return &fnmatchModule{module: "fnmatch"} },
		"importlib": func(s *SlaveService) any {
			return &importlibModule{module: "importlib", Util: &importlibUtil{module: "importlib.util", s: s}}
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

// module is a Go value standing for a Python module: its repr, and the
// class Python's client gives it (types.ModuleType, so isinstance(m,
// types.ModuleType) holds and m.__class__ is the module type).
type module string

func (module) isModule() {}

// RPyCTypeName makes Python's client see a module.
func (module) RPyCTypeName() string { return "builtins.module" }

// GoString is the module's Python repr.
func (m module) GoString() string { return "<module '" + string(m) + "' (built-in)>" }
