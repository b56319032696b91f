package message

import (
	"fmt"
	"math/big"

	"github.com/rpyc-go/rpyc/brine"
)

// IDPack names an object exported by one side: (name_pack, class_id,
// instance_id). Python fills it with "<module>.<Class>", id(type(obj)) and
// id(obj) (0 for a class); a module is its bare name. The ids are opaque
// to the receiver: only equality matters.
type IDPack struct {
	Name       string
	ClassID    int64
	InstanceID int64
}

// Tuple is the id_pack's wire form.
func (p IDPack) Tuple() brine.Tuple {
	return brine.Tuple{p.Name, p.ClassID, p.InstanceID}
}

// String formats the id_pack as a Python tuple, for logs.
func (p IDPack) String() string {
	return fmt.Sprintf("(%q, %d, %d)", p.Name, p.ClassID, p.InstanceID)
}

// ParseIDPack reads an id_pack from its wire form. Python sends the name as
// str; bytes are accepted and read as UTF-8, as Python does for names.
func ParseIDPack(v any) (IDPack, error) {
	t, ok := v.(brine.Tuple)
	if !ok || len(t) != 3 {
		return IDPack{}, fmt.Errorf("%w: id_pack must be a 3-tuple, got %s", ErrMalformed, brine.Repr(v))
	}
	var p IDPack
	switch name := t[0].(type) {
	case string:
		p.Name = name
	case []byte:
		p.Name = string(name)
	default:
		return IDPack{}, fmt.Errorf("%w: id_pack name must be a str, got %s", ErrMalformed, brine.Repr(t[0]))
	}
	var err error
	if p.ClassID, err = idNumber(t[1]); err != nil {
		return IDPack{}, err
	}
	if p.InstanceID, err = idNumber(t[2]); err != nil {
		return IDPack{}, err
	}
	return p, nil
}

func idNumber(v any) (int64, error) {
	switch n := v.(type) {
	case int64:
		return n, nil
	case *big.Int:
		return 0, fmt.Errorf("%w: id_pack id %s is out of int64 range", ErrMalformed, n)
	}
	return 0, fmt.Errorf("%w: id_pack id must be an int, got %s", ErrMalformed, brine.Repr(v))
}

// Box is a (label, value) pair as it travels.
type Box struct {
	Label Label
	Value any
}

// Tuple is the box's wire form.
func (b Box) Tuple() brine.Tuple {
	return brine.Tuple{int64(b.Label), b.Value}
}

// ParseBox splits a wire box into its label and value. It checks only the
// shape; what the value means is the protocol engine's business.
func ParseBox(v any) (Box, error) {
	t, ok := v.(brine.Tuple)
	if !ok || len(t) != 2 {
		return Box{}, fmt.Errorf("%w: a box must be a (label, value) pair, got %s", ErrMalformed, brine.Repr(v))
	}
	n, ok := t[0].(int64)
	if !ok || n < int64(LabelValue) || n > int64(LabelRemoteRef) {
		return Box{}, fmt.Errorf("%w: invalid label %s", ErrMalformed, brine.Repr(t[0]))
	}
	return Box{Label: Label(n), Value: t[1]}, nil
}

// ParseRequest splits a request payload into its handler and boxed args.
func ParseRequest(payload any) (Handler, any, error) {
	t, ok := payload.(brine.Tuple)
	if !ok || len(t) != 2 {
		return 0, nil, fmt.Errorf("%w: a request payload must be (handler, args), got %s", ErrMalformed, brine.Repr(payload))
	}
	n, ok := t[0].(int64)
	if !ok || n < 0 || n > 255 {
		return 0, nil, fmt.Errorf("%w: handler %s", ErrMalformed, brine.Repr(t[0]))
	}
	return Handler(n), t[1], nil
}
