//go:build unix

package interop

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/channel"
	"github.com/rpyc-go/rpyc/message"
)

// TestRawFramesReplay replays every line of testdata/vectors/server-raw.jsonl
// (hand-made, partly hostile frames that were sent to Python's rpyc 5.3.0
// and 6.0.1 servers, with what those servers answered) against the Go
// conformance server, each on a fresh connection, and compares the answers
// structurally: the same number of replies, the same message types and
// seqs, the same exception classes and args, the same echoed PING data,
// and the same verdict on whether the server closed the connection. The
// project's rule is that each line gets what Python's server gives, or a
// clean close, never a crash; every place where the Go server departs from
// Python is listed in rawAllowed with its reason. After each line a new
// connection must still be served.

const (
	// rawSilence is how long a replay waits for more replies (the vectors
	// were recorded with 0.8 s).
	rawSilence = 500 * time.Millisecond
	// rawParallel bounds how many lines replay at once.
	rawParallel = 12
)

// rawLine is one line of server-raw.jsonl.
type rawLine struct {
	Name          string   `json:"name"`
	ServerVersion string   `json:"server_version"`
	Desc          string   `json:"desc"`
	SentHex       []string `json:"sent_hex"`
	Responses     []struct {
		FrameHex string `json:"frame_hex"`
		Pretty   string `json:"pretty"`
	} `json:"responses"`
	ServerClosed bool `json:"server_closed_connection"`
}

func (l rawLine) key() string { return l.ServerVersion + "/" + l.Name }

func (l rawLine) layout() message.Layout {
	if strings.HasPrefix(l.ServerVersion, "5.") {
		return message.LayoutV5
	}
	return message.LayoutV6
}

// A rawAllowance is a documented difference between the Go server and
// Python's on one line. Each flag names one kind of difference; a flag that
// a line no longer needs is an error, so the table stays exact.
type rawAllowance struct {
	// closes: the Go server closes the connection where Python went on
	// serving (or kept waiting for more bytes). Replies Python sent after
	// that point are not expected; those before it must still match.
	closes bool
	// args: an exception's args differ in wording; its class must match.
	args bool
	// refName: a REMOTE_REF names another type (the services differ); it
	// must still be a REMOTE_REF.
	refName bool
	// pairs: the reply is a tuple of (str, str or None) pairs, as INSPECT
	// answers, with other content (the services differ).
	pairs bool
	// exc: the Go server answers with an exception of this class where
	// Python's service replied (the services differ).
	exc string
	// reason says why the difference is acceptable.
	reason string
}

// rawAllowed is every allowed difference, keyed by "VERSION/name"; a key
// "*/name" applies to both server versions.
var rawAllowed = map[string]rawAllowance{
	"*/getroot": {refName: true,
		reason: "the root is the Go conformance service, not the vectors' __main__.VectorService"},
	"*/inspect_root": {pairs: true,
		reason: "INSPECT lists the exposed members of another service, some without a doc string"},
	"*/callattr_get_list": {exc: "builtins.TypeError",
		reason: "the conformance service's get_list(n) needs n (CONFORMANCE.md); the vectors' service had get_list()"},
	"*/junk_bytes": {closes: true,
		reason: "the junk header declares more than the 257 MiB frame limit: the Go server refuses it at once " +
			"instead of waiting for the body as Python does"},
	"*/declared_len_max": {closes: true,
		reason: "2^32-1 is above the 257 MiB frame limit: the Go server closes instead of waiting for 4 GiB"},
	"6.0.1/unknown_msg_type_4": {closes: true,
		reason: "the Go server does as rpyc 5.3 (HANDLE_CLOSE, then close); 6.0.1 sends HANDLE_CLOSE but keeps serving"},
	"6.0.1/malformed_brine_message": {closes: true,
		reason: "as 6.0.1/unknown_msg_type_4"},
	"*/args_not_tuple": {args: true,
		reason: "Python's text comes from its call syntax ('Value after * must be an iterable, not int'); TypeError matches"},
	"*/payload_not_pair": {args: true,
		reason: "Python's text comes from tuple unpacking ('too many values to unpack (expected 2)'); ValueError matches"},
	"*/ping_wrong_arity": {args: true,
		reason: "Python's text names its private method Connection._handle_ping(); TypeError matches"},
	"*/callattr_kwargs_bad_shape": {args: true,
		reason: "Python's text comes from dict() ('dictionary update sequence element #0 has length 1; 2 is required'); " +
			"ValueError matches"},
}

