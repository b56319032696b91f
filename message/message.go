package message

import (
	"errors"
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
)

// ErrMalformed is matched by every error about a message that cannot be
// understood. It also matches brine.ErrMalformed when the brine inside was
// bad.
var ErrMalformed = errors.New("message: malformed")

// Message is one unit of the protocol: a request, a reply or an exception.
type Message struct {
	Type Type
	// Seq is normally an int64 counted by the sender of the request; a
	// reply echoes the request's Seq unchanged, whatever brine value it was.
	Seq any
	// Payload is the brine value: (handler, boxed args) for a request, a
	// box for a reply, a vinegar tuple (or StopIteration) for an exception.
	Payload any
}

// Append encodes m in the given layout after dst. The bytes are those of
// brine.Append of the whole tuple, written without building it.
func Append(dst []byte, layout Layout, m Message) ([]byte, error) {
	var err error
	switch layout {
	case LayoutV5:
		dst = append(dst, brine.TagTuple3)
		dst = brine.AppendInt(dst, int64(m.Type))
	case LayoutV6:
		dst = append(dst, byte(m.Type), brine.TagTuple2)
	default:
		return dst, fmt.Errorf("message: unknown layout %d", layout)
	}
	if dst, err = brine.Append(dst, m.Seq); err == nil {
		dst, err = brine.Append(dst, m.Payload)
	}
	if err != nil {
		return dst, fmt.Errorf("message: encode %v #%v: %w", m.Type, m.Seq, err)
	}
	return dst, nil
}

// AppendIntSeq is Append for a message whose seq is the int seq, which it
// writes without putting it in an interface value (a request's seq, on
// every call).
func AppendIntSeq(dst []byte, layout Layout, t Type, seq int64, payload any) ([]byte, error) {
	switch layout {
	case LayoutV5:
		dst = append(dst, brine.TagTuple3)
		dst = brine.AppendInt(dst, int64(t))
	case LayoutV6:
		dst = append(dst, byte(t), brine.TagTuple2)
	default:
		return dst, fmt.Errorf("message: unknown layout %d", layout)
	}
	dst = brine.AppendInt(dst, seq)
	dst, err := brine.Append(dst, payload)
	if err != nil {
		return dst, fmt.Errorf("message: encode %v #%d: %w", t, seq, err)
	}
	return dst, nil
}

// Encode encodes m in the given layout.
func Encode(layout Layout, m Message) ([]byte, error) {
	return Append(nil, layout, m)
}

// DetectLayout tells the layout from a message's first byte: 0x12 (a brine
// 3-tuple) is 5.x, a message type byte is 6.x.
func DetectLayout(data []byte) (Layout, bool) {
	if len(data) == 0 {
		return 0, false
	}
	switch data[0] {
	case brine.TagTuple3:
		return LayoutV5, true
	case byte(Request), byte(Reply), byte(Exception):
		return LayoutV6, true
	}
	return 0, false
}

// Decode decodes one message in whichever layout it is in, and reports that
// layout. Bytes after the message are ignored, as Python ignores them.
func Decode(data []byte, d *brine.Decoder) (Message, Layout, error) {
	layout, ok := DetectLayout(data)
	if !ok {
		if len(data) == 0 {
			return Message{}, 0, fmt.Errorf("%w: empty message", ErrMalformed)
		}
		return Message{}, 0, fmt.Errorf("%w: first byte 0x%02x is neither a 5.x tuple nor a 6.x message type", ErrMalformed, data[0])
	}
	m, err := DecodeLayout(data, layout, d)
	return m, layout, err
}

// DecodeLayout decodes one message that must be in the given layout.
func DecodeLayout(data []byte, layout Layout, d *brine.Decoder) (Message, error) {
	if d == nil {
		d = new(brine.Decoder)
	}
	var body []byte
	var want int
	switch layout {
	case LayoutV5:
		body, want = data, 3
	case LayoutV6:
		if len(data) == 0 {
			return Message{}, fmt.Errorf("%w: empty message", ErrMalformed)
		}
		body, want = data[1:], 2
	default:
		return Message{}, fmt.Errorf("message: unknown layout %d", layout)
	}
	v, _, err := d.DecodePrefix(body)
	if err != nil {
		return Message{}, fmt.Errorf("%w: %v layout: %w", ErrMalformed, layout, err)
	}
	t, ok := v.(brine.Tuple)
	if !ok || len(t) != want {
		return Message{}, fmt.Errorf("%w: %v layout wants a %d-tuple, got %s", ErrMalformed, layout, want, brine.Repr(v))
	}
	var m Message
	if layout == LayoutV5 {
		n, ok := t[0].(int64)
		if !ok || n < 0 || n > 255 {
			return Message{}, fmt.Errorf("%w: message type %s", ErrMalformed, brine.Repr(t[0]))
		}
		m = Message{Type: Type(n), Seq: t[1], Payload: t[2]}
	} else {
		m = Message{Type: Type(data[0]), Seq: t[0], Payload: t[1]}
	}
	if m.Type < Request || m.Type > Exception {
		return m, fmt.Errorf("%w: unknown message type %d", ErrMalformed, m.Type)
	}
	return m, nil
}
