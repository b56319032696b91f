//go:build unix

package interop

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

var wireSeed = flag.Int64("wire.seed", 20261124, "random seed of the wire interop tests (replay a failure with its logged seed)")

const (
	// wireValues is how many brine values each brine run sends.
	wireValues = 3000
	// wireMessages is how many messages each message run sends.
	wireMessages = 2000
	// wireDeadline bounds one echo run end to end.
	wireDeadline = 60 * time.Second
	// maxReported caps mismatch reports per run.
	maxReported = 10
)

// echoCase is one frame to send and the body that must come back.
type echoCase struct {
	body []byte
	desc func() string          // what was sent, for failure messages
	more func(got []byte) error // extra checks on an echo equal to body
}

// echoStats are counted on the TCP byte stream, below the channels.
type echoStats struct {
	sent, echoed frameScanner
	elapsed      time.Duration
}

// TestWireBrine sends thousands of random brine values through Python's
// SocketStream, Channel and brine.load/brine.dump and wants every one back
// byte for byte: Go's encoder must be Python's, Go's decoder and framing
// must read what Python writes (compressed above 3000 bytes), and Python
// must read what Go writes, compressed or not.
func TestWireBrine(t *testing.T) {
	seed := *wireSeed
	t.Logf("seed %d (replay with -wire.seed=%d)", seed, seed)
	g := newValueGen(seed)
	values := g.edgeValues()
	for len(values) < wireValues {
		values = append(values, g.value(4))
	}
	cases := make([]echoCase, len(values))
	for i, v := range values {
		body, err := brine.Encode(v)
		if err != nil {
			t.Fatalf("value %d: Encode(%s): %v", i, short(brine.Repr(v)), err)
		}
		cases[i] = echoCase{
			body: body,
			desc: func() string { return "value " + short(brine.Repr(v)) },
			more: checkBrineRoundTrip,
		}
	}

	for _, run := range []struct {
		name string
		cfg  *channel.Config
	}{
		{"GoCompressOn", &channel.Config{CompressAll: true}}, // Python's rule, flag for flag
		{"GoCompressOff", &channel.Config{NoCompress: true}},
	} {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			p := Start(t, PeerOptions{Script: "echo_peer.py", Args: []string{"--mode", "brine"}})
			st := echoAll(t, p, run.cfg, cases)
			checkCompression(t, !run.cfg.NoCompress, cases, st)
		})
	}
}

// checkBrineRoundTrip decodes an echoed value with Go's decoder and wants
// Go's encoder to give the same bytes again.
func checkBrineRoundTrip(got []byte) error {
	v, err := brine.Decode(got)
	if err != nil {
		return fmt.Errorf("brine.Decode: %w", err)
	}
	again, err := brine.Encode(v)
	if err != nil {
		return fmt.Errorf("re-encode %s: %w", short(brine.Repr(v)), err)
	}
	if !bytes.Equal(again, got) {
		return fmt.Errorf("decode+encode changed the bytes: %s", firstDiff(again, got))
	}
	return nil
}