// rawUse records which allowances a line actually needed.
type rawUse struct{ closes, args, refName, pairs, exc bool }

func (l rawLine) allowance() (rawAllowance, bool) {
	if a, ok := rawAllowed[l.key()]; ok {
		return a, true
	}
	a, ok := rawAllowed["*/"+l.Name]
	return a, ok
}

func loadRawLines(t *testing.T) []rawLine {
	t.Helper()
	root, err := confModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "testdata", "vectors", "server-raw.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []rawLine
	for i, text := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var l rawLine
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			t.Fatalf("server-raw.jsonl line %d: %v", i+1, err)
		}
		lines = append(lines, l)
	}
	return lines
}

// pyRootName is the class of the Python server's root in the vectors.
const pyRootName = "__main__.VectorService"

// rewriteRoot replaces, in a chunk that is exactly one uncompressed frame,
// each id_pack of Python's root by goRoot, re-framing the body. The
// recorder did the same with the root of each of its connections. Bytes
// around the id_pack (trailing garbage, odd trailers) are kept.
func rewriteRoot(chunk []byte, layout message.Layout, goRoot message.IDPack) ([]byte, bool, error) {
	if len(chunk) < channel.FrameOverhead || chunk[4] != 0 ||
		int(binary.BigEndian.Uint32(chunk)) != len(chunk)-channel.FrameOverhead {
		return chunk, false, nil
	}
	body := chunk[channel.HeaderSize : len(chunk)-1]
	m, err := message.DecodeLayout(body, layout, nil)
	if err != nil {
		return chunk, false, nil
	}
	var found []brine.Tuple
	var walk func(v any)
	walk = func(v any) {
		tup, ok := v.(brine.Tuple)
		if !ok {
			return
		}
		if id, err := message.ParseIDPack(tup); err == nil && id.Name == pyRootName {
			found = append(found, tup)
			return
		}
		for _, x := range tup {
			walk(x)
		}
	}
	walk(m.Payload)
	if len(found) == 0 {
		return chunk, false, nil
	}
	newEnc, err := brine.Encode(goRoot.Tuple())
	if err != nil {
		return nil, false, err
	}
	for _, tup := range found {
		oldEnc, err := brine.Encode(tup)
		if err != nil {
			return nil, false, err
		}
		if !bytes.Contains(body, oldEnc) {
			return nil, false, fmt.Errorf("the id_pack %s is not encoded as Go encodes it", brine.Repr(tup))
		}
		body = bytes.Replace(body, oldEnc, newEnc, 1)
	}
	out := wireFrame(0, body)
	out[len(out)-1] = chunk[len(chunk)-1]
	return out, true, nil
}

// rawResult is what the Go server did with one line.
type rawResult struct {
	replies   []message.Message
	closed    bool   // EOF or reset seen
	how       string // how it ended: "silence", "EOF", "reset", or an error
	rewritten int    // chunks whose root id_pack was replaced
	local     string // the replay connection's address, as the server logs it
	err       error  // the replay itself failed
	liveAfter error  // a new connection after the line
}

// rawConn is a raw connection that has done its GETROOT.
type rawConn struct {
	c    net.Conn
	br   *bufio.Reader
	root message.IDPack
}

func dialRaw(addr string, layout message.Layout) (*rawConn, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	rc := &rawConn{c: c, br: bufio.NewReader(c)}
	if _, err := c.Write(getRootFrame(layout, 0)); err != nil {
		c.Close()
		return nil, err
	}
	m, err := readReply(c, rc.br, layout)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("GETROOT: %w", err)
	}
	box, err := message.ParseBox(m.Payload)
	if m.Type != message.Reply || err != nil || box.Label != message.LabelRemoteRef {
		c.Close()
		return nil, fmt.Errorf("GETROOT answered %v %s", m.Type, brine.Repr(m.Payload))
	}
	if rc.root, err = message.ParseIDPack(box.Value); err != nil {
		c.Close()
		return nil, err
	}
	return rc, nil
}

