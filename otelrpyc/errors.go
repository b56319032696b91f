package otelrpyc

import (
	"errors"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// pythonClass is the Python exception class err is or becomes on the
// wire ("ValueError"; "module.Class" outside builtins): a remote
// exception's own, or the one vinegar sends for a Go error.
func pythonClass(err error) string {
	var exc *vinegar.Exception
	if errors.As(err, &exc) {
		return qualified(exc.Module, exc.Name)
	}
	t, ok := vinegar.Dump(err, vinegar.DumpOptions{}).(brine.Tuple)
	if !ok || len(t) == 0 {
		return ""
	}
	cls, ok := t[0].(brine.Tuple)
	if !ok || len(cls) != 2 {
		return ""
	}
	module, _ := cls[0].(string)
	name, _ := cls[1].(string)
	return qualified(module, name)
}

func qualified(module, name string) string {
	if module == "" || module == "builtins" || module == "exceptions" {
		return name
	}
	return module + "." + name
}

func isStopIteration(err error) bool { return errors.Is(err, vinegar.ErrStopIteration) }
