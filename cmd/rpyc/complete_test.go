package main

import "testing"

func TestComplete(t *testing.T) {
	c := &completer{lookup: func(obj string) []string {
		switch obj {
		case "":
			return []string{"_hidden", "print", "printer", "some_long_name"}
		case "os.path":
			return []string{"join", "joinall", "exists"}
		}
		return nil
	}}
	for _, tc := range []struct {
		line    string
		pos     int
		want    string
		wantPos int
		ok      bool
	}{
		{"some_lo + 1", 7, "some_long_name + 1", 14, true},
		{"os.path.ex", 10, "os.path.exists", 14, true},
		{"os.path.jo", 10, "os.path.join", 12, true}, // common prefix of join, joinall
		{"pri", 3, "print", 5, true},
		{"print", 5, "", 0, false}, // ambiguous: print, printer
		{"_h", 2, "_hidden", 7, true},
		{"'abc'.up", 8, "", 0, false}, // not a dotted name
		{"12", 2, "", 0, false},
		{"nothing", 7, "", 0, false},
	} {
		got, pos, ok := c.complete(tc.line, tc.pos, '\t')
		if got != tc.want || pos != tc.wantPos || ok != tc.ok {
			t.Errorf("complete(%q, %d) = %q, %d, %v; want %q, %d, %v", tc.line, tc.pos, got, pos, ok, tc.want, tc.wantPos, tc.ok)
		}
	}
	if _, _, ok := c.complete("pri", 3, 'x'); ok {
		t.Errorf("a key other than Tab completed")
	}
}
