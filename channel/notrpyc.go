package channel

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
)

// ErrNotRPyC reports a peer whose first bytes cannot start an RPyC frame:
// an HTTP or SSH server, a TLS port spoken to in plain TCP, a wrong port.
// errors.Is(err, ErrNotRPyC) is true for every *NotRPyCError.
var ErrNotRPyC = errors.New("peer does not speak RPyC")

// MaxSniffed is how many of the peer's first bytes a NotRPyCError keeps:
// enough to show an HTTP status line or an SSH banner.
const MaxSniffed = 64

// NotRPyCError says that the peer at Addr is not an RPyC peer and shows
// what it sent instead, so the user sees "127.0.0.1:8080 does not speak
// RPyC: it sent "HTTP/1.1 400 Bad Request..."" rather than a frame length
// of a billion bytes.
type NotRPyCError struct {
	// Addr names the peer ("127.0.0.1:8080", a socket path); it may be "".
	Addr string
	// Sent holds the first bytes the peer sent (at most MaxSniffed).
	Sent []byte
	// Closed is set when the peer hung up before a whole frame header.
	Closed bool
}

// Error names the peer and quotes what it sent, on one line.
func (e *NotRPyCError) Error() string {
	var b strings.Builder
	if e.Addr != "" {
		b.WriteString(e.Addr)
		b.WriteByte(' ')
	} else {
		b.WriteString("the peer ")
	}
	b.WriteString("does not speak RPyC: it sent ")
	b.WriteString(strconv.Quote(string(e.Sent)))
	if len(e.Sent) >= MaxSniffed {
		b.WriteString("...")
	}
	if e.Closed {
		b.WriteString(" and hung up")
	}
	b.WriteString(" (")
	if kind := e.looksLike(); kind != "" {
		b.WriteString(kind)
		b.WriteString("; ")
	}
	b.WriteString("check the address and port)")
	return b.String()
}

// looksLike names the protocol the first bytes belong to, when known.
func (e *NotRPyCError) looksLike() string {
	s := e.Sent
	switch {
	case len(s) >= 5 && string(s[:5]) == "HTTP/":
		return "an HTTP server"
	case len(s) >= 4 && string(s[:4]) == "SSH-":
		return "an SSH server"
	case len(s) >= 3 && (s[0] == 0x15 || s[0] == 0x16) && s[1] == 3 && s[2] <= 4:
		return "a TLS server: dial it with TLS"
	}
	return ""
}

// Is makes errors.Is(err, ErrNotRPyC) true.
func (e *NotRPyCError) Is(target error) bool { return target == ErrNotRPyC }

// LooksLikeHeader reports whether hdr, the first HeaderSize bytes a peer
// sent, can start an RPyC frame under cfg: a body length within
// cfg.MaxFrameSize and a compression flag of 0 or 1, which is all any
// RPyC implementation writes. Text protocols fail both tests ("HTTP"
// declares 1.2 GB), so a dialer can tell a wrong server from a broken one.
// Fewer than HeaderSize bytes are never a header.
func LooksLikeHeader(hdr []byte, cfg *Config) bool {
	if len(hdr) < HeaderSize {
		return false
	}
	s := resolve(cfg)
	length := int64(binary.BigEndian.Uint32(hdr[:4]))
	return length <= s.maxFrame && hdr[4] <= 1
}
