package main

// The scenarios of the memory budget: what a peer can make the server
// hold with frames it never finishes, frames that inflate or decode far
// past their size, and iterables that never end.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/zlib"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/server"
	"github.com/rpyc-go/rpyc/vinegar"
)

// slowloris opens n connections that each declare a frame of declared
// bytes and send one byte of it, and holds them for a few seconds while
// the normal client calls add(): it must be answered within 100 ms.
func slowloris(addr string, r *result, n, declared int) {
	hdr := binary.BigEndian.AppendUint32(nil, uint32(declared))
	hdr = append(hdr, 0, 'x')
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		nc, err := net.Dial("tcp", addr)
		if err != nil {
			r.failed = append(r.failed, err.Error())
			return
		}
		if _, err := nc.Write(hdr); err != nil {
			r.failed = append(r.failed, err.Error())
			return
		}
		conns = append(conns, nc)
	}
	time.Sleep(3 * time.Second)
	r.note = fmt.Sprintf("%d connections each declaring %d MiB with 1 byte sent, held 3 s", len(conns), declared>>20)
}

// pingHeader is the v6 request HANDLE_PING((label VALUE, (b'...',))) up
// to the bytes' length field, for a blob of n bytes that follows.
func pingHeader(n int) []byte {
	msg := []byte{byte(message.Request)}
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, 1) // seq
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, int64(message.HandlePing))
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, int64(message.LabelValue))
	msg = brine.AppendTupleHeader(msg, 1)
	msg = append(msg, brine.TagBytesL4)
	return binary.BigEndian.AppendUint32(msg, uint32(n))
}

// inflatedPings sends k pings at once, each a zlib frame of ~size/1000
// bytes that inflates to a size-byte blob the server echoes back, and
// reads the replies without inflating them. Server RSS must stay within
// 1.5 x MemoryBudget + 100 MiB.
func inflatedPings(addr string, r *result, srv *server.Server, k, size int) {
	var body bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&body, zlib.BestCompression)
	zw.Write(pingHeader(size))
	zero := make([]byte, 1<<20)
	for left := size; left > 0; left -= len(zero) {
		zw.Write(zero[:min(left, len(zero))])
	}
	zw.Close()
	frame := binary.BigEndian.AppendUint32(nil, uint32(body.Len()))
	frame = append(frame, 1)
	frame = append(append(frame, body.Bytes()...), channel.Trailer)
	var wg sync.WaitGroup
	var ok, failed atomic.Int64
	var budgetPeak atomic.Int64
	stop := make(chan struct{})
	go func() {
		for {
			if u := srv.Budget().Used(); u > budgetPeak.Load() {
				budgetPeak.Store(u)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	for range k {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				failed.Add(1)
				return
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(120 * time.Second))
			if _, err := nc.Write(frame); err != nil {
				failed.Add(1)
				return
			}
			var h [channel.HeaderSize]byte
			if _, err := io.ReadFull(nc, h[:]); err != nil {
				failed.Add(1)
				return
			}
			n := int64(binary.BigEndian.Uint32(h[:4])) + 1
			if _, err := io.CopyN(io.Discard, nc, n); err != nil {
				failed.Add(1)
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	close(stop)
	r.note = fmt.Sprintf("%d pings of %d MiB from %d KiB frames: %d answered, %d failed in %v; budget peak %.0f MiB",
		k, size>>20, len(frame)>>10, ok.Load(), failed.Load(), time.Since(start).Round(time.Millisecond), mib(budgetPeak.Load()))
	if ok.Load() != int64(k) {
		r.failed = append(r.failed, fmt.Sprintf("%d of %d pings were not answered", int64(k)-ok.Load(), k))
	}
	if budgetPeak.Load() > srv.Budget().Limit() {
		r.failed = append(r.failed, fmt.Sprintf("budget use reached %.0f MiB, over its %.0f MiB", mib(budgetPeak.Load()), mib(srv.Budget().Limit())))
	}
}

// oneTuples sends one ping of about size bytes whose argument is a tuple
// of one-tuples of None (2 wire bytes, ~56 decoded), the shape that
// amplifies most, and reports how much the heap grew per wire byte.
func oneTuples(addr string, r *result, size int) {
	items := (size - 64) / 2
	msg := []byte{byte(message.Request)}
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, 1)
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, int64(message.HandlePing))
	msg = brine.AppendTupleHeader(msg, 2)
	msg = brine.AppendInt(msg, int64(message.LabelValue))
	msg = brine.AppendTupleHeader(msg, 1)
	msg = append(msg, brine.TagTupleL4)
	msg = binary.BigEndian.AppendUint32(msg, uint32(items))
	frame := binary.BigEndian.AppendUint32(nil, uint32(len(msg)+2*items))
	frame = append(frame, 0)
	frame = append(frame, msg...)
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer nc.Close()
	nc.SetDeadline(time.Now().Add(120 * time.Second))
	start := time.Now()
	if _, err := nc.Write(frame); err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	one := bytes.Repeat([]byte{brine.TagTuple1, brine.TagNone}, 1<<19)
	left := 2 * items
	for left > 0 {
		n := min(left, len(one))
		if _, err := nc.Write(one[:n]); err != nil {
			break // the server may close before the frame ends
		}
		left -= n
	}
	nc.Write([]byte{channel.Trailer})
	// Whatever the server answers (a reply, or closing on the budget).
	_, rerr := channel.ReadFrame(nc, &channel.Config{MaxInflatedSize: 1 << 20})
	outcome := "answered"
	if rerr != nil {
		outcome = "connection closed (" + firstLine(rerr) + ")"
	}
	grow := r.livePeak
	r.note = fmt.Sprintf("%d MiB frame of %d one-tuples: %s in %v; live heap peak %.0f MiB (%.1f bytes per wire byte)",
		size>>20, items, outcome, time.Since(start).Round(time.Millisecond), mib(grow), float64(grow)/float64(size))
}

// endlessExtend calls list.extend with an endless iterator of ours and
// counts the items the server pulled: at most MaxBuildItems and one
// batch more.
func endlessExtend(addr string, r *result, maxItems int) {
	c, err := rpyc.Dial(context.Background(), addr, &rpyc.Config{Layout: message.LayoutV6, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := c.Root(ctx)
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	l, err := rpyc.As[*rpyc.Netref](root.CallMethod(ctx, "list"))
	if err != nil {
		r.failed = append(r.failed, err.Error())
		return
	}
	var pulled atomic.Int64
	endless := iter.Seq[int](func(yield func(int) bool) {
		for i := 0; ; i++ {
			pulled.Add(1)
			if !yield(i) {
				return
			}
		}
	})
	start := time.Now()
	_, err = l.CallMethod(ctx, "extend", endless)
	r.note = fmt.Sprintf("extend(endless) -> %s after %d items pulled in %v (MaxBuildItems %d)",
		firstLine(err), pulled.Load(), time.Since(start).Round(time.Millisecond), maxItems)
	if !isMemoryError(err) {
		r.failed = append(r.failed, fmt.Sprintf("extend of an endless iterator: %v, want MemoryError", err))
	}
	if n := pulled.Load(); n > int64(maxItems)+1024+1 {
		r.failed = append(r.failed, fmt.Sprintf("%d items pulled, over MaxBuildItems + one batch", n))
	}
}

func isMemoryError(err error) bool { return errors.Is(err, vinegar.ErrMemoryError) }
