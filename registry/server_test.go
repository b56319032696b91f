package registry

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rpyc-go/rpyc/brine"
)

// clientKinds runs a test with each client against the same registry.
func clientKinds(r *testRegistry) map[string]interface {
	Registrar
	Discoverer
	Lister
} {
	return map[string]interface {
		Registrar
		Discoverer
		Lister
	}{"udp": r.udpClient(), "tcp": r.tcpClient()}
}

func TestRegisterDiscoverUnregister(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "::1"} {
		r := startRegistry(t, host, &Config{AllowListing: true})
		for kind, c := range clientKinds(r) {
			t.Run(host+"/"+kind, func(t *testing.T) {
				ctx := ctxT(t)
				if err := c.Register(ctx, []string{"Calc", "Adder"}, "0.0.0.0:18812"); err != nil {
					t.Fatalf("Register: %v", err)
				}
				want := []ServerAddr{{host, 18812}}
				for _, name := range []string{"CALC", "calc", "adder"} {
					got, err := c.Discover(ctx, name)
					if err != nil || !reflect.DeepEqual(got, want) {
						t.Fatalf("Discover(%q) = %v, %v; want %v", name, got, err, want)
					}
				}
				names, err := c.List(ctx, "")
				if err != nil || !slices.Equal(names, []string{"ADDER", "CALC"}) {
					t.Fatalf("List = %v, %v", names, err)
				}
				if names, err := c.List(ctx, "192.0.2.1"); err != nil || len(names) != 0 {
					t.Fatalf("List(other host) = %v, %v; want none", names, err)
				}
				if names, err := c.List(ctx, host); err != nil || len(names) != 2 {
					t.Fatalf("List(%s) = %v, %v", host, names, err)
				}
				if err := c.Unregister(ctx, "[::]:18812"); err != nil {
					t.Fatalf("Unregister: %v", err)
				}
				if got, err := c.Discover(ctx, "calc"); err != nil || len(got) != 0 {
					t.Fatalf("Discover after Unregister = %v, %v; want none", got, err)
				}
			})
		}
	}
}

func TestListingDisabledByDefault(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", nil)
	for kind, c := range clientKinds(r) {
		if _, err := c.List(ctxT(t), ""); !errors.Is(err, ErrListingDisabled) {
			t.Errorf("%s: List = %v, want ErrListingDisabled", kind, err)
		}
		if _, err := ListServices(ctxT(t), c, ""); !errors.Is(err, ErrListingDisabled) {
			t.Errorf("%s: ListServices = %v, want ErrListingDisabled", kind, err)
		}
	}
}

func TestPruning(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", &Config{PruningTimeout: time.Minute, AllowListing: true})
	now := time.Now()
	r.table.mu.Lock()
	r.table.now = func() time.Time { return now }
	r.table.mu.Unlock()
	setNow := func(t time.Time) {
		r.table.mu.Lock()
		now = t
		r.table.mu.Unlock()
	}
	c := r.udpClient()
	ctx := ctxT(t)
	if err := c.Register(ctx, []string{"OLD"}, ":1000"); err != nil {
		t.Fatal(err)
	}
	setNow(now.Add(40 * time.Second))
	if err := c.Register(ctx, []string{"NEW", "OLD"}, ":2000"); err != nil {
		t.Fatal(err)
	}
	got, _ := c.Discover(ctx, "old")
	if want := []ServerAddr{{"127.0.0.1", 1000}, {"127.0.0.1", 2000}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("before pruning: %v, want oldest first %v", got, want)
	}
	setNow(now.Add(30 * time.Second)) // 70 s after the first, 30 s after the second
	got, _ = c.Discover(ctx, "old")
	if want := []ServerAddr{{"127.0.0.1", 2000}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after pruning: %v, want %v", got, want)
	}
	setNow(now.Add(time.Minute))
	if names, _ := c.List(ctx, ""); len(names) != 0 {
		t.Fatalf("List after every server expired = %v", names)
	}
	if r.Len() != 0 {
		t.Fatalf("table holds %d entries after pruning", r.Len())
	}
}

func TestEntryCap(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", &Config{MaxEntries: 10})
	ctx := ctxT(t)
	c := r.tcpClient()
	for i := range 10 {
		if err := c.Register(ctx, []string{"S" + strconv.Itoa(i)}, ":5000"); err != nil {
			t.Fatal(err)
		}
	}
	// A flood of new names: each dropped, none acknowledged.
	for i := range 20 {
		err := c.Register(ctx, []string{"FLOOD" + strconv.Itoa(i)}, ":5001")
		if !errors.Is(err, ErrNoReply) {
			t.Fatalf("Register past the cap = %v, want ErrNoReply", err)
		}
	}
	if r.Len() != 10 {
		t.Fatalf("table holds %d entries, cap is 10", r.Len())
	}
	r.waitLog(t, "table full")
	// Known servers still refresh.
	if err := c.Register(ctx, []string{"S3"}, ":5000"); err != nil {
		t.Fatalf("refresh at the cap: %v", err)
	}
	// Unregistering frees room.
	if err := c.Unregister(ctx, ":5000"); err != nil {
		t.Fatal(err)
	}
	if err := c.Register(ctx, []string{"LATE"}, ":5002"); err != nil {
		t.Fatalf("Register after room was freed: %v", err)
	}
}

