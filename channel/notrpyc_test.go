package channel

import (
	"errors"
	"testing"
)

func TestNotRPyCError(t *testing.T) {
	for _, c := range []struct {
		e    *NotRPyCError
		want string
	}{
		{&NotRPyCError{Addr: "127.0.0.1:8080", Sent: []byte("HTTP/1.1 400 Bad Request\r\n")},
			`127.0.0.1:8080 does not speak RPyC: it sent "HTTP/1.1 400 Bad Request\r\n" (an HTTP server; check the address and port)`},
		{&NotRPyCError{Addr: "h:22", Sent: []byte("SSH-2.0-OpenSSH_9.2\r\n")},
			`h:22 does not speak RPyC: it sent "SSH-2.0-OpenSSH_9.2\r\n" (an SSH server; check the address and port)`},
		{&NotRPyCError{Addr: "h:1", Sent: []byte{0x15, 3, 3, 0, 2, 2, 0x46}},
			`h:1 does not speak RPyC: it sent "\x15\x03\x03\x00\x02\x02F" (a TLS server: dial it with TLS; check the address and port)`},
		{&NotRPyCError{Sent: []byte("OK\n"), Closed: true},
			`the peer does not speak RPyC: it sent "OK\n" and hung up (check the address and port)`},
	} {
		if got := c.e.Error(); got != c.want {
			t.Errorf("Error() = %s\nwant      %s", got, c.want)
		}
		if !errors.Is(c.e, ErrNotRPyC) {
			t.Errorf("%v does not match ErrNotRPyC", c.e)
		}
	}
}

func TestLooksLikeHeader(t *testing.T) {
	small := &Config{MaxFrameSize: 1 << 20}
	for _, c := range []struct {
		hdr  []byte
		cfg  *Config
		want bool
	}{
		{[]byte{0, 0, 0, 10, 0}, nil, true},
		{[]byte{0, 0, 0, 10, 1}, nil, true},
		{[]byte{0, 0, 0, 10, 2}, nil, false},     // no such compression flag
		{[]byte("HTTP/"), nil, false},            // declares 1.2 GB
		{[]byte{0, 0x20, 0, 0, 0}, nil, true},    // 2 MiB: within the default limit
		{[]byte{0, 0x20, 0, 0, 0}, small, false}, // but over a 1 MiB one
		{[]byte{0, 0, 0, 10}, nil, false},        // too short
	} {
		if got := LooksLikeHeader(c.hdr, c.cfg); got != c.want {
			t.Errorf("LooksLikeHeader(%q) = %v, want %v", c.hdr, got, c.want)
		}
	}
}
