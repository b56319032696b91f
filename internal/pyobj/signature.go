package pyobj

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/literal"
	"github.com/rpyc-go/rpyc/vinegar"
)

// ParamNamer is rpyc.ParamNamer (the same method set): Go method names
// to Python parameter lists, read by newSignature and applySpec.
type ParamNamer interface {
	RPyCParams() map[string]string
}

// Kwargs holds keyword arguments: what a Go method's Kwargs parameter
// receives, and, as the last argument of a call to the peer, Python's
// **kwargs.
type Kwargs map[string]any

// signature describes how Python arguments map onto a Go function.
type signature struct {
	name     string
	ft       reflect.Type // the function type (receiver already bound)
	hasCtx   bool
	params   []param // plain Go parameters, in order
	kwargsAt int     // index in Go args of the Kwargs parameter, or -1
	varAt    int     // index of the variadic parameter, or -1
	varName  string
	errOut   int // index of the error result, or -1
}

type param struct {
	name       string
	t          reflect.Type
	at         int // index in the Go argument list
	kwOnly     bool
	hasDefault bool
	def        any
}

var kwargsType = reflect.TypeFor[Kwargs]()

// newSignature reads ft (and the optional spec) into a signature.
func newSignature(name string, ft reflect.Type, spec string) (*signature, error) {
	s := &signature{name: name, ft: ft, kwargsAt: -1, varAt: -1, errOut: -1}
	n := ft.NumIn()
	i := 0
	if n > 0 && ft.In(0) == ctxType {
		s.hasCtx = true
		i = 1
	}
	last := n
	if ft.IsVariadic() {
		last--
		s.varAt = last
		s.varName = "args"
	}
	if last > i && ft.In(last-1) == kwargsType {
		last--
		s.kwargsAt = last
	}
	for j := i; j < last; j++ {
		s.params = append(s.params, param{name: "arg" + strconv.Itoa(j-i), t: ft.In(j), at: j})
	}
	if k := ft.NumOut(); k > 0 && ft.Out(k-1) == errorType {
		s.errOut = k - 1
	}
	if spec != "" {
		if err := s.applySpec(spec); err != nil {
			return nil, fmt.Errorf("rpyc: %s: signature %q: %w", name, spec, err)
		}
	}
	return s, nil
}

func (s *signature) applySpec(spec string) error {
	named := 0
	kwOnly := false
	for _, raw := range strings.Split(spec, ",") {
		p := strings.TrimSpace(raw)
		switch {
		case p == "":
			continue
		case strings.HasPrefix(p, "**"):
			if s.kwargsAt < 0 {
				return fmt.Errorf("%s needs a Kwargs parameter", p)
			}
		case strings.HasPrefix(p, "*"):
			if s.varAt < 0 {
				return fmt.Errorf("%s needs a variadic parameter", p)
			}
			s.varName = p[1:]
			kwOnly = true
		default:
			if named >= len(s.params) {
				return fmt.Errorf("more names than parameters")
			}
			name, def, hasDef := strings.Cut(p, "=")
			pp := &s.params[named]
			pp.name = strings.TrimSpace(name)
			pp.kwOnly = kwOnly
			if hasDef {
				v, err := parseLiteral(strings.TrimSpace(def))
				if err != nil {
					return err
				}
				pp.hasDefault, pp.def = true, v
			}
			named++
		}
	}
	if named != len(s.params) {
		return fmt.Errorf("%d names for %d parameters", named, len(s.params))
	}
	return nil
}

// maxLiteralDepth bounds the nesting of a default value, as
// rpyc.MaxObtainDepth bounds the reprs the same parser reads.
const maxLiteralDepth = 32

// parseLiteral reads a default value written in RPyCParams: a Python
// literal, parsed by the parser the by-value fetches use.
func parseLiteral(s string) (any, error) {
	v, err := literal.Parse(s, maxLiteralDepth)
	if err != nil {
		return nil, fmt.Errorf("default %q is not a supported literal", s)
	}
	return v, nil
}

func typeError(format string, a ...any) error {
	return vinegar.New("TypeError", fmt.Sprintf(format, a...))
}

// bind maps Python arguments onto Go arguments, with Python's TypeErrors.
func (s *signature) bind(ctxv reflect.Value, args brine.Tuple, kw Kwargs) ([]reflect.Value, error) {
	return s.bindAt(0, ctxv, args, kw)
}

