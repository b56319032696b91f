package message

import "strconv"

// Type is a message's kind.
type Type uint8

// Message types, as numbered by rpyc.
const (
	Request   Type = 1
	Reply     Type = 2
	Exception Type = 3
)

// String is rpyc's name for the message type.
func (t Type) String() string {
	switch t {
	case Request:
		return "REQUEST"
	case Reply:
		return "REPLY"
	case Exception:
		return "EXCEPTION"
	}
	return "MSG(" + strconv.Itoa(int(t)) + ")"
}

// Handler is the number of a request's operation (rpyc's HANDLE_*).
type Handler uint8

// Request handlers, as numbered by rpyc 5.3 and 6.0.
const (
	HandlePing          Handler = 1
	HandleClose         Handler = 2
	HandleGetRoot       Handler = 3
	HandleGetAttr       Handler = 4
	HandleDelAttr       Handler = 5
	HandleSetAttr       Handler = 6
	HandleCall          Handler = 7
	HandleCallAttr      Handler = 8
	HandleRepr          Handler = 9
	HandleStr           Handler = 10
	HandleCmp           Handler = 11
	HandleHash          Handler = 12
	HandleDir           Handler = 13
	HandlePickle        Handler = 14
	HandleDel           Handler = 15
	HandleInspect       Handler = 16
	HandleBuffIter      Handler = 17
	HandleOldSlicing    Handler = 18
	HandleCtxExit       Handler = 19
	HandleInstanceCheck Handler = 20
)

// NumHandlers is the highest handler number; handler tables are indexed
// 1..NumHandlers.
const NumHandlers = 20

var handlerNames = [...]string{
	HandlePing: "PING", HandleClose: "CLOSE", HandleGetRoot: "GETROOT",
	HandleGetAttr: "GETATTR", HandleDelAttr: "DELATTR", HandleSetAttr: "SETATTR",
	HandleCall: "CALL", HandleCallAttr: "CALLATTR", HandleRepr: "REPR", HandleStr: "STR",
	HandleCmp: "CMP", HandleHash: "HASH", HandleDir: "DIR", HandlePickle: "PICKLE",
	HandleDel: "DEL", HandleInspect: "INSPECT", HandleBuffIter: "BUFFITER",
	HandleOldSlicing: "OLDSLICING", HandleCtxExit: "CTXEXIT", HandleInstanceCheck: "INSTANCECHECK",
}

// String is rpyc's HANDLE_* name for the handler.
func (h Handler) String() string {
	if h >= 1 && int(h) < len(handlerNames) {
		return "HANDLE_" + handlerNames[h]
	}
	return "HANDLE(" + strconv.Itoa(int(h)) + ")"
}

// Label says how a boxed value travels.
type Label uint8

// Boxing labels.
const (
	// LabelValue: the value is plain brine data.
	LabelValue Label = 1
	// LabelTuple: a tuple whose items are boxes themselves (some of them
	// went by reference).
	LabelTuple Label = 2
	// LabelLocalRef: an id_pack of an object that lives on the receiver;
	// the sender passes back a netref it holds.
	LabelLocalRef Label = 3
	// LabelRemoteRef: an id_pack of an object that lives on the sender; the
	// receiver makes (or reuses) a netref for it.
	LabelRemoteRef Label = 4
)

// String is rpyc's LABEL_* name for the label.
func (l Label) String() string {
	switch l {
	case LabelValue:
		return "VALUE"
	case LabelTuple:
		return "TUPLE"
	case LabelLocalRef:
		return "LOCAL_REF"
	case LabelRemoteRef:
		return "REMOTE_REF"
	}
	return "LABEL(" + strconv.Itoa(int(l)) + ")"
}

// Layout is a message layout: how (type, seq, payload) is packed.
type Layout uint8

// Layouts.
const (
	// LayoutV6 is rpyc 6.x: one byte type, then brine (seq, payload).
	LayoutV6 Layout = 6
	// LayoutV5 is rpyc 5.x: brine (type, seq, payload).
	LayoutV5 Layout = 5
)

// String is "v5" or "v6".
func (l Layout) String() string {
	switch l {
	case LayoutV5:
		return "v5"
	case LayoutV6:
		return "v6"
	}
	return "layout(" + strconv.Itoa(int(l)) + ")"
}

// StopIteration is the exception payload that stands for Python's
// StopIteration (the int 1, not a vinegar tuple).
const StopIteration = 1
