package slave

// importlibModule is Python's importlib: enough for classic clients.
type importlibModule struct {
	Module
	// Util is importlib.util.
	Util *importlibUtil `rpyc:"util"`
}

// ImportModule is importlib.import_module.
func (m *importlibModule) ImportModule(name string) (any, error) { return m.Util.s.module(name) }

// importlibUtil is importlib.util. Python's classic client fetches it
// while connecting: its module namespace asks _find_spec_from_path
// whether a name can be imported ('os' in conn.modules).
type importlibUtil struct {
	Module
	s *SlaveService
}

// RPyCNames exposes the private function the classic client calls.
func (u *importlibUtil) RPyCNames() map[string]string {
	return map[string]string{"FindSpecFromPath": "_find_spec_from_path"}
}

// FindSpec is importlib.util.find_spec: the name when getmodule can
// import it, else None.
func (u *importlibUtil) FindSpec(name string, pkg ...any) any {
	if _, ok := moduleMakers[name]; ok {
		return name
	}
	return nil
}

// FindSpecFromPath is importlib.util._find_spec_from_path, what
// "name in conn.modules" asks.
func (u *importlibUtil) FindSpecFromPath(name string, path ...any) any { return u.FindSpec(name) }
