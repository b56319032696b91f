// Package stream provides the byte transports that carry RPyC frames.
//
// The RPyC channel layer only needs an ordered, reliable, full-duplex byte
// stream that can be closed and that supports timeouts. Go already has an
// interface with exactly those properties, [net.Conn], so this package does
// not invent a new one: every stream is a net.Conn, and [Stream] is merely an
// alias that names the role. TCP, Unix-domain and TLS connections are used
// as the standard library returns them; for everything else (a reader/writer
// pair such as a subprocess's stdin/stdout, the process's own stdio, or an
// in-memory pair for tests and in-process connections) the package provides
// net.Conn adapters.
//
// # Kinds of stream
//
//   - TCP: [DialTCP], [ListenTCP], [TuneTCP]. TCP_NODELAY is always on,
//     because RPyC exchanges many small request/reply frames and Nagle's
//     algorithm would add latency to each round trip.
//   - Unix-domain sockets: [DialUnix], [ListenUnix].
//   - TLS over TCP: [DialTLS], [ListenTLS].
//   - Reader/writer pairs: [Pipe], and [Stdio] built on os.Stdin/os.Stdout.
//   - In memory: [MemPipe], a buffered full-duplex pair.
//
// # Contract
//
// Every stream returned by this package behaves as follows, so the layers
// above can be written once against net.Conn:
//
//   - Read and Write may be called from several goroutines at once. A Write
//     that returns without error has put all of its bytes into the stream
//     contiguously, even if other goroutines are writing at the same time.
//   - Close releases the stream and unblocks any Read or Write in progress
//     on it; those calls, and every later call, fail with an error for which
//     errors.Is(err, net.ErrClosed) is true.
//   - Close is idempotent in effect: only the first call does anything. Like
//     the standard library's connections, later calls return an error that
//     matches net.ErrClosed, which callers may ignore.
//   - When one end is closed, the other end first reads whatever was already
//     sent and then gets io.EOF.
//   - Read and write deadlines are supported. An expired deadline makes the
//     blocked or next call fail with an error that wraps
//     os.ErrDeadlineExceeded and whose Timeout method reports true. A read
//     timeout leaves the stream usable; after a write timeout the amount of
//     data that reached the peer is unknown, so a framed protocol should
//     close the stream.
//
// [IsTimeout] and [IsClosed] classify the errors of any stream, which lets
// callers tell a deadline from a disconnection without knowing the kind of
// transport.
//
// The adapters never leave goroutines of their own running after Close,
// with one unavoidable exception documented on [Pipe]: a Read or Write of
// the wrapped reader or writer that Close cannot interrupt (for example a
// blocking read from a terminal) keeps its goroutine until that call
// returns.
package stream

import "net"

// Stream is the transport under an RPyC channel. It is an alias of net.Conn
// rather than a new interface so that connections from the standard library
// and from other packages can be used directly, and so that the streams
// built here plug into anything that accepts a net.Conn.
type Stream = net.Conn
