package rpyc

import (
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

// box turns a Go value into its wire box, as Python's _box does: plain data
// by value (label 1, the whole tuple at once when all of it is plain), a
// tuple holding references item by item (label 2), a netref of this
// connection back as LOCAL_REF (3), anything else by reference (4). The
// result is a brine.Appender that writes the box straight into the message
// being encoded; objects enter the table as it is written.
func (c *Conn) box(v any) *boxed {
	return &boxed{c: c, v: v}
}

type boxed struct {
	c   *Conn
	v   any
	log boxLog
}

func (b *boxed) AppendBrine(dst []byte) ([]byte, error) {
	return b.c.appendBox(dst, b.v, &b.log)
}

func (b *boxed) entered() *boxLog { return &b.log }

// boxLog records the objects one message put in the object table as it
// was encoded, so that a message that never reaches the peer (an encoding
// error further on, a full table, a broken connection) takes its
// references back (Conn.rollback): the peer will never release them.
type boxLog struct {
	ids  []message.IDPack
	objs []any
}

// logged is a payload that boxes values into the object table.
type logged interface{ entered() *boxLog }

// appendBox writes the box of v: (label, value) as a brine 2-tuple,
// recording in log what it put in the object table.
func (c *Conn) appendBox(dst []byte, v any, log *boxLog) ([]byte, error) {
	v = pyobj.Normalize(v)
	if brine.Dumpable(v) {
		dst = append(dst, brine.TagTuple2, labelByte(message.LabelValue))
		return brine.Append(dst, v)
	}
	switch x := v.(type) {
	case brine.Tuple:
		dst = append(dst, brine.TagTuple2, labelByte(message.LabelTuple))
		dst = brine.AppendTupleHeader(dst, len(x))
		var err error
		for _, e := range x {
			if dst, err = c.appendBox(dst, e, log); err != nil {
				return dst, err
			}
		}
		return dst, nil
	case *Netref:
		if x.conn == c {
			return appendRef(dst, message.LabelLocalRef, x.id), nil
		}
	case peerRef:
		return appendRef(dst, message.LabelLocalRef, message.IDPack(x)), nil
	case string:
		return dst, fmt.Errorf("string %.40q is not valid UTF-8: send []byte", x)
	case brine.FrozenSet, brine.Slice:
		return dst, fmt.Errorf("%s holds a value that cannot travel by value", pyobj.Describe(v))
	}
	v = pyobj.AsIterator(v)
	id, err := c.exports.add(v, pyobj.TypeName(v))
	if err != nil {
		return dst, err
	}
	log.ids = append(log.ids, id)
	log.objs = append(log.objs, v)
	return appendRef(dst, message.LabelRemoteRef, id), nil
}

// labelByte is a box label as a brine immediate int (0x50 + n).
func labelByte(l message.Label) byte {
	return labelBytes[l]
}

var labelBytes = func() (b [5]byte) {
	for l := range b {
		b[l] = brine.AppendInt(nil, int64(l))[0]
	}
	return b
}()

func appendRef(dst []byte, l message.Label, id message.IDPack) []byte {
	dst = append(dst, brine.TagTuple2, labelByte(l), brine.TagTuple3)
	dst = brine.AppendString(dst, id.Name)
	dst = brine.AppendInt(dst, id.ClassID)
	return brine.AppendInt(dst, id.InstanceID)
}

// unbox turns a wire box into a Go value: plain data as is, netrefs for the
// peer's objects (through the import table), and our own objects for
// LOCAL_REF. It runs on the reader, in arrival order.
func (c *Conn) unbox(v any) (any, error) {
	b, err := message.ParseBox(v)
	if err != nil {
		if t, ok := v.(brine.Tuple); ok && len(t) == 2 {
			return nil, vinegar.New("ValueError", fmt.Sprintf("invalid label %s", brine.Repr(t[0])))
		}
		return nil, vinegar.New("ValueError", fmt.Sprintf("invalid box %s", truncRepr(v)))
	}
	switch b.Label {
	case message.LabelValue:
		return b.Value, nil
	case message.LabelTuple:
		t, ok := b.Value.(brine.Tuple)
		if !ok {
			return nil, vinegar.New("TypeError", "TUPLE box does not hold a tuple")
		}
		// The decoded message is ours alone: unbox the items in place and
		// hand back the same tuple, with no copy.
		for i, e := range t {
			if t[i], err = c.unbox(e); err != nil {
				return nil, err
			}
		}
		return b.Value, nil
	case message.LabelLocalRef:
		id, err := message.ParseIDPack(b.Value)
		if err != nil {
			return nil, vinegar.New("KeyError", b.Value)
		}
		if c.pinning != nil {
			// A request's argument: kept until the request is served.
			obj, e, err := c.exports.getPinned(id)
			if err == nil {
				*c.pinning = append(*c.pinning, e)
			}
			return obj, err
		}
		return c.exports.get(id)
	default: // LabelRemoteRef
		id, err := message.ParseIDPack(b.Value)
		if err != nil {
			return nil, vinegar.New("ValueError", err.Error())
		}
		return c.importRef(id), nil
	}
}

func truncRepr(v any) string {
	s := brine.Repr(v)
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return s
}
