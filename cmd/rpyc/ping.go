package main

import (
	"context"
	"fmt"
	"time"
)

// runPing connects and sends Python's ping (an echo request) -c times,
// printing the layout the server speaks and each round trip.
func runPing(e *env, args []string) error {
	var cf connFlags
	fs := newFlagSet(e, "ping", "HOST[:PORT]",
		"Connect to an RPyC server (port 18861 by default), send -c echo requests (Python's\nconn.ping) and print the message layout it speaks and each round-trip time.")
	cf.add(fs)
	count := fs.Int("c", 1, "how many pings to send")
	addr, _, out, err := cf.parseTarget(fs, args, defaultServicePort, 0, 0, "only HOST[:PORT]")
	if err != nil {
		return err
	}
	if *count < 1 {
		return &usageError{fmt.Sprintf("-c %d: send at least one ping", *count)}
	}
	ctx := context.Background()
	start := time.Now()
	conn, err := cf.dial(ctx, addr, e.stderr)
	if err != nil {
		return err
	}
	defer conn.Close()
	connected := time.Since(start)
	layout := conn.Layout().String()
	if out == "text" {
		fmt.Fprintf(e.stdout, "%s: layout %s, connected in %s\n", cf.where(addr), layout, ms(connected))
	}
	var rtts []float64
	for i := 0; i < *count; i++ {
		pctx, cancel := context.WithTimeout(ctx, cf.timeout)
		t0 := time.Now()
		err := conn.Ping(pctx, nil)
		rtt := time.Since(t0)
		cancel()
		if err != nil {
			return &connError{fmt.Errorf("ping %d to %s: %w", i+1, cf.where(addr), err)}
		}
		rtts = append(rtts, float64(rtt.Microseconds())/1000)
		if out == "text" {
			fmt.Fprintf(e.stdout, "ping %d: %s\n", i+1, ms(rtt))
		}
	}
	if out == "json" {
		return writeJSON(e.stdout, map[string]any{
			"server": cf.where(addr), "layout": layout,
			"connect_ms": float64(connected.Microseconds()) / 1000, "rtt_ms": rtts,
		})
	}
	return nil
}

// ms formats a duration in milliseconds with three decimals.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d.Microseconds())/1000)
}
