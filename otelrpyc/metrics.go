package otelrpyc

import (
	"context"
	"fmt"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/rpyc-go/rpyc"
)

// instruments are the measures, by side ("server", "client") where
// there are two.
type instruments struct {
	meter       metric.Meter
	calls       map[string]metric.Int64Counter
	duration    map[string]metric.Float64Histogram
	active      map[string]metric.Int64UpDownCounter
	connsOpened metric.Int64Counter
	connsActive metric.Int64UpDownCounter
	bytes       metric.Int64Counter
}

func newInstruments(m metric.Meter) (*instruments, error) {
	in := &instruments{meter: m, calls: map[string]metric.Int64Counter{},
		duration: map[string]metric.Float64Histogram{}, active: map[string]metric.Int64UpDownCounter{}}
	var err error
	for _, side := range []string{"server", "client"} {
		if in.calls[side], err = m.Int64Counter("rpyc."+side+".calls", metric.WithUnit("{call}"),
			metric.WithDescription("RPyC requests "+map[string]string{"server": "served", "client": "made"}[side]+", by method, handler and error type")); err != nil {
			return nil, err
		}
		if in.duration[side], err = m.Float64Histogram("rpyc."+side+".call.duration", metric.WithUnit("s"),
			metric.WithDescription("How long RPyC requests took, "+map[string]string{"server": "served here", "client": "from sending to the reply"}[side])); err != nil {
			return nil, err
		}
		if in.active[side], err = m.Int64UpDownCounter("rpyc."+side+".calls.active", metric.WithUnit("{call}"),
			metric.WithDescription("RPyC requests in flight")); err != nil {
			return nil, err
		}
	}
	if in.connsOpened, err = m.Int64Counter("rpyc.connections.opened", metric.WithUnit("{connection}"),
		metric.WithDescription("RPyC connections that carried a request, by the side that saw them first")); err != nil {
		return nil, err
	}
	if in.connsActive, err = m.Int64UpDownCounter("rpyc.connections.active", metric.WithUnit("{connection}"),
		metric.WithDescription("RPyC connections open")); err != nil {
		return nil, err
	}
	if in.bytes, err = m.Int64Counter("rpyc.io.bytes", metric.WithUnit("By"),
		metric.WithDescription("Bytes read (receive) and written (transmit) on connections made through Listener or Conn")); err != nil {
		return nil, err
	}
	return in, nil
}

// attrBudget names a budget given to ObserveBudget.
const attrBudget = attribute.Key("rpyc.budget")

// ObserveBudget reports how much of b is in use (rpyc.budget.used) and
// its size (rpyc.budget.limit), in bytes, under the name given: the
// memory budget a server shares among its connections (set one with
// rpyc.NewBudget in Config.Limits.Budget to observe it). It returns a
// function that stops the reports.
func (in *Instrumentation) ObserveBudget(name string, b *rpyc.Budget) (stop func() error, err error) {
	if b == nil {
		return nil, fmt.Errorf("otelrpyc: ObserveBudget(%q): nil budget", name)
	}
	used, err := in.m.meter.Int64ObservableGauge("rpyc.budget.used", metric.WithUnit("By"),
		metric.WithDescription("Bytes of an RPyC memory budget in use"))
	if err != nil {
		return nil, err
	}
	limit, err := in.m.meter.Int64ObservableGauge("rpyc.budget.limit", metric.WithUnit("By"),
		metric.WithDescription("Size of an RPyC memory budget"))
	if err != nil {
		return nil, err
	}
	set := metric.WithAttributes(attrBudget.String(name))
	reg, err := in.m.meter.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		o.ObserveInt64(used, b.Used(), set)
		o.ObserveInt64(limit, b.Limit(), set)
		return nil
	}, used, limit)
	if err != nil {
		return nil, err
	}
	return reg.Unregister, nil
}
