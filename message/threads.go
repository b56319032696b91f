package message

import (
	"encoding/binary"
	"fmt"
)

// Thread binding (rpyc 6's bind_threads, RPYC_BIND_THREADS=true): every
// message of the 6.x layout is preceded by 16 bytes, two big-endian
// uint64 thread ids: the sender's thread, and the receiver's thread the
// message is meant for (UnboundThread when any may take it). A request
// made while serving a request from remote thread T is addressed to T, so
// the peer runs it on the thread that waits for the answer. Nothing
// negotiates it: both ends must be configured alike, and a server learns
// it from the first message.

// ThreadPrefixSize is the size of the thread-id prefix.
const ThreadPrefixSize = 16

// UnboundThread is the receiver thread id of a message any thread may
// serve (Python's UNBOUND_THREAD_ID).
const UnboundThread uint64 = 0

// Threads is the prefix of one message under bind_threads.
type Threads struct {
	Sender   uint64 // the sending side's thread
	Receiver uint64 // the receiving side's thread, or UnboundThread
}

// AppendThreads appends the 16-byte prefix t to dst.
func AppendThreads(dst []byte, t Threads) []byte {
	dst = binary.BigEndian.AppendUint64(dst, t.Sender)
	return binary.BigEndian.AppendUint64(dst, t.Receiver)
}

// SplitThreads takes the prefix off a message received under
// bind_threads.
func SplitThreads(data []byte) (Threads, []byte, error) {
	if len(data) < ThreadPrefixSize+1 {
		return Threads{}, nil, fmt.Errorf("%w: %d bytes cannot hold a thread-id prefix (bind_threads) and a message", ErrMalformed, len(data))
	}
	t := Threads{Sender: binary.BigEndian.Uint64(data), Receiver: binary.BigEndian.Uint64(data[8:])}
	return t, data[ThreadPrefixSize:], nil
}

// DetectThreads reports whether a server's first message carries a
// thread-id prefix: no 5.x or 6.x message starts with 0x00, while a
// prefix does (a thread id below 2^56; Python's are pointers or small
// counters), followed by a 6.x message type. bind_threads exists only
// in rpyc 6, so the message after the prefix is always of the 6.x layout.
func DetectThreads(data []byte) bool {
	if len(data) < ThreadPrefixSize+1 || data[0] != 0 {
		return false
	}
	switch Type(data[ThreadPrefixSize]) {
	case Request, Reply, Exception:
		return true
	}
	return false
}