// TestWireMessages sends random protocol messages, mixing the 5.x and 6.x
// layouts on one connection, to a Python peer that unpacks each in the
// layout its first byte names and packs it again the same way. The echo
// must be byte-identical, and message.Decode must detect the layout and
// recover type, seq and payload. The second run starts the peer through
// the rpyc6_layout.py runner, so the 6.x codec installed in
// rpyc.core.protocol is the one exercised.
func TestWireMessages(t *testing.T) {
	seed := *wireSeed
	t.Logf("seed %d (replay with -wire.seed=%d)", seed, seed)
	g := newValueGen(seed + 1)
	var layouts [2]int
	cases := make([]echoCase, wireMessages)
	for i := range cases {
		layout := message.LayoutV5
		if g.r.IntN(2) == 0 {
			layout = message.LayoutV6
		}
		layouts[min(1, int(layout)-5)]++
		m := message.Message{
			Type:    []message.Type{message.Request, message.Reply, message.Exception}[g.r.IntN(3)],
			Seq:     randomSeq(g),
			Payload: g.value(3),
		}
		body, err := message.Encode(layout, m)
		if err != nil {
			t.Fatalf("message %d: Encode(%v, %v #%s): %v", i, layout, m.Type, short(brine.Repr(m.Seq)), err)
		}
		cases[i] = echoCase{
			body: body,
			desc: func() string {
				return fmt.Sprintf("%v message %v seq %s payload %s", layout, m.Type, short(brine.Repr(m.Seq)), short(brine.Repr(m.Payload)))
			},
			more: func(got []byte) error { return checkMessage(got, layout, m.Type) },
		}
	}
	t.Logf("%d messages: %d in the 5.x layout, %d in the 6.x layout", len(cases), layouts[0], layouts[1])

	for _, run := range []struct {
		name    string
		layout6 bool
	}{
		{"ImportedCodec", false},
		{"Runner", true},
	} {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			p := Start(t, PeerOptions{Script: "echo_peer.py", Args: []string{"--mode", "message"}, Layout6: run.layout6})
			cfg := &channel.Config{CompressAll: true} // Python's rule, flag for flag
			st := echoAll(t, p, cfg, cases)
			checkCompression(t, !cfg.NoCompress, cases, st)
			want := "6.x layout codec imported"
			if run.layout6 {
				want = "6.x layout codec installed"
			}
			if !strings.Contains(p.Stderr(), want) {
				t.Errorf("peer stderr %q does not say %q", p.Stderr(), want)
			}
		})
	}
}

// randomSeq is mostly a counter-like int64, as rpyc sends, and sometimes
// any brine value: a reply echoes whatever seq the request carried.
func randomSeq(g *valueGen) any {
	switch g.r.IntN(10) {
	case 0:
		return g.value(1)
	case 1:
		return g.int()
	default:
		return int64(g.r.IntN(1 << uint(1+g.r.IntN(40))))
	}
}

// checkMessage decodes an echoed message with layout detection.
func checkMessage(got []byte, layout message.Layout, typ message.Type) error {
	m, gotLayout, err := message.Decode(got, nil)
	if err != nil {
		return fmt.Errorf("message.Decode: %w", err)
	}
	if gotLayout != layout {
		return fmt.Errorf("message.Decode detected layout %v, want %v", gotLayout, layout)
	}
	if m.Type != typ {
		return fmt.Errorf("message.Decode type %v, want %v", m.Type, typ)
	}
	again, err := message.Encode(layout, m)
	if err != nil {
		return fmt.Errorf("re-encode: %w", err)
	}
	if !bytes.Equal(again, got) {
		return fmt.Errorf("decode+encode changed the bytes: %s", firstDiff(again, got))
	}
	return nil
}

// echoAll connects to an echo peer, sends every case from one goroutine
// while this one reads the echoes, checks each, then closes and wants the
// peer to report the same number of frames and exit cleanly.
func echoAll(t *testing.T, p *Peer, cfg *channel.Config, cases []echoCase) *echoStats {
	t.Helper()
	start := time.Now()
	conn, err := net.DialTimeout("tcp", p.Addr, 10*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", p.Addr, err)
	}
	// A hung peer must fail the test, not hang it.
	if err := conn.SetDeadline(time.Now().Add(wireDeadline)); err != nil {
		t.Fatal(err)
	}
	st := new(echoStats)
	cc := &countingConn{Conn: conn, in: &st.echoed, out: &st.sent}
	ch := channel.New(cc, cfg)
	defer ch.Close()

	var wg sync.WaitGroup
	var sendErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i, c := range cases {
			if err := ch.Send(c.body); err != nil {
				sendErr = fmt.Errorf("send frame %d: %w", i, err)
				return
			}
		}
	}()

	reported := 0
	for i, c := range cases {
		got, err := ch.Recv()
		if err != nil {
			ch.Close()
			wg.Wait()
			t.Fatalf("recv echo %d of %d: %v (sender: %v)", i, len(cases), err, sendErr)
		}
		var problem error
		if !bytes.Equal(got, c.body) {
			problem = fmt.Errorf("echo differs: %s", firstDiff(got, c.body))
		} else if c.more != nil {
			problem = c.more(got)
		}
		if problem != nil {
			reported++
			t.Errorf("frame %d (%s): %v", i, c.desc(), problem)
			if reported == maxReported {
				ch.Close()
				wg.Wait()
				t.Fatalf("stopping after %d mismatches", reported)
			}
		}
	}
	wg.Wait()
	if sendErr != nil {
		t.Fatal(sendErr)
	}
	if err := ch.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if err := p.Wait(10 * time.Second); err != nil {
		t.Fatalf("echo peer: %v", err)
	}
	out, _ := io.ReadAll(p.Stdout)
	if want := fmt.Sprintf("echoed %d frames", len(cases)); strings.TrimSpace(string(out)) != want {
		t.Errorf("peer said %q, want %q", strings.TrimSpace(string(out)), want)
	}
	st.elapsed = time.Since(start)
	return st
}

