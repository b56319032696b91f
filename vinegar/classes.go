package vinegar

import (
	"fmt"
	"strings"
	"sync"
)

// Exception classes of modules other than builtins, declared by the Go
// code that raises them (the classic server's subprocess module, say), so
// that an except clause written against them matches their subclasses as
// it does in Python.
var (
	moduleMu    sync.RWMutex
	moduleTable = map[string]*Class{} // by "module.Name"
)

// NewClass declares the exception class qualName ("subprocess.CalledProcessError")
// deriving from parent (nil means Exception). Declaring a name twice
// returns the first class when the parents agree and an error otherwise,
// so two packages that raise the same Python class share one value.
// A name without a module, or under "builtins", is refused: the builtin
// classes are fixed.
func NewClass(qualName string, parent *Class) (*Class, error) {
	mod, name := splitName(qualName)
	if !strings.Contains(qualName, ".") || mod == builtinsModule || name == "" || mod == "" {
		return nil, fmt.Errorf("vinegar: exception class %q: want module.Name outside builtins", qualName)
	}
	if parent == nil {
		parent = ErrException
	}
	moduleMu.Lock()
	defer moduleMu.Unlock()
	if c, ok := moduleTable[qualName]; ok {
		if c.parent != parent {
			return nil, fmt.Errorf("vinegar: exception class %s already declared with base %s, not %s",
				qualName, c.parent.QualName(), parent.QualName())
		}
		return c, nil
	}
	c := &Class{module: mod, name: name, parent: parent}
	moduleTable[qualName] = c
	return c, nil
}

// MustClass is NewClass for package-level declarations, where a clash is
// a programming error.
func MustClass(qualName string, parent *Class) *Class {
	c, err := NewClass(qualName, parent)
	if err != nil {
		panic(err)
	}
	return c
}

// Lookup finds an exception class by name: a builtin by its bare or
// "builtins."-qualified name, or a class declared with NewClass by its
// "module.Name".
func Lookup(name string) (*Class, bool) {
	mod, cls := splitName(name)
	if mod == builtinsModule {
		return Builtin(cls)
	}
	moduleMu.RLock()
	defer moduleMu.RUnlock()
	c, ok := moduleTable[name]
	return c, ok
}
