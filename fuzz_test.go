package rpyc

import (
	"encoding/hex"
	"io"
	"testing"

	"github.com/rpyc-go/rpyc/internal/pyobj"
	"github.com/rpyc-go/rpyc/stream"
)

// fuzzService gives the dispatcher objects to chew on.
type fuzzService struct{}

func (fuzzService) Add(a, b int) int               { return a + b }
func (fuzzService) Echo(x any) any                 { return x }
func (fuzzService) List() *[]int                   { l := []int{1, 2, 3}; return &l }
func (fuzzService) Dict() map[string]int           { return map[string]int{"a": 1} }
func (fuzzService) Call(fn func(int) int) int      { return fn(1) }
func (fuzzService) Fail() error                    { return io.ErrUnexpectedEOF }
func (fuzzService) Seq(n int) func(func(int) bool) { return func(y func(int) bool) {} }

// FuzzHandleFrame feeds arbitrary message bodies to a server connection's
// dispatcher: it must never panic, whatever arrives; it answers, or closes
// the connection.
func FuzzHandleFrame(f *testing.F) {
	for _, h := range []string{
		"0111505000",             // v6 GETROOT-ish
		"1251501153115102",       // v5 GETROOT
		"01115011531151020a",     // trailing byte
		"0111501158115102",       // CALLATTR with bad args
		"01115011541152115102",   // GETATTR of nothing
		"011150115f11511354",     // DEL shapes
		"0411505000",             // unknown msg type
		"02115000",               // stray reply
		"03115051",               // stray StopIteration exception
		"0111501158115211121153", // garbage nesting
	} {
		b, _ := hex.DecodeString(h)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, b := stream.MemPipe()
		go func() { _, _ = io.Copy(io.Discard, a) }()
		c, err := NewServerConn(b, fuzzService{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Prime the table with a few exported objects so LOCAL_REFs to
		// them (ids 1..8) can resolve.
		c.layout.Store(0)
		for _, obj := range []any{fuzzService{}.List(), fuzzService{}.Dict(), func(x int) int { return x }} {
			_, _ = c.exports.add(obj, pyobj.TypeName(obj))
		}
		c.dispatch(frame{data: data}, nil)
		_ = c.Close()
		_ = a.Close()
	})
}
