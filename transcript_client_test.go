package rpyc

// TestTranscriptClient plays the recorded SERVER side of a_ and b_ to our
// Go client, which does what the recorded Python client's notes say:
// conn.root, root.get_service_name(), root.add(1, 2), add(2**70, 0.5),
// greet with keyword arguments, and greet(greeting=['hi']), whose list
// goes by reference and is str()-ed by the server through a nested
// HANDLE_STR.
//
// Our client calls methods with CallMethod: one HANDLE_CALLATTR where
// Python sent GETATTR + CALL + DEL (and INSPECT of the root), so frames
// cannot be compared one to one. Instead a scripted fake server answers
// each of our requests with the recorded reply of the equivalent Python
// call, and checks what Go<->Go tests cannot:
//
//   - our GETROOT and CLOSE messages are byte for byte Python's (seq
//     aside);
//   - our client sends back Python's id_pack for the root unchanged (big
//     CPython ids, '__main__.VectorService');
//   - the positional and keyword argument boxes of each CALLATTR encode
//     exactly as Python encoded the same call's CALL arguments (2**70 as a
//     brine long, kwargs pairs in Python's order, a list by REMOTE_REF as
//     'builtins.list');
//   - Python-encoded replies decode to what the Python client printed
//     (the notes' "client: -> …" text is brine.Repr of our result);
//   - our client serves the Python server's nested HANDLE_STR with
//     Python's str() text, and Python's HANDLE_DEL releases the list.

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/stream"
)

// trClientOp is one call the recorded Python client made on root.
type trClientOp struct {
	name string
	args []any
	kw   Kwargs
}

var trClientScripts = map[string][]trClientOp{
	"a_connect_root_close": {
		{name: "get_service_name"},
	},
	"b_call_args_kwargs": {
		{name: "add", args: []any{1, 2}},
		{name: "add", args: []any{new(big.Int).Lsh(big.NewInt(1), 70), 0.5}},
		{name: "greet", args: []any{"bob"}, kw: Kwargs{"greeting": "hi", "punct": "!"}},
		{name: "greet", args: []any{"ann"}, kw: Kwargs{"punct": "?"}},
		{name: "greet", args: []any{"bob"}, kw: Kwargs{"greeting": []any{"hi"}}},
	},
}

// recCall is what the recording shows for one root.<name>(...) call.
type recCall struct {
	name    string
	seq     int64 // the CALL's seq
	args    any   // the CALL's positional-args box
	kw      any   // the CALL's kwargs box
	nested  []trRecFrame
	reply   *trRecFrame
	dels    []trRecFrame // server DELs of client objects that followed
	printed string       // the note's "client: -> …" text
}

type clientRecording struct {
	getRoot, rootReply, close trRecFrame
	rootID                    message.IDPack
	calls                     []*recCall
	c2sReplies                map[int64]trRecFrame // the client's answers to server requests
}

