package python

import (
	"context"
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	in := New(nil)
	ctx := context.Background()
	src := `
s = 0
for i in range(1000):
    s += i * i
def f(x, y=2, *a, k=3, **kw):
    return x + y + k + len(a) + len(kw)
class A:
    def __init__(self, v):
        self.v = v
    def __repr__(self):
        return f"A({self.v!r:>5})"
    @property
    def double(self):
        return self.v * 2
class B(A):
    def __init__(self, v):
        super().__init__(v + 1)
r = [repr(B(3)), B(3).double, f(1), f(1, 2, 3, 4, k=5, z=6)]
try:
    {}['x']
except KeyError as e:
    r.append(repr(e))
def gen(n):
    for i in range(n):
        yield i * 2
r.append(list(gen(4)))
r.append({x: x**2 for x in range(3)})
r.append(sorted({3, 1, 2}))
r.append("%5.2f|%-4d|%s" % (3.14159, 42, 'x'))
r.append("{0}-{name}".format(1, name="n"))
r.append(2**100)
r.append(7 // -2)
r.append(-7 % 3)
`
	if err := in.Exec(ctx, src); err != nil {
		t.Fatalf("%+v", err)
	}
	for _, e := range []string{"s", "r"} {
		v, err := in.Eval(ctx, "repr("+e+")")
		fmt.Println(e, v, err)
	}
}
