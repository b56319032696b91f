package slave

import (
	"strings"
	"testing"

	"github.com/rpyc-go/rpyc"
)

// Every Python signature a module or object of this package gives
// (RPyCParams) must parse: the engine drops a method whose signature it
// cannot read, so a bad default would make, say, builtins.print vanish.
func TestEveryRPyCParamsParses(t *testing.T) {
	s := newSlave(&Options{}, nil)
	values := []any{&Popen{}, &CompletedProcess{}, &TextFile{}, &Path{}, &pathClass{}, &Socket{}, &Pattern{},
		&MatchObject{}, &Datetime{}, &Date{}, &Timedelta{}, &dtClass{}, &Logger{}, &Handler{}, &Thread{}, &Event{},
		&Lock{}, &environ{}, &pyDict{}, &DirEntry{}, &HashObject{}, &sysModules{}, &StringIO{TextFile: &TextFile{}}}
	for _, name := range ModuleNames() {
		m, err := s.module(name)
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, m)
	}
	for _, v := range values {
		p, ok := v.(rpyc.ParamNamer)
		if !ok {
			continue
		}
		for method, spec := range p.RPyCParams() {
			for _, part := range strings.Split(spec, ",") {
				_, def, ok := strings.Cut(strings.TrimSpace(part), "=")
				if !ok {
					continue
				}
				if _, err := rpyc.ParseLiteral(strings.TrimSpace(def)); err != nil {
					t.Errorf("%T.%s: default %s: %v", v, method, def, err)
				}
			}
		}
	}
}
