package python

import (
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/vinegar"
)

// Function is a function defined in code (def or lambda).
type Function struct {
	code       *Code
	name       string
	qualname   string
	globals    *Dict
	defaults   []Value // for the last len(defaults) positional parameters
	kwdefaults map[string]Value
	closure    []*Cell
	dict       *Dict
	doc        Value
}

// Name is the function's __name__.
func (f *Function) Name() string { return f.name }

// call is fn(*args, **kw).
func call(th *Thread, fn Value, args []Value, kw []KV) (Value, error) {
	switch f := fn.(type) {
	case *Function:
		return callFunction(th, f, args, kw)
	case *Builtin:
		return f.fn(th, args, kw)
	case *Method:
		full := make([]Value, 0, len(args)+1)
		full = append(append(full, f.self), args...)
		return call(th, f.fn, full, kw)
	case *Class:
		return callClass(th, f, args, kw)
	case *Instance:
		if m, ok := f.class.lookup("__call__"); ok {
			return callBound(th, m, f, append([]Value(nil), args...), kw...)
		}
	case *StaticMethod:
		return call(th, f.fn, args, kw)
	case *vinegar.Class:
		return callClass(th, ExcClass(f), args, kw)
	}
	if isForeign(fn) {
		return th.hostCall(fn, args, kw)
	}
	return nil, th.typeErrorf("'%s' object is not callable", typeName(fn))
}

// callBound calls a class attribute m (found on obj's class) as a method
// of obj, without making a bound method object.
func callBound(th *Thread, m Value, obj Value, args []Value, kw ...KV) (Value, error) {
	switch f := m.(type) {
	case *Function:
		return callFunction(th, f, prepend(obj, args), kw)
	case *Builtin:
		return f.fn(th, prepend(obj, args), kw)
	}
	b, err := bind(th, m, obj, typeOf(obj))
	if err != nil {
		return nil, err
	}
	return call(th, b, args, kw)
}

func prepend(v Value, args []Value) []Value {
	out := make([]Value, len(args)+1)
	out[0] = v
	copy(out[1:], args)
	return out
}

// callMethod is obj.name(*args, **kw).
func callMethod(th *Thread, obj Value, name string, args []Value, kw []KV) (Value, error) {
	switch o := obj.(type) {
	case *Instance:
		if m, ok := o.class.lookup(name); ok && (o.dict == nil || !hasStr(o.dict, name)) {
			switch m.(type) {
			case *Function, *Builtin:
				return callBound(th, m, o, args, kw...)
			}
		}
	case *Class, *Module, *Super, *Function, *Method:
	default:
		if _, remote := obj.(*rpyc.Netref); remote {
			// One round trip to the client (CALLATTR), not two.
			return th.hostCallMethod(obj, name, args, kw)
		}
		cls := typeOf(obj)
		if m, ok := cls.lookup(name); ok {
			if b, ok := m.(*Builtin); ok {
				return b.fn(th, prepend(obj, args), kw)
			}
		}
	}
	f, err := getAttr(th, obj, name)
	if err != nil {
		return nil, err
	}
	return call(th, f, args, kw)
}

func hasStr(d *Dict, k string) bool {
	_, ok := d.GetStr(k)
	return ok
}

// callFunction runs a function defined in code.
func callFunction(th *Thread, f *Function, args []Value, kw []KV) (Value, error) {
	if err := th.enter(); err != nil {
		return nil, err
	}
	code := f.code
	if code.generator {
		fr := newFrame(th, code, f.globals, f.closure)
		err := bindArgs(th, f, fr, args, kw)
		th.leave()
		if err != nil {
			return nil, err
		}
		return newGenerator(th, fr), nil
	}
	fr := th.in.frames.get(th, code, f.globals, f.closure)
	if err := bindArgs(th, f, fr, args, kw); err != nil {
		th.leave()
		th.in.frames.put(fr)
		return nil, err
	}
	if err := th.tick(); err != nil {
		th.leave()
		th.in.frames.put(fr)
		return nil, err
	}
	k, err := code.body(fr)
	th.leave()
	if err != nil {
		addTraceback(fr, err)
		th.in.frames.put(fr)
		return nil, err
	}
	var ret Value
	if k == ctlReturn {
		ret = fr.ret
	}
	th.in.frames.put(fr)
	return ret, nil
}