// replay runs one line against the server.
func replay(addr string, l rawLine) rawResult {
	var res rawResult
	layout := l.layout()
	rc, err := dialRaw(addr, layout)
	if err != nil {
		res.err = err
		return res
	}
	defer rc.c.Close()
	res.local = rc.c.LocalAddr().String()
	var out []byte
	for _, h := range l.SentHex {
		chunk, err := hex.DecodeString(h)
		if err != nil {
			res.err = err
			return res
		}
		chunk, changed, err := rewriteRoot(chunk, layout, rc.root)
		if err != nil {
			res.err = err
			return res
		}
		if changed {
			res.rewritten++
		}
		out = append(out, chunk...)
	}
	// One write, as a stream: the server may close before it reads it all.
	go func() {
		_ = rc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, _ = rc.c.Write(out)
	}()
	for {
		_ = rc.c.SetReadDeadline(time.Now().Add(rawSilence))
		data, err := channel.ReadFrame(rc.br, nil)
		var ne net.Error
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			res.closed, res.how = true, "EOF"
		case errors.Is(err, syscall.ECONNRESET):
			res.closed, res.how = true, "reset"
		case errors.As(err, &ne) && ne.Timeout():
			res.how = "silence"
		default:
			res.how = err.Error()
			res.err = fmt.Errorf("reading replies: %w", err)
		}
		if err != nil {
			break
		}
		m, err := message.DecodeLayout(data, layout, nil)
		if err != nil {
			res.err = fmt.Errorf("undecodable reply %x: %w", data, err)
			break
		}
		res.replies = append(res.replies, m)
	}
	// The server lives: a new connection gets its root and a PING answer.
	res.liveAfter = checkServes(addr, layout)
	return res
}

// checkServes opens a new raw connection, does GETROOT and a PING.
func checkServes(addr string, layout message.Layout) error {
	rc, err := dialRaw(addr, layout)
	if err != nil {
		return err
	}
	defer rc.c.Close()
	if _, err := rc.c.Write(pingFrame(layout, 1, "alive?")); err != nil {
		return err
	}
	m, err := readReply(rc.c, rc.br, layout)
	if err != nil {
		return fmt.Errorf("PING: %w", err)
	}
	if m.Type != message.Reply || !reflect.DeepEqual(m.Payload, message.Box{Label: message.LabelValue, Value: "alive?"}.Tuple()) {
		return fmt.Errorf("PING answered %v %s", m.Type, brine.Repr(m.Payload))
	}
	return nil
}

func TestRawFramesReplay(t *testing.T) {
	lines := loadRawLines(t)
	srv := startConformance(t)

	// Replay concurrently (each waits rawSilence for more replies), then
	// judge each line in its own subtest.
	results := make([]rawResult, len(lines))
	sem := make(chan struct{}, rawParallel)
	var wg sync.WaitGroup
	for i, l := range lines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = replay(srv.Addr, l)
		}()
	}
	wg.Wait()

	used := map[string]bool{}
	versions := map[string]int{}
	for i, l := range lines {
		versions[l.ServerVersion]++
		t.Run(l.key(), func(t *testing.T) {
			a, ok := l.allowance()
			if ok {
				used[l.key()], used["*/"+l.Name] = true, true
			}
			judgeRaw(t, l, results[i], a)
			if t.Failed() {
				t.Logf("server log of this connection:\n%s", connLog(srv.Logs(), results[i].local))
			}
		})
	}
	for key := range rawAllowed {
		if !used[key] {
			t.Errorf("rawAllowed[%q] matches no line of server-raw.jsonl", key)
		}
	}
	if err := srv.Alive(); err != nil {
		t.Fatal(err)
	}
	if err := checkServes(srv.Addr, message.LayoutV5); err != nil {
		t.Errorf("after the replay: %v", err)
	}
	t.Logf("replayed %d lines (%v) against the Go server", len(lines), versions)
}