func parseClientRecording(t *testing.T, frames []trRecFrame) *clientRecording {
	t.Helper()
	rec := &clientRecording{c2sReplies: map[int64]trRecFrame{}}
	getattrName := map[int64]string{}         // GETATTR seq -> name
	methodName := map[message.IDPack]string{} // method ref -> name
	var cur *recCall
	for _, f := range frames {
		switch {
		case f.dir == "note":
			if text, ok := strings.CutPrefix(f.text, "client: -> "); ok && cur != nil && cur.reply != nil && cur.printed == "" {
				cur.printed = text
			}
		case f.msg.Type == message.Request:
			h, args, err := message.ParseRequest(f.msg.Payload)
			if err != nil {
				t.Fatal(err)
			}
			seq, _ := f.msg.Seq.(int64)
			if f.dir == "s2c" {
				if h == message.HandleDel {
					cur.dels = append(cur.dels, f)
				} else {
					cur.nested = append(cur.nested, f)
				}
				continue
			}
			switch h {
			case message.HandleGetRoot:
				rec.getRoot = f
			case message.HandleClose:
				rec.close = f
			case message.HandleGetAttr:
				items := trBox(t, args).Value.(brine.Tuple)
				getattrName[seq] = trBox(t, items[1]).Value.(string)
			case message.HandleCall:
				items := trBox(t, args).Value.(brine.Tuple)
				m, err := message.ParseIDPack(trBox(t, items[0]).Value)
				if err != nil {
					t.Fatal(err)
				}
				cur = &recCall{name: methodName[m], seq: seq, args: items[1], kw: items[2]}
				rec.calls = append(rec.calls, cur)
			}
		case f.dir == "c2s":
			rec.c2sReplies[f.msg.Seq.(int64)] = f
		default: // s2c reply or exception
			seq, _ := f.msg.Seq.(int64)
			if seq == rec.getRoot.msg.Seq.(int64) && rec.rootReply.raw == nil {
				rec.rootReply = f
				id, err := message.ParseIDPack(trBox(t, f.msg.Payload).Value)
				if err != nil {
					t.Fatal(err)
				}
				rec.rootID = id
			} else if name, ok := getattrName[seq]; ok {
				id, err := message.ParseIDPack(trBox(t, f.msg.Payload).Value)
				if err != nil {
					t.Fatal(err)
				}
				methodName[id] = name
			} else if cur != nil && seq == cur.seq {
				cur.reply = &f
			}
		}
	}
	return rec
}

// TestTranscriptClient: see the top of the file.
func TestTranscriptClient(t *testing.T) {
	for _, ver := range []string{"rpyc-5.3.0", "rpyc-6.0.1"} {
		for _, sc := range []string{"a_connect_root_close", "b_call_args_kwargs"} {
			t.Run(ver+"/"+sc, func(t *testing.T) {
				replayClient(t, filepath.Join(transcriptDir, ver, sc+".jsonl"), trClientScripts[sc])
			})
		}
	}
}

type trOpResult struct {
	v   any
	err error
}

