package rpyc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc/message"
	"github.com/rpyc-go/rpyc/vinegar"
)

type icWriter struct{ strings.Builder }

type icService struct {
	Writer *Class `rpyc:"Writer"`
	Obj    *Class `rpyc:"Obj"`
}

func (icService) MakeWriter() *icWriter { return &icWriter{} }
func (icService) MakeObj() *testObj     { return &testObj{V: 1} }

// TestInstanceCheck: a class travels as Python's does, (name, class id,
// 0), sharing its instances' class id; HANDLE_INSTANCECHECK answers for
// an interface's class, for an object the peer still holds and for one
// known only by its class id; the class's table entry is counted and
// released like any other.
func TestInstanceCheck(t *testing.T) {
	svc := icService{Writer: ClassOf[io.Writer](), Obj: ClassOf[testObj]()}
	cli, srv := memPair(t, svc, nil, nil)
	ctx := context.Background()
	root, err := cli.Root(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := srv.LocalObjects()
	objCls, _ := As[*Netref](root.GetAttr(ctx, "Obj"))
	writerCls, _ := As[*Netref](root.GetAttr(ctx, "Writer"))
	obj, _ := As[*Netref](root.CallMethod(ctx, "make_obj"))
	w, _ := As[*Netref](root.CallMethod(ctx, "make_writer"))
	if !objCls.IsClass() || objCls.IDPack().InstanceID != 0 || objCls.IDPack().ClassID != obj.IDPack().ClassID {
		t.Errorf("class id_pack %v, instance %v: want instance id 0 and the instance's class id", objCls.IDPack(), obj.IDPack())
	}
	for _, c := range []struct {
		obj, cls *Netref
		want     bool
	}{
		{obj, objCls, true}, {w, objCls, false}, {w, writerCls, true}, {obj, writerCls, false}, {objCls, objCls, false},
	} {
		if got, err := c.obj.IsInstance(ctx, c.cls); err != nil || got != c.want {
			t.Errorf("isinstance(%v, %v) = %v, %v; want %v", c.obj, c.cls, got, err, c.want)
		}
	}
	// An object the server no longer holds is judged by its class id.
	gone := w.IDPack()
	w.Release()
	waitFor(t, func() bool { return srv.LocalObjects() == base+3 }, "writer released")
	if v, err := cli.Request(ctx, message.HandleInstanceCheck, writerCls, gone.Tuple()); err != nil || v != true {
		t.Errorf("INSTANCECHECK of a released writer = %v, %v", v, err)
	}
	if _, err := cli.Request(ctx, message.HandleInstanceCheck, obj, gone.Tuple()); !errors.Is(err, vinegar.ErrTypeError) {
		t.Errorf("INSTANCECHECK against an instance = %v, want TypeError", err)
	}
	if _, err := obj.IsInstance(ctx, obj); err == nil {
		t.Error("IsInstance with an instance as the class: no error")
	}
	// Calling the class builds an instance that is one.
	made, err := As[*Netref](objCls.Call(ctx, 5))
	if ok, _ := made.IsInstance(ctx, objCls); err != nil || !ok {
		t.Errorf("Obj(5) = %v, %v; isinstance %v", made, err, ok)
	}
	if s, _ := made.Str(ctx); s != "obj(5)" {
		t.Errorf("str(Obj(5)) = %q", s)
	}
	for _, n := range []*Netref{objCls, writerCls, obj, made} {
		n.Release()
	}
	waitFor(t, func() bool { return srv.LocalObjects() == base }, fmt.Sprintf("all released (base %d)", base))
}