// framePool keeps the frames of finished calls for the next calls: no
// closure, generator or traceback refers to a frame once its call
// returned (cells and tracebacks are separate), so a frame can be
// reused; used only under the interpreter lock.
type framePool struct {
	free []*Frame
}

func (p *framePool) get(th *Thread, code *Code, globals *Dict, cl []*Cell) *Frame {
	if code.ncellvars > 0 || len(p.free) == 0 {
		return newFrame(th, code, globals, cl)
	}
	fr := p.free[len(p.free)-1]
	p.free = p.free[:len(p.free)-1]
	fr.th, fr.code, fr.globals, fr.line = th, code, globals, code.firstLine
	if code.nfast <= len(fr.slots) {
		fr.fast = fr.slots[:code.nfast]
	} else if cap(fr.fast) >= code.nfast && &fr.fast[:1][0] != &fr.slots[0] {
		fr.fast = fr.fast[:code.nfast]
	} else {
		fr.fast = make([]Value, code.nfast)
	}
	for i := range fr.fast {
		fr.fast[i] = unbound
	}
	if code.nfree > 0 {
		fr.cells = append(fr.cells[:0], cl...)
	} else {
		fr.cells = fr.cells[:0]
	}
	return fr
}

// put returns a frame whose call ended; frames of code with cells of
// its own are not kept (their cells must be new each call).
func (p *framePool) put(fr *Frame) {
	if fr.code.ncellvars > 0 || len(p.free) >= 64 {
		return
	}
	// The slots are overwritten when the frame is taken again; until
	// then a pooled frame may keep a few values alive, at most 64 frames'
	// worth.
	fr.ret = nil
	p.free = append(p.free, fr)
}

func setSlot(fr *Frame, s slotRef, v Value) {
	if s.cell {
		fr.cells[s.idx].v = v
	} else {
		fr.fast[s.idx] = v
	}
}

func getSlot(fr *Frame, s slotRef) Value {
	if s.cell {
		return fr.cells[s.idx].v
	}
	return fr.fast[s.idx]
}