func replayClient(t *testing.T, path string, script []trClientOp) {
	frames, layout := trLoad(t, path)
	rec := parseClientRecording(t, frames)
	if len(rec.calls) != len(script) {
		t.Fatalf("the recording has %d root calls, the script %d", len(rec.calls), len(script))
	}

	clientEnd, fakeEnd := stream.MemPipe()
	cfg := DefaultConfig()
	cfg.Layout = layout
	cli, err := Connect(clientEnd, nil, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cli.Close(); _ = fakeEnd.Close() })
	peer := newTrPeer(t, fakeEnd, layout)

	// Our client, doing what the Python client did. It gives up when the
	// test ends early, so a failure leaks no goroutine.
	results := make(chan trOpResult)
	closeNow := make(chan struct{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	clientDone := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		_ = cli.Close()
		<-clientDone
	})
	go func() {
		defer close(clientDone)
		report := func(r trOpResult) bool {
			select {
			case results <- r:
				return true
			case <-ctx.Done():
				return false
			}
		}
		root, err := cli.Root(ctx)
		if err != nil {
			report(trOpResult{err: err})
			return
		}
		for _, op := range script {
			args := op.args
			if op.kw != nil {
				args = append(append([]any{}, args...), op.kw)
			}
			v, err := root.CallMethod(ctx, op.name, args...)
			if !report(trOpResult{v, err}) {
				return
			}
		}
		select {
		case <-closeNow:
			_ = cli.Close()
		case <-ctx.Done():
		}
	}()

	compared := 0
	next := func(what string) trFrame {
		t.Helper()
		f, err := peer.next(10 * time.Second)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		compared++
		return f
	}
	send := func(m message.Message) {
		t.Helper()
		if _, err := peer.send(m); err != nil {
			t.Fatal(err)
		}
	}
	result := func(what string) any {
		t.Helper()
		select {
		case r := <-results:
			if r.err != nil {
				t.Fatalf("%s: %v", what, r.err)
			}
			return r.v
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: our client did not return", what)
		}
		return nil
	}

	// GETROOT: Python's bytes exactly (both are seq 0).
	f := next("GETROOT")
	if !bytes.Equal(f.raw, rec.getRoot.raw) {
		t.Errorf("GETROOT: ours %x, Python's %x", f.raw, rec.getRoot.raw)
	}
	send(message.Message{Type: message.Reply, Seq: f.msg.Seq, Payload: rec.rootReply.msg.Payload})

	clientIDs := map[message.IDPack]message.IDPack{} // Python client's object -> ours
	for i, call := range rec.calls {
		op := script[i]
		what := fmt.Sprintf("call %d %s", i, call.name)
		if op.name != call.name {
			t.Fatalf("%s: the script calls %s", what, op.name)
		}
		f := next(what)
		h, args, err := message.ParseRequest(f.msg.Payload)
		if err != nil || f.msg.Type != message.Request || h != message.HandleCallAttr {
			t.Fatalf("%s: ours sent %v %s, want a CALLATTR request", what, f.msg.Type, trRepr(f.msg.Payload))
		}
		items, _ := trBox(t, args).Value.(brine.Tuple)
		if len(items) != 4 {
			t.Fatalf("%s: CALLATTR args %s", what, trRepr(args))
		}
		if b := trBox(t, items[0]); b.Label != message.LabelLocalRef || !trSameValue(b.Value, rec.rootID.Tuple()) {
			t.Errorf("%s: target %s, want LOCAL_REF of Python's root %v", what, trRepr(items[0]), rec.rootID)
		}
		if b := trBox(t, items[1]); !trSameValue(b.Value, call.name) {
			t.Errorf("%s: name %s", what, trRepr(items[1]))
		}
		if err := compareClientArgs(call.args, items[2], clientIDs); err != nil {
			t.Errorf("%s: positional args: %v", what, err)
		}
		if err := compareClientArgs(call.kw, items[3], clientIDs); err != nil {
			t.Errorf("%s: kwargs: %v", what, err)
		}
		// The server's nested requests, with the client's ids translated.
		for _, n := range call.nested {
			send(message.Message{Type: message.Request, Seq: n.msg.Seq, Payload: translateClientIDs(t, n.msg.Payload, clientIDs)})
			g := next(what + ": nested " + n.pretty)
			want, ok := rec.c2sReplies[n.msg.Seq.(int64)]
			if !ok || g.msg.Type != want.msg.Type || !trSameValue(g.msg.Seq, want.msg.Seq) || !trSameValue(g.msg.Payload, want.msg.Payload) {
				t.Errorf("%s: our answer to %s is %v #%v %s, Python's %s", what, n.pretty, g.msg.Type, g.msg.Seq, trRepr(g.msg.Payload), want.pretty)
			}
		}
		send(message.Message{Type: call.reply.msg.Type, Seq: f.msg.Seq, Payload: call.reply.msg.Payload})
		v := result(what)
		if got := brine.Repr(v); got != call.printed {
			t.Errorf("%s: our client got %s, Python's printed %s", what, got, call.printed)
		}
		for _, d := range call.dels {
			send(message.Message{Type: message.Request, Seq: d.msg.Seq, Payload: translateClientIDs(t, d.msg.Payload, clientIDs)})
			g := next(what + ": " + d.pretty)
			if g.msg.Type != message.Reply || !trSameValue(g.msg.Seq, d.msg.Seq) || !trSameValue(g.msg.Payload, brine.Tuple{int64(message.LabelValue), nil}) {
				t.Errorf("%s: our answer to %s is %v #%v %s, want REPLY None", what, d.pretty, g.msg.Type, g.msg.Seq, trRepr(g.msg.Payload))
			}
			if want, ok := rec.c2sReplies[d.msg.Seq.(int64)]; ok && !bytes.Equal(trEncode(t, layout, g.msg), want.raw) {
				t.Errorf("%s: our answer to %s differs from Python's %s", what, d.pretty, want.pretty)
			}
		}
	}
	if n := cli.LocalObjects(); n != 0 {
		t.Errorf("after the server's DELs our client still holds %d objects for it", n)
	}

	// CLOSE: Python's bytes, with our seq.
	close(closeNow)
	f = next("CLOSE")
	want := trEncode(t, layout, message.Message{Type: message.Request, Seq: f.msg.Seq, Payload: rec.close.msg.Payload})
	if !bytes.Equal(f.raw, want) {
		t.Errorf("CLOSE: ours %x, Python's (with our seq) %x", f.raw, want)
	}
	if f, err := peer.next(5 * time.Second); err == nil {
		t.Errorf("after CLOSE our client sent %v %s", f.msg.Type, trRepr(f.msg.Payload))
	}
	select {
	case <-cli.Done():
	case <-time.After(5 * time.Second):
		t.Error("our client did not end after Close")
	}
	t.Logf("%s: %d frames sent by the fake server, %d frames of our client checked", filepath.Base(path), peer.sent, compared)
}