// connLog returns the server's log lines about the connection from remote.
func connLog(logs, remote string) string {
	id := connLogID(logs, remote)
	if id == "" {
		return "(no connection from " + remote + " in the log)"
	}
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if strings.Contains(line, "conn="+id+" ") || strings.HasSuffix(line, "conn="+id) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// judgeRaw compares the Go server's answers with Python's. The Go server
// serves requests concurrently, so replies to different requests may come
// in another order than Python's: they are matched by type and seq.
func judgeRaw(t *testing.T, l rawLine, res rawResult, a rawAllowance) {
	t.Helper()
	layout := l.layout()
	if res.err != nil {
		t.Fatalf("%s: replay failed: %v", l.Desc, res.err)
	}
	if res.liveAfter != nil {
		t.Errorf("a new connection after this line failed: %v", res.liveAfter)
	}
	var want []message.Message
	for _, r := range l.Responses {
		raw, err := hex.DecodeString(r.FrameHex)
		if err != nil {
			t.Fatal(err)
		}
		data, err := channel.ReadFrame(bytes.NewReader(raw), nil)
		if err != nil {
			t.Fatalf("recorded response %s: %v", r.Pretty, err)
		}
		m, err := message.DecodeLayout(data, layout, nil)
		if err != nil {
			t.Fatalf("recorded response %s: %v", r.Pretty, err)
		}
		want = append(want, m)
	}
	got := res.replies
	t.Logf("%s (%d chunks, %d with the root id_pack replaced)\n  Python: [%s] closed=%v\n  Go:     [%s] closed=%v (%s)",
		l.Desc, len(l.SentHex), res.rewritten, describeMessages(want), l.ServerClosed, describeMessages(got), res.closed, res.how)

	var use rawUse
	matched := make([]bool, len(got))
	for i, w := range want {
		j := slices.IndexFunc(got, func(g message.Message) bool {
			return (g.Type == message.Request) == (w.Type == message.Request) && reflect.DeepEqual(g.Seq, w.Seq)
		})
		for j >= 0 && matched[j] {
			k := slices.IndexFunc(got[j+1:], func(g message.Message) bool {
				return (g.Type == message.Request) == (w.Type == message.Request) && reflect.DeepEqual(g.Seq, w.Seq)
			})
			if k < 0 {
				j = -1
			} else {
				j += 1 + k
			}
		}
		if j < 0 {
			if !(a.closes && res.closed && !l.ServerClosed) {
				t.Errorf("Python's reply %d (%s) has no counterpart from the Go server", i, describeMessages(want[i:i+1]))
			}
			continue
		}
		matched[j] = true
		compareMsg(t, i, w, got[j], a, &use)
	}
	for j, ok := range matched {
		if !ok {
			t.Errorf("the Go server sent %s, which Python did not", describeMessages(got[j:j+1]))
		}
	}
	switch {
	case res.closed == l.ServerClosed:
	case a.closes && res.closed:
		use.closes = true
	default:
		t.Errorf("closed the connection: Go %v (%s), Python %v", res.closed, res.how, l.ServerClosed)
	}
	for _, c := range []struct {
		allowed, used bool
		name          string
	}{{a.closes, use.closes, "closes"}, {a.args, use.args, "args"}, {a.refName, use.refName, "refName"},
		{a.pairs, use.pairs, "pairs"}, {a.exc != "", use.exc, "exc"}} {
		if c.allowed && !c.used {
			t.Errorf("rawAllowed grants %q here, but the Go server now does as Python: remove it", c.name)
		}
	}
}

// compareMsg compares one reply of the Go server with Python's.
func compareMsg(t *testing.T, i int, want, got message.Message, a rawAllowance, use *rawUse) {
	t.Helper()
	if a.exc != "" && want.Type == message.Reply && got.Type == message.Exception {
		if cls, _, err := vinegarParts(got.Payload); err == nil && cls == a.exc {
			use.exc = true
			return
		}
	}
	if want.Type != got.Type {
		t.Errorf("reply %d: Go %s, Python %s", i, describeMessages([]message.Message{got}), describeMessages([]message.Message{want}))
		return
	}
	switch want.Type {
	case message.Request:
		wh, wargs, werr := message.ParseRequest(want.Payload)
		gh, gargs, gerr := message.ParseRequest(got.Payload)
		if werr != nil || gerr != nil || wh != gh || !reflect.DeepEqual(wargs, gargs) {
			t.Errorf("reply %d: Go request %s, Python %s", i, brine.Repr(got.Payload), brine.Repr(want.Payload))
		}
	case message.Reply:
		wb, werr := message.ParseBox(want.Payload)
		gb, gerr := message.ParseBox(got.Payload)
		if werr != nil || gerr != nil {
			t.Errorf("reply %d: boxes %v / %v", i, werr, gerr)
			return
		}
		if wb.Label != gb.Label {
			t.Errorf("reply %d: Go %v %s, Python %v %s", i, gb.Label, brine.Repr(gb.Value), wb.Label, brine.Repr(wb.Value))
			return
		}
		switch {
		case wb.Label == message.LabelRemoteRef:
			wid, werr := message.ParseIDPack(wb.Value)
			gid, gerr := message.ParseIDPack(gb.Value)
			switch {
			case werr != nil || gerr != nil:
				t.Errorf("reply %d: id_packs %v / %v", i, werr, gerr)
			case wid.Name == gid.Name:
			case a.refName:
				use.refName = true
			default:
				t.Errorf("reply %d: REMOTE_REF of %q, Python %q", i, gid.Name, wid.Name)
			}
		case reflect.DeepEqual(wb.Value, gb.Value):
		case a.pairs && isDocPairs(wb.Value) && isDocPairs(gb.Value):
			use.pairs = true
		default:
			t.Errorf("reply %d: Go %s, Python %s", i, clip(brine.Repr(gb.Value), 300), clip(brine.Repr(wb.Value), 300))
		}
	case message.Exception:
		wc, wargs, err := vinegarParts(want.Payload)
		if err != nil {
			t.Fatalf("recorded exception: %v", err)
		}
		gc, gargs, err := vinegarParts(got.Payload)
		switch {
		case err != nil:
			t.Errorf("reply %d: exception payload %s: %v", i, clip(brine.Repr(got.Payload), 300), err)
		case wc != gc:
			t.Errorf("reply %d: exception %s%s, Python %s%s", i, gc, brine.Repr(gargs), wc, brine.Repr(wargs))
		case reflect.DeepEqual(wargs, gargs):
		case a.args:
			use.args = true
		default:
			t.Errorf("reply %d: %s args %s, Python %s", i, gc, brine.Repr(gargs), brine.Repr(wargs))
		}
	}
}

// vinegarParts reads ((module, name), args, attrs, traceback) and returns
// "module.Name" and args.
func vinegarParts(v any) (string, any, error) {
	tup, ok := v.(brine.Tuple)
	if !ok || len(tup) != 4 {
		return "", nil, fmt.Errorf("not a 4-tuple")
	}
	cls, ok := tup[0].(brine.Tuple)
	if !ok || len(cls) != 2 {
		return "", nil, fmt.Errorf("class is not a (module, name) pair")
	}
	mod, ok1 := cls[0].(string)
	name, ok2 := cls[1].(string)
	if !ok1 || !ok2 {
		return "", nil, fmt.Errorf("class names are not strings")
	}
	return mod + "." + name, tup[1], nil
}

// isDocPairs reports whether v is a non-empty tuple of (str, str or None)
// pairs: the shape of an INSPECT reply.
func isDocPairs(v any) bool {
	tup, ok := v.(brine.Tuple)
	if !ok || len(tup) == 0 {
		return false
	}
	for _, x := range tup {
		p, ok := x.(brine.Tuple)
		if !ok || len(p) != 2 {
			return false
		}
		if _, ok := p[0].(string); !ok {
			return false
		}
		if _, ok := p[1].(string); !ok && p[1] != nil {
			return false
		}
	}
	return true
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
