package main

import (
	"context"
	"encoding/binary"
	"net"

	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/server"
)

// frameAligned wraps the TLS authenticator so that no TLS record holds
// the end of one RPyC frame and the start of the next. Python's rpyc 5.3
// waits for a frame with select() on the socket, which does not see
// bytes already decrypted into the SSL object's buffer: a second frame
// sharing the first one's record would sit there unseen until the call
// times out (seen with redirected_stdio over TLS, where a reply and a
// request go out together). Writing each frame's bytes with their own
// Write calls keeps every record within one frame.
type frameAligned struct{ inner server.Authenticator }

func (a frameAligned) Authenticate(ctx context.Context, nc net.Conn) (net.Conn, any, error) {
	c, creds, err := a.inner.Authenticate(ctx, nc)
	if err != nil {
		return nil, nil, err
	}
	return &frameWriter{Conn: c}, creds, nil
}

// frameWriter splits writes at RPyC frame boundaries (a 5-byte header
// whose first four bytes are the body length, the body, a 1-byte
// trailer). Writes come from the channel's single writer, one at a time.
type frameWriter struct {
	net.Conn
	head [channel.HeaderSize]byte
	have int    // header bytes seen of the current frame
	left uint64 // body and trailer bytes left of the current frame
}

func (w *frameWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		var n int
		if w.left == 0 {
			// In a header: take what completes it.
			n = min(channel.HeaderSize-w.have, len(p))
			copy(w.head[w.have:], p[:n])
			w.have += n
			if w.have == channel.HeaderSize {
				w.left = uint64(binary.BigEndian.Uint32(w.head[:4])) + 1
				w.have = 0
			}
			// The header goes out with its body, in the loop below.
			if w.left != 0 && len(p) > n {
				m := int(min(w.left, uint64(len(p)-n)))
				w.left -= uint64(m)
				n += m
			}
		} else {
			n = int(min(w.left, uint64(len(p))))
			w.left -= uint64(n)
		}
		k, err := w.Conn.Write(p[:n])
		written += k
		if err != nil {
			return written, err
		}
		p = p[n:]
	}
	return written, nil
}
