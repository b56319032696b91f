package rpyc

import (
	"bytes"
	"testing"

	"github.com/rpyc-go/rpyc/message"
)

// TestCallAttrPayloadBytes: the fast CALLATTR encoding writes exactly the
// bytes of the generic path, for every kind of argument list.
func TestCallAttrPayloadBytes(t *testing.T) {
	cli, _ := memPair(t, &testService{}, quietConfig(), quietConfig())
	root := cli.importRef(message.IDPack{Name: "x.Svc", ClassID: 7, InstanceID: 9})
	for _, args := range [][]any{
		nil,
		{1, 2},
		{"a", []byte("b"), 2.5, nil, true},
		{Kwargs{"sep": "-", "n": 3}},
		{1, Kwargs{"x": root}},
		{root, []int{1, 2}},
	} {
		pos, kw := splitArgs(args)
		fast, err := (&callAttrPayload{obj: root, name: "meth", pos: pos, kw: kw}).AppendBrine(nil)
		if err != nil {
			t.Fatal(err)
		}
		generic, err := (&argsPayload{c: cli, op: message.HandleCallAttr, args: []any{root, "meth", pos, kw}}).AppendBrine(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fast, generic) {
			t.Errorf("args %v:\nfast    %x\ngeneric %x", args, fast, generic)
		}
	}
}
