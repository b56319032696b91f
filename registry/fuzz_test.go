package registry

import (
	"log/slog"
	"net/netip"
	"reflect"
	"testing"
)

// FuzzRegistryRequest feeds arbitrary bytes to the request parser and to
// the server's handler: neither may panic, a request that parses must
// survive an encode/parse round trip, and a dropped request gets no reply.
func FuzzRegistryRequest(f *testing.F) {
	for _, tc := range pythonRequests {
		f.Add(mustHex(tc.hex))
	}
	f.Add([]byte{})
	f.Add([]byte{0x14, 0xff, 0xff, 0xff, 0x7f})
	cfg := &Config{AllowListing: true, MaxEntries: 4, Logger: slog.New(slog.DiscardHandler)}
	src := netip.MustParseAddrPort("127.0.0.1:40000")
	f.Fuzz(func(t *testing.T, data []byte) {
		// A fresh server each time: state carried between inputs would
		// make coverage depend on their order, which confuses the fuzzer.
		s := NewServer(cfg)
		req, err := ParseRequest(data)
		reply := s.handle(data, src, "fuzz", maxListReply)
		if err != nil {
			if reply != nil {
				t.Fatalf("malformed request %x got a reply", data)
			}
			return
		}
		enc, err := req.Encode()
		if err != nil {
			t.Fatalf("Encode(%+v): %v", req, err)
		}
		again, err := ParseRequest(enc)
		if err != nil {
			t.Fatalf("re-parse of %+v: %v", req, err)
		}
		if !reflect.DeepEqual(again, req) {
			t.Fatalf("round trip: %+v became %+v", req, again)
		}
		if s.Len() > 4 {
			t.Fatalf("table grew to %d past its cap of 4", s.Len())
		}
	})
}