// bindAt is bind leaving off slots free at the front of the result (for a
// receiver).
func (s *signature) bindAt(off int, ctxv reflect.Value, args brine.Tuple, kw Kwargs) ([]reflect.Value, error) {
	in := make([]reflect.Value, off+s.ft.NumIn())
	filled := make([]bool, len(s.params))
	vals := make([]any, len(s.params))
	pos := 0
	for i := range s.params {
		if pos >= len(args) || s.params[i].kwOnly {
			break
		}
		vals[i], filled[i] = args[pos], true
		pos++
	}
	extra := args[pos:]
	if len(extra) > 0 && s.varAt < 0 {
		return nil, typeError("%s() takes %d positional arguments but %d were given", s.name, pos, len(args))
	}
	var rest Kwargs
	for k, v := range kw {
		idx := -1
		for i := range s.params {
			if s.params[i].name == k {
				idx = i
				break
			}
		}
		switch {
		case idx >= 0 && filled[idx]:
			return nil, typeError("%s() got multiple values for argument '%s'", s.name, k)
		case idx >= 0:
			vals[idx], filled[idx] = v, true
		case s.kwargsAt >= 0:
			if rest == nil {
				rest = Kwargs{}
			}
			rest[k] = v
		default:
			return nil, typeError("%s() got an unexpected keyword argument '%s'", s.name, k)
		}
	}
	for i, p := range s.params {
		if !filled[i] {
			if !p.hasDefault {
				return nil, typeError("%s() missing required argument: '%s'", s.name, p.name)
			}
			vals[i] = p.def
		}
		rv, err := ConvertTo(vals[i], p.t)
		if err != nil {
			return nil, typeError("%s() argument '%s': %s", s.name, p.name, pythonMessage(err))
		}
		in[off+p.at] = rv
	}
	if s.hasCtx {
		in[off] = ctxv
	}
	if s.kwargsAt >= 0 {
		if rest == nil {
			in[off+s.kwargsAt] = reflect.Zero(kwargsType)
		} else {
			in[off+s.kwargsAt] = reflect.ValueOf(rest)
		}
	}
	if s.varAt >= 0 {
		et := s.ft.In(s.varAt).Elem()
		sl := reflect.MakeSlice(s.ft.In(s.varAt), len(extra), len(extra))
		for i, v := range extra {
			rv, err := ConvertTo(v, et)
			if err != nil {
				return nil, typeError("%s() argument %d of *%s: %s", s.name, pos+i, s.varName, pythonMessage(err))
			}
			sl.Index(i).Set(rv)
		}
		in[off+s.varAt] = sl
	}
	return in, nil
}

// results turns Go results into one Python value: nothing is None, one
// value is itself, several are a tuple; a non-nil error result wins.
func (s *signature) results(out []reflect.Value) (any, error) {
	if s.errOut >= 0 {
		if e := out[s.errOut]; !e.IsNil() {
			return nil, e.Interface().(error)
		}
		out = out[:s.errOut]
	}
	switch len(out) {
	case 0:
		return nil, nil
	case 1:
		return out[0].Interface(), nil
	}
	t := make(brine.Tuple, len(out))
	for i, o := range out {
		t[i] = o.Interface()
	}
	return t, nil
}

// call binds, calls and collects.
func (s *signature) call(ctx reflect.Value, fn reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	in, err := s.bind(ctx, args, kw)
	if err != nil {
		return nil, err
	}
	return s.invoke(fn, in)
}

// callMethod calls the method fn (a Type's Method.Func, receiver first)
// on recv: cheaper than calling recv.Method(i), which makes a method value
// on every call.
func (s *signature) callMethod(ctx context.Context, recv, fn reflect.Value, args brine.Tuple, kw Kwargs) (any, error) {
	in, err := s.bindAt(1, reflect.ValueOf(ctx), args, kw)
	if err != nil {
		return nil, err
	}
	in[0] = recv
	return s.invoke(fn, in)
}

// invoke calls fn with the bound arguments in (the variadic ones as
// their slice) and collects its results.
func (s *signature) invoke(fn reflect.Value, in []reflect.Value) (any, error) {
	var out []reflect.Value
	if s.ft.IsVariadic() {
		out = fn.CallSlice(in)
	} else {
		out = fn.Call(in)
	}
	return s.results(out)
}

// sigCache caches the signatures of plain funcs by type.
type sigCache struct {
	mu sync.Mutex
	m  map[reflect.Type]*signature
}

func newSigCache() *sigCache { return &sigCache{m: map[reflect.Type]*signature{}} }

func (s *sigCache) get(t reflect.Type) (*signature, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sig := s.m[t]; sig != nil {
		return sig, nil
	}
	sig, err := newSignature("function", t, "")
	if err != nil {
		return nil, err
	}
	s.m[t] = sig
	return sig, nil
}

// text is the signature as Python would print it, "greet(name,
// greeting='hello')": a Go method's __doc__, so that help() and tools
// listing a service show how to call it.
func (s *signature) text() string {
	var b strings.Builder
	b.WriteString(s.name)
	b.WriteByte('(')
	n := 0
	sep := func() {
		if n > 0 {
			b.WriteString(", ")
		}
		n++
	}
	starred := false
	for _, p := range s.params {
		if p.kwOnly && !starred {
			sep()
			if s.varAt >= 0 {
				b.WriteString("*" + s.varName)
			} else {
				b.WriteString("*")
			}
			starred = true
		}
		sep()
		b.WriteString(p.name)
		if p.hasDefault {
			b.WriteString("=" + Repr(p.def))
		}
	}
	if s.varAt >= 0 && !starred {
		sep()
		b.WriteString("*" + s.varName)
	}
	if s.kwargsAt >= 0 {
		sep()
		b.WriteString("**kwargs")
	}
	b.WriteByte(')')
	return b.String()
}