func TestQueryReplyFitsADatagram(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", nil)
	for p := 1; p <= 200; p++ {
		r.table.register([]string{"BIG"}, ServerAddr{"127.0.0.1", p})
	}
	req, _ := Request{Command: CmdQuery, Name: "big"}.Encode()
	reply := r.handle(req, netip.MustParseAddrPort("127.0.0.1:1"), "test", maxListReply)
	if len(reply) > MaxDatagramSize {
		t.Fatalf("reply of %d bytes", len(reply))
	}
	v, err := brine.Decode(reply)
	if err != nil {
		t.Fatal(err)
	}
	servers, err := parseServers(v)
	if err != nil || len(servers) == 0 || len(servers) == 200 {
		t.Fatalf("trimmed reply: %d servers, %v", len(servers), err)
	}
}

// TestQueryReplyCuts: queryReply, which skips the encodings a cut makes
// pointless, returns exactly what encoding after every cut returns, from
// an empty list to the 10,000 servers one host may register under a name.
func TestQueryReplyCuts(t *testing.T) {
	reference := func(servers []ServerAddr, maxReply int) []byte {
		for {
			tup := make(brine.Tuple, len(servers))
			for i, a := range servers {
				tup[i] = brine.Tuple{a.Host, a.Port}
			}
			b, err := brine.Encode(tup)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) <= maxReply || len(servers) == 0 {
				return b
			}
			servers = servers[max(1, len(servers)/8):]
		}
	}
	for _, n := range []int{0, 1, 60, 61, 200, 10000} {
		for _, host := range []string{"10.0.0.1", "fe80::1234:5678:9abc:def0"} {
			s := NewServer(&Config{Logger: slog.New(slog.DiscardHandler), MaxEntries: 20000})
			for p := 1; p <= n; p++ {
				s.table.register([]string{"BIG"}, ServerAddr{host, p * 6})
			}
			for _, limit := range []int{MaxDatagramSize, 100} {
				want := reference(s.Query("BIG"), limit)
				if got := s.queryReply("big", limit); !slices.Equal(got, want) {
					t.Errorf("%d servers on %s, limit %d: reply of %d bytes, want %d", n, host, limit, len(got), len(want))
				}
			}
		}
	}
}

// TestHostileInput sends what a registry must survive, over UDP and TCP,
// and checks it still answers afterwards.
func TestHostileInput(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", nil)
	ctx := ctxT(t)
	if err := r.udpClient().Register(ctx, []string{"ALIVE"}, ":7000"); err != nil {
		t.Fatal(err)
	}
	enc := func(v any) []byte {
		b, err := brine.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	hostile := [][]byte{
		[]byte("garbage \x00\xff\x13"),
		mustHex(pythonRequests[0].hex)[:15],
		enc(brine.Tuple{"XXXX", "QUERY", brine.Tuple{"ALIVE"}}),
		enc(brine.Tuple{"RPYC", "REGISTER", brine.Tuple{brine.Tuple{"A"}, -1}}),
		enc(brine.Tuple{"RPYC", "EXEC", brine.Tuple{}}),
		{0x14, 0xff, 0xff, 0xff, 0x7f},
		make([]byte, 9000),
		{},
	}
	conn, err := net.Dial("udp", r.udp)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, h := range hostile {
		if _, err := conn.Write(h); err != nil {
			t.Fatal(err)
		}
	}
	for _, h := range hostile {
		tc, err := net.Dial("tcp", r.tcp)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = tc.Write(h)
		_ = tc.(*net.TCPConn).CloseWrite()
		_ = tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		n, _ := tc.Read(make([]byte, 10))
		tc.Close()
		if n != 0 {
			t.Errorf("hostile TCP request %x got a reply", h[:min(len(h), 16)])
		}
	}
	r.waitLog(t, "wrong magic")
	r.waitLog(t, "unknown command")
	for kind, c := range clientKinds(r) {
		got, err := c.Discover(ctx, "alive")
		if err != nil || len(got) != 1 {
			t.Fatalf("%s: registry after hostile input: %v, %v", kind, got, err)
		}
	}
}

func TestClientErrors(t *testing.T) {
	ctx := ctxT(t)
	// A UDP port with nobody behind it: no reply within the timeout.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := pc.LocalAddr().(*net.UDPAddr).Port
	pc.Close()
	u := &UDPClient{Host: "127.0.0.1", Port: port, Timeout: 200 * time.Millisecond}
	if _, err := u.Discover(ctx, "x"); !errors.Is(err, ErrNoReply) {
		t.Errorf("UDP Discover with no registry = %v, want ErrNoReply", err)
	}
	if _, err := Discover(ctx, u, "x"); !errors.Is(err, ErrNotFound) || !errors.Is(err, ErrNoReply) {
		t.Errorf("Discover with no registry = %v, want ErrNotFound and ErrNoReply", err)
	}
	tc := &TCPClient{Host: "127.0.0.1", Port: port}
	if _, err := tc.Discover(ctx, "x"); err == nil {
		t.Errorf("TCP Discover with no registry succeeded")
	}
	if _, err := (&TCPClient{}).Discover(ctx, "x"); err == nil {
		t.Errorf("TCP client with no Host succeeded")
	}
	for _, addr := range []string{"18812", "host:", "host:0", "host:x"} {
		if err := u.Register(ctx, []string{"A"}, addr); err == nil {
			t.Errorf("Register(%q) succeeded", addr)
		}
	}
	if err := u.Register(ctx, nil, ":1"); err == nil {
		t.Errorf("Register with no names succeeded")
	}
}

func TestDiscoverFactory(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", nil)
	ctx := ctxT(t)
	c := r.udpClient()
	if _, err := Discover(ctx, c, "nothing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Discover(unknown) = %v, want ErrNotFound", err)
	}
	if err := c.Register(ctx, []string{"X"}, ":9"); err != nil {
		t.Fatal(err)
	}
	if got, err := DiscoverOnHost(ctx, c, "x", "localhost"); err != nil || len(got) != 1 {
		t.Fatalf("DiscoverOnHost(localhost) = %v, %v", got, err)
	}
	if _, err := DiscoverOnHost(ctx, c, "x", "192.0.2.7"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("DiscoverOnHost(other) = %v, want ErrNotFound", err)
	}
	if got := fmt.Sprint(r.Services()); got != "[X]" {
		t.Fatalf("Services = %s", got)
	}
}

