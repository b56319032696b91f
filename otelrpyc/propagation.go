package otelrpyc

import (
	"bytes"
	"context"
	"sort"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/message"
)

// The ping that asks a peer whether it reads the trace context, and its
// answer (see the package documentation). The version digit lets a
// later encoding be told apart.
const (
	probeQuestion = "rpyc-go/trace-context?1"
	probeAnswer   = "rpyc-go/trace-context!1"
)

// probeTimeout bounds the ping: a peer that does not answer it gets no
// trace context (and the call that waited goes on).
const probeTimeout = 5 * time.Second

type probeKey struct{}

// isProbe reports whether ctx is the probe's own request, which is not
// traced.
func isProbe(ctx context.Context) bool { return ctx.Value(probeKey{}) != nil }

// carries reports whether the peer of c reads the trace context, asking
// it once per connection.
func (in *Instrumentation) carries(ctx context.Context, c *rpyc.Conn, st *connState) bool {
	if in.opts.NoPropagation {
		return false
	}
	st.once.Do(func() {
		pctx, cancel := context.WithTimeout(context.WithValue(context.WithoutCancel(ctx), probeKey{}, true), probeTimeout)
		defer cancel()
		v, err := c.Request(pctx, message.HandlePing, probeQuestion)
		st.carries = err == nil && v == probeAnswer
	})
	return st.carries
}

// inject writes ctx's trace context as "key:value" lines.
func (in *Instrumentation) inject(ctx context.Context) []byte {
	carrier := mapCarrier{}
	in.propagator.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil // no span to continue: send nothing
	}
	keys := make([]string, 0, len(carrier))
	for k := range carrier {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(':')
		b.WriteString(carrier[k])
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// extract reads the lines inject wrote into ctx.
func (in *Instrumentation) extract(ctx context.Context, meta []byte) context.Context {
	carrier := mapCarrier{}
	for _, line := range bytes.Split(meta, []byte{'\n'}) {
		k, v, ok := bytes.Cut(line, []byte{':'})
		if ok && len(k) > 0 {
			carrier[string(k)] = string(v)
		}
	}
	return in.propagator.Extract(ctx, carrier)
}

// mapCarrier is a propagation.TextMapCarrier over a map.
type mapCarrier map[string]string

func (m mapCarrier) Get(key string) string { return m[key] }
func (m mapCarrier) Set(key, value string) { m[key] = value }
func (m mapCarrier) Keys() []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
