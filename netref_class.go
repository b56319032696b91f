package rpyc

import (
	"context"
	"fmt"

	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
)

// IsClass reports whether the netref is a class of the peer's (Python
// sends a class under an id_pack whose instance id is 0, and so does a
// Go server for a Class).
func (r *Netref) IsClass() bool { return r.id.InstanceID == 0 }

// IsInstance is Python's isinstance(r, cls) for cls, a class of the same
// peer. Like Python's client it answers by itself when r carries cls's
// class id (an instance of exactly that class) and asks the peer
// (HANDLE_INSTANCECHECK) otherwise: a subclass in Python, a type
// implementing an interface in Go.
func (r *Netref) IsInstance(ctx context.Context, cls *Netref) (bool, error) {
	if !cls.IsClass() {
		return false, fmt.Errorf("rpyc: isinstance: %s is not a class", cls)
	}
	if r.conn == cls.conn && r.id.ClassID == cls.id.ClassID {
		return !r.IsClass(), nil
	}
	v, err := cls.do(ctx, message.HandleInstanceCheck, r.id.Tuple())
	if err != nil {
		return false, err
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("rpyc: isinstance: the peer answered %s, not a bool", pyobj.Describe(v))
	}
	return b, nil
}