// checkCompression checks the compressed flags seen on the wire: Go
// compresses bodies over 3000 bytes when told to, Python always does.
func checkCompression(t *testing.T, goCompress bool, cases []echoCase, st *echoStats) {
	t.Helper()
	big, bodyBytes := 0, 0
	for _, c := range cases {
		bodyBytes += len(c.body)
		if len(c.body) > channel.DefaultCompressThreshold {
			big++
		}
	}
	wantGo := 0
	if goCompress {
		wantGo = big
	}
	if st.sent.frames != len(cases) || st.echoed.frames != len(cases) {
		t.Errorf("frames on the wire: sent %d, echoed %d, want %d each", st.sent.frames, st.echoed.frames, len(cases))
	}
	if st.sent.compressed != wantGo {
		t.Errorf("Go sent %d compressed frames, want %d", st.sent.compressed, wantGo)
	}
	if st.echoed.compressed != big {
		t.Errorf("Python sent %d compressed frames, want %d", st.echoed.compressed, big)
	}
	t.Logf("%d frames each way checked byte for byte in %v: %d bodies over %d bytes; "+
		"%.1f MB of bodies; wire %.1f MB out (%d compressed), %.1f MB back (%d compressed)",
		len(cases), st.elapsed.Round(time.Millisecond), big, channel.DefaultCompressThreshold,
		float64(bodyBytes)/1e6, float64(st.sent.wire)/1e6, st.sent.compressed,
		float64(st.echoed.wire)/1e6, st.echoed.compressed)
}

// countingConn counts frames as they cross the socket in each direction.
// Each scanner is used by one goroutine only (the channel's reader or its
// serialised writer) and read after both are done.
type countingConn struct {
	net.Conn
	in, out *frameScanner
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.scan(p[:n])
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.scan(p[:n])
	return n, err
}

// frameScanner follows a stream of RPyC frames (4-byte big-endian length,
// 1-byte compressed flag, body, one trailer byte) however it is chunked.
type frameScanner struct {
	hdr        [channel.HeaderSize]byte
	nhdr       int
	skip       int64 // body and trailer bytes still to pass
	frames     int
	compressed int
	wire       int64
}

func (s *frameScanner) scan(p []byte) {
	s.wire += int64(len(p))
	for len(p) > 0 {
		if s.skip > 0 {
			k := int64(len(p))
			if k > s.skip {
				k = s.skip
			}
			p = p[k:]
			s.skip -= k
			continue
		}
		k := copy(s.hdr[s.nhdr:], p)
		s.nhdr += k
		p = p[k:]
		if s.nhdr == len(s.hdr) {
			s.frames++
			if s.hdr[4] != 0 {
				s.compressed++
			}
			s.skip = int64(binary.BigEndian.Uint32(s.hdr[:4])) + 1
			s.nhdr = 0
		}
	}
}

// firstDiff describes where two byte strings part.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	window := func(b []byte) string {
		lo, hi := max(0, i-8), min(len(b), i+24)
		return hex.EncodeToString(b[lo:hi])
	}
	return fmt.Sprintf("lengths got %d want %d, first difference at byte %d: got …%s… want …%s…",
		len(got), len(want), i, window(got), window(want))
}

// short truncates a repr for a failure message.
func short(s string) string {
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("… (%d chars)", len(s))
	}
	return s
}
