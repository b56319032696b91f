package rpyc

import (
	"context"
	"testing"
)

// TestMethodDocIsItsSignature: a Go method's __doc__ is its Python
// signature, so help() and `rpyc info` show how to call it.
func TestMethodDocIsItsSignature(t *testing.T) {
	cli, _ := memPair(t, &testService{}, quietConfig(), quietConfig())
	ctx := context.Background()
	root, _ := cli.Root(ctx)
	for name, want := range map[string]string{
		"add":   "add(arg0, arg1)", // Go keeps no parameter names: RPyCParams gives them
		"greet": "greet(name, greeting='hello')",
	} {
		m, err := As[*Netref](root.GetAttr(ctx, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := As[string](m.GetAttr(ctx, "__doc__"))
		if err != nil || doc != want {
			t.Errorf("%s.__doc__ = %q, %v; want %q", name, doc, err, want)
		}
	}
}