func trEncode(t *testing.T, layout message.Layout, m message.Message) []byte {
	t.Helper()
	b, err := message.Encode(layout, m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// compareClientArgs compares an argument box our client sent with the one
// Python's client sent for the same call. Client objects (REMOTE_REF) must
// have the same type name; their ids are mapped.
func compareClientArgs(rec, got any, ids map[message.IDPack]message.IDPack) error {
	rb, err := message.ParseBox(rec)
	if err != nil {
		return err
	}
	gb, err := message.ParseBox(got)
	if err != nil {
		return err
	}
	if rb.Label != gb.Label {
		return fmt.Errorf("box %s, Python's %s", trRepr(got), trRepr(rec))
	}
	switch rb.Label {
	case message.LabelValue:
		re, err1 := brine.Encode(rb.Value)
		ge, err2 := brine.Encode(gb.Value)
		if err1 != nil || err2 != nil || !bytes.Equal(re, ge) {
			return fmt.Errorf("value %s encodes as %x, Python's %s as %x", trRepr(gb.Value), ge, trRepr(rb.Value), re)
		}
	case message.LabelTuple:
		ri, _ := rb.Value.(brine.Tuple)
		gi, _ := gb.Value.(brine.Tuple)
		if len(ri) != len(gi) {
			return fmt.Errorf("tuple of %d boxes, Python's %d", len(gi), len(ri))
		}
		for i := range ri {
			if err := compareClientArgs(ri[i], gi[i], ids); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
	case message.LabelRemoteRef:
		rid, err1 := message.ParseIDPack(rb.Value)
		gid, err2 := message.ParseIDPack(gb.Value)
		if err1 != nil || err2 != nil || rid.Name != gid.Name {
			return fmt.Errorf("REMOTE_REF %s, Python's %s", trRepr(gb.Value), trRepr(rb.Value))
		}
		ids[rid] = gid
	default:
		return fmt.Errorf("unexpected box %s", trRepr(got))
	}
	return nil
}

// translateClientIDs rewrites the Python client's ids in a recorded server
// request (LOCAL_REF boxes) to our client's.
func translateClientIDs(t *testing.T, payload any, ids map[message.IDPack]message.IDPack) any {
	t.Helper()
	h, args, err := message.ParseRequest(payload)
	if err != nil {
		t.Fatal(err)
	}
	var walk func(v any) any
	walk = func(v any) any {
		b := trBox(t, v)
		switch b.Label {
		case message.LabelTuple:
			items := b.Value.(brine.Tuple)
			out := make(brine.Tuple, len(items))
			for i, e := range items {
				out[i] = walk(e)
			}
			return brine.Tuple{int64(message.LabelTuple), out}
		case message.LabelLocalRef:
			id, err := message.ParseIDPack(b.Value)
			if err != nil {
				t.Fatal(err)
			}
			ours, ok := ids[id]
			if !ok {
				t.Fatalf("the server refers to client object %v, which our client never sent", id)
			}
			return brine.Tuple{int64(message.LabelLocalRef), ours.Tuple()}
		}
		return v
	}
	return brine.Tuple{int64(h), walk(args)}
}