// TestRegisterFromListenAddress: a server listening on a specific address
// registers from it (Python's interface=), so a multi-homed host is
// recorded under the address it serves on, and Unregister matches it.
func TestRegisterFromListenAddress(t *testing.T) {
	r := startRegistry(t, "127.0.0.1", nil)
	for kind, c := range clientKinds(r) {
		ctx := ctxT(t)
		if err := c.Register(ctx, []string{"MULTI"}, "127.0.0.2:4000"); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if got := r.Query("multi"); len(got) != 1 || got[0].String() != "127.0.0.2:4000" {
			t.Fatalf("%s: recorded as %v, want 127.0.0.2:4000", kind, got)
		}
		if err := c.Unregister(ctx, "127.0.0.2:4000"); err != nil {
			t.Fatal(err)
		}
		if got := r.Query("multi"); len(got) != 0 {
			t.Fatalf("%s: after Unregister: %v", kind, got)
		}
	}
}

// TestTableUnregisterIndex: UNREGISTER finds a server's names through the
// table's per-server index, which follows registration, pruning and
// unregistration: the server leaves every name, the others stay, and the
// index holds exactly the pairs the table does.
func TestTableUnregisterIndex(t *testing.T) {
	now := time.Now()
	tb := newTable(time.Minute, 100)
	tb.now = func() time.Time { return now }
	a, b, c := ServerAddr{"10.0.0.1", 1}, ServerAddr{"10.0.0.1", 2}, ServerAddr{"10.0.0.2", 1}
	tb.register([]string{"x", "Y", "z"}, a)
	tb.register([]string{"X", "w"}, b)
	now = now.Add(50 * time.Second)
	tb.register([]string{"Y"}, c)
	tb.register([]string{"w"}, b) // b refreshed under W only
	now = now.Add(20 * time.Second)
	tb.list("") // prunes a and b's X; c and b's W stay
	tb.register([]string{"x"}, a)
	tb.unregister(a)
	tb.unregister(ServerAddr{"10.9.9.9", 9}) // unknown: no-op
	check := func(want map[string][]ServerAddr) {
		t.Helper()
		got := map[string][]ServerAddr{}
		pairs := 0
		for key := range tb.services {
			got[key] = tb.query(key)
			pairs += len(got[key])
			for _, s := range got[key] {
				if _, ok := tb.names[s][key]; !ok {
					t.Errorf("index lacks %s under %s", s, key)
				}
			}
		}
		indexed := 0
		for _, keys := range tb.names {
			indexed += len(keys)
		}
		if !reflect.DeepEqual(got, want) || tb.size() != pairs || indexed != pairs {
			t.Errorf("table %v (size %d, index %d), want %v", got, tb.size(), indexed, want)
		}
	}
	check(map[string][]ServerAddr{"Y": {c}, "W": {b}})
	tb.unregister(b)
	tb.unregister(c)
	check(map[string][]ServerAddr{})
}