// bindArgs puts a call's arguments into the frame's parameter slots, as
// Python does, with Python's errors for what does not fit.
func bindArgs(th *Thread, f *Function, fr *Frame, args []Value, kw []KV) error {
	ps := &f.code.params
	npos := len(ps.names)
	// The common case: positional arguments only, all given.
	if len(kw) == 0 && len(args) == npos && ps.vararg == "" && ps.kwarg == "" && len(ps.kwonly) == 0 {
		for i, a := range args {
			setSlot(fr, ps.slots[i], a)
		}
		return nil
	}
	fname := f.qualname
	if len(args) > npos && ps.vararg == "" {
		given := len(args)
		if len(f.defaults) > 0 {
			return th.typeErrorf("%s() takes from %d to %d positional arguments but %d were given", fname, npos-len(f.defaults), npos, given)
		}
		s := "s"
		if npos == 1 {
			s = ""
		}
		were := "were"
		if given == 1 {
			were = "was"
		}
		return th.typeErrorf("%s() takes %d positional argument%s but %d %s given", fname, npos, s, given, were)
	}
	for i := 0; i < len(args) && i < npos; i++ {
		setSlot(fr, ps.slots[i], args[i])
	}
	next := npos
	if ps.vararg != "" {
		var rest Tuple
		if len(args) > npos {
			rest = append(Tuple{}, args[npos:]...)
		} else {
			rest = Tuple{}
		}
		setSlot(fr, ps.slots[next], rest)
		next++
	}
	kwStart := next
	next += len(ps.kwonly)
	var extra *Dict
	if ps.kwarg != "" {
		extra = NewDict()
		setSlot(fr, ps.slots[next], extra)
	}
	var posonlyKw []string
	for _, kv := range kw {
		placed := false
		for i, n := range ps.names {
			if n == kv.Name {
				if i < ps.posonly {
					break
				}
				if getSlot(fr, ps.slots[i]) != unbound {
					return th.typeErrorf("%s() got multiple values for argument '%s'", fname, kv.Name)
				}
				setSlot(fr, ps.slots[i], kv.Value)
				placed = true
				break
			}
		}
		if !placed {
			for i, n := range ps.kwonly {
				if n == kv.Name {
					setSlot(fr, ps.slots[kwStart+i], kv.Value)
					placed = true
					break
				}
			}
		}
		if placed {
			continue
		}
		if extra != nil {
			extra.SetStr(kv.Name, kv.Value)
			continue
		}
		for _, other := range kw {
			for i := 0; i < ps.posonly; i++ {
				if ps.names[i] == other.Name {
					posonlyKw = append(posonlyKw, other.Name)
				}
			}
		}
		if len(posonlyKw) > 0 {
			return th.typeErrorf("%s() got some positional-only arguments passed as keyword arguments: '%s'", fname, strings.Join(posonlyKw, ", "))
		}
		return th.typeErrorf("%s() got an unexpected keyword argument '%s'", fname, kv.Name)
	}
	firstDefault := npos - len(f.defaults)
	var missing []string
	for i := 0; i < npos; i++ {
		if getSlot(fr, ps.slots[i]) != unbound {
			continue
		}
		if i >= firstDefault {
			setSlot(fr, ps.slots[i], f.defaults[i-firstDefault])
			continue
		}
		missing = append(missing, "'"+ps.names[i]+"'")
	}
	if len(missing) > 0 {
		return th.typeErrorf("%s() missing %d required positional argument%s: %s", fname, len(missing), plural(len(missing)), joinNames(missing))
	}
	for i, n := range ps.kwonly {
		s := ps.slots[kwStart+i]
		if getSlot(fr, s) != unbound {
			continue
		}
		if d, ok := f.kwdefaults[n]; ok {
			setSlot(fr, s, d)
			continue
		}
		missing = append(missing, "'"+n+"'")
	}
	if len(missing) > 0 {
		return th.typeErrorf("%s() missing %d required keyword-only argument%s: %s", fname, len(missing), plural(len(missing)), joinNames(missing))
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinNames(names []string) string {
	switch len(names) {
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1]
}

// callClass makes an instance: a builtin type's constructor, or
// __new__ and __init__.
func callClass(th *Thread, cls *Class, args []Value, kw []KV) (Value, error) {
	if cls.new != nil {
		return cls.new(th, cls, args, kw)
	}
	if cls.foreign {
		return nil, th.typeErrorf("cannot create '%s' instances", cls.name)
	}
	var obj Value
	if nf, ok := cls.lookup("__new__"); ok {
		if _, builtin := nf.(*Builtin); !builtin {
			fn := nf
			if sm, ok := nf.(*StaticMethod); ok {
				fn = sm.fn
			}
			r, err := call(th, fn, prepend(cls, args), kw)
			if err != nil {
				return nil, err
			}
			inst, ok := r.(*Instance)
			if !ok || !inst.class.isSubclass(cls) {
				return r, nil
			}
			obj = inst
		}
	}
	if obj == nil {
		// A class derived from a builtin type other than object or an
		// exception makes that type's value.
		for _, k := range cls.mro {
			if k.new != nil && !k.isException() {
				return nil, th.typeErrorf("subclassing '%s' is not supported by this server", k.name)
			}
		}
		inst := newInstance(cls)
		if inst.exc != nil {
			inst.exc.args = Tuple(append([]Value{}, args...))
		}
		obj = inst
	}
	init, _ := cls.lookup("__init__")
	if b, ok := init.(*Builtin); ok && b == objectInit {
		if len(args) > 0 || len(kw) > 0 {
			if nf, _ := cls.lookup("__new__"); nf == objectNew {
				return nil, th.typeErrorf("%s() takes no arguments", cls.name)
			}
		}
		return obj, nil
	}
	r, err := callBound(th, init, obj, args, kw...)
	if err != nil {
		return nil, err
	}
	if r != nil {
		return nil, th.typeErrorf("__init__() should return None, not '%s'", typeName(r))
	}
	return obj, nil
}

// buildClass makes a class from a class statement.
func buildClass(th *Thread, name string, bases []Value, ns *Dict, kw []KV) (*Class, error) {
	for _, k := range kw {
		if k.Name == "metaclass" {
			if k.Value == Value(ClassType) {
				continue
			}
			return nil, th.newError(ErrTypeError, "metaclasses are not supported by this server")
		}
		return nil, th.typeErrorf("%s() got an unexpected keyword argument '%s' (class keywords are not supported by this server)", name, k.Name)
	}
	var bs []*Class
	for _, b := range bases {
		switch x := b.(type) {
		case *Class:
			if x.final || x.foreign {
				return nil, th.typeErrorf("type '%s' is not an acceptable base type", x.name)
			}
			bs = append(bs, x)
		case *vinegar.Class:
			bs = append(bs, ExcClass(x))
		default:
			return nil, th.typeErrorf("bases must be types, not %s", typeName(b))
		}
	}
	if len(bs) == 0 {
		bs = []*Class{ClassObject}
	}
	mod, _ := ns.GetStr("__module__")
	qual, _ := ns.GetStr("__qualname__")
	ms, _ := mod.(string)
	qs, _ := qual.(string)
	if qs == "" {
		qs = name
	}
	cls := &Class{name: name, qualname: qs, module: ms, bases: bs, dict: ns}
	cls.mro = computeMRO(cls)
	if cls.mro == nil {
		names := make([]string, len(bs))
		for i, b := range bs {
			names[i] = b.name
		}
		return nil, th.typeErrorf("Cannot create a consistent method resolution order (MRO) for bases %s", strings.Join(names, ", "))
	}
	ns.DelStr("__qualname__")
	// __new__ is a static method and __init_subclass__ a class method
	// without saying so, as in Python.
	if f, ok := ns.GetStr("__new__"); ok {
		if fn, ok := f.(*Function); ok {
			ns.SetStr("__new__", &StaticMethod{fn: fn})
		}
	}
	for _, name := range []string{"__init_subclass__", "__class_getitem__"} {
		if f, ok := ns.GetStr(name); ok {
			if fn, ok := f.(*Function); ok {
				ns.SetStr(name, &ClassMethod{fn: fn})
			}
		}
	}
	// A class that defines __eq__ without __hash__ is unhashable.
	if _, eq := ns.GetStr("__eq__"); eq {
		if _, h := ns.GetStr("__hash__"); !h {
			ns.SetStr("__hash__", nil)
		}
	}
	// __init_subclass__ of the nearest base that has one, as super()
	// would find it.
	for _, k := range cls.mro[1:] {
		isk, ok := k.dict.GetStr("__init_subclass__")
		if !ok {
			continue
		}
		if cm, ok := isk.(*ClassMethod); ok {
			if _, err := call(th, cm.fn, []Value{cls}, nil); err != nil {
				return nil, err
			}
		}
		break
	}
	return cls, nil
}

// isinstance is isinstance(obj, cls) for one class.
func isinstance(th *Thread, obj Value, cls Value) (bool, error) {
	switch c := cls.(type) {
	case *Class:
		t := typeOf(obj)
		if t.isSubclass(c) {
			return true, nil
		}
		if c.foreign && t.foreign {
			return t.name == c.name, nil
		}
		return false, nil
	case *vinegar.Class:
		return typeOf(obj).isSubclass(ExcClass(c)), nil
	case Tuple:
		for _, x := range c {
			ok, err := isinstance(th, obj, x)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	if isForeign(cls) {
		return false, nil
	}
	return false, th.newError(ErrTypeError, "isinstance() arg 2 must be a type, a tuple of types, or a union")
}

func describeCallable(fn Value) string {
	switch f := fn.(type) {
	case *Function:
		return f.qualname + "()"
	case *Method:
		return describeCallable(f.fn)
	case *Builtin:
		return f.name + "()"
	}
	return fmt.Sprintf("%s object", typeName(fn))
}
