// Command rawtcp measures the floor under every RPC benchmark of
// bench/run.sh: 8-byte messages over one loopback TCP connection, echoed
// by a server that does nothing else, with -window messages in flight (1
// is a ping-pong; 100 is what pipelining could reach on this machine).
//
//	rawtcp -serve -port 18890 &
//	rawtcp -port 18890 -window 100 -reps 3 -duration 1s   # prints JSON
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"slices"
	"strconv"
	"time"
)

var (
	serve  = flag.Bool("serve", false, "run the echo server")
	port   = flag.Int("port", 18890, "port")
	window = flag.Int("window", 100, "messages in flight")
	reps   = flag.Int("reps", 3, "repetitions")
	dur    = flag.Duration("duration", time.Second, "duration of each repetition")
)

func main() {
	flag.Parse()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(*port))
	if *serve {
		if err := server(addr); err != nil {
			fmt.Fprintln(os.Stderr, "rawtcp:", err)
			os.Exit(1)
		}
		return
	}
	if err := client(addr); err != nil {
		fmt.Fprintln(os.Stderr, "rawtcp:", err)
		os.Exit(1)
	}
}

func server(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			buf := make([]byte, 64<<10)
			for {
				// Echo whole 8-byte messages as they come, batched as the
				// kernel delivers them.
				n, err := io.ReadAtLeast(c, buf, 8)
				if err != nil {
					return
				}
				n -= n % 8
				if _, err := c.Write(buf[:n]); err != nil {
					return
				}
			}
		}()
	}
}

// client keeps window messages in flight for the duration, reps times,
// and prints the round trips per second.
func client(addr string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer c.Close()
	var rates []float64
	msg := make([]byte, 8)
	in := make([]byte, 64<<10)
	for range *reps {
		done := 0
		pending := 0
		start := time.Now()
		deadline := start.Add(*dur)
		// Fill the window, then send one for each one that returns.
		for pending < *window {
			if _, err := c.Write(msg); err != nil {
				return err
			}
			pending++
		}
		got := 0
		for time.Now().Before(deadline) {
			n, err := c.Read(in)
			if err != nil {
				return err
			}
			got += n
			k := got / 8
			got %= 8
			done += k
			pending -= k
			out := make([]byte, 0, 8*k)
			for range k {
				out = append(out, msg...)
			}
			if _, err := c.Write(out); err != nil {
				return err
			}
			pending += k
		}
		rates = append(rates, float64(done)/time.Since(start).Seconds())
		// Drain what is still in flight before the next repetition.
		for pending > 0 {
			n, err := c.Read(in)
			if err != nil {
				return err
			}
			got += n
			pending -= got / 8
			got %= 8
		}
	}
	slices.Sort(rates)
	key := fmt.Sprintf("tcp_pipelined_8B_w%d", *window)
	if *window == 1 {
		key = "tcp_pingpong_8B"
	}
	out := map[string]any{"results": map[string]any{key: map[string]any{
		"calls_per_s": map[string]float64{"median": rates[len(rates)/2], "min": rates[0], "max": rates[len(rates)-1]},
	}}}
	return json.NewEncoder(os.Stdout).Encode(out)
}
