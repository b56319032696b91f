package python

import (
	"github.com/rpyc-go/rpyc/vinegar"
)

// Instance is an instance of a class defined in code, or an exception.
type Instance struct {
	class *Class
	dict  *Dict
	exc   *excState // set on exceptions
}

// excState is what an exception carries besides its attributes.
type excState struct {
	args     Tuple
	tb       []tbEntry // innermost first
	cause    *Instance
	context  *Instance
	suppress bool  // __suppress_context__
	goErr    error // the Go error it was made from, if any
	notes    []string
}

// tbEntry is one frame of a traceback.
type tbEntry struct {
	frame uintptr // the frame's identity, not a reference: tracebacks keep no frame alive
	name  string
	line  int
}

// Class is the instance's class.
func (o *Instance) Class() *Class { return o.class }

// Error makes an exception instance a Go error: "ValueError: text".
func (o *Instance) Error() string {
	if o.exc == nil {
		return "<" + o.class.name + " object>"
	}
	s := excStrPlain(o)
	if s == "" {
		return excDisplayName(o.class)
	}
	return excDisplayName(o.class) + ": " + s
}

// Unwrap gives errors.Is and errors.As the Go error an exception came
// from.
func (o *Instance) Unwrap() error {
	if o.exc != nil {
		return o.exc.goErr
	}
	return nil
}

// Is matches vinegar classes as an except clause would.
func (o *Instance) Is(target error) bool {
	t, ok := target.(*vinegar.Class)
	if !ok || o.exc == nil {
		return false
	}
	for _, k := range o.class.mro {
		if k.exc != nil {
			return k.exc.IsSubclassOf(t)
		}
	}
	return false
}

func (o *Instance) attrs() *Dict {
	if o.dict == nil {
		o.dict = NewDict()
	}
	return o.dict
}

// newInstance makes a bare instance of cls (object.__new__).
func newInstance(cls *Class) *Instance {
	o := &Instance{class: cls}
	if cls.isException() {
		o.exc = &excState{args: Tuple{}}
	}
	return o
}
