package brine

// internTable keeps one copy of each short string a Decoder has seen, so
// names that every message repeats ("add", "builtins.list") are not
// allocated again. It is bounded: past internMax entries it stops adding.
type internTable struct {
	m map[string]any // the string, already in an interface value
}

const (
	internMax    = 4096
	internMaxLen = 64
)

// str returns b as a string in an interface value, from the table when
// it is there (neither the string nor its interface header is allocated
// again).
func (t *internTable) str(b []byte) any {
	if len(b) > internMaxLen {
		return string(b)
	}
	if v, ok := t.m[string(b)]; ok { // no allocation: the compiler sees the lookup
		return v
	}
	var v any = string(b)
	if t.m == nil {
		t.m = make(map[string]any)
	}
	if len(t.m) < internMax {
		t.m[v.(string)] = v
	}
	return v
}
