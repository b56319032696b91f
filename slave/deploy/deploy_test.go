package deploy

import (
	"io"
	"strings"
	"testing"
	"time"
)

// TestEachLineDrains: after a line too long for the scanner, eachLine
// still reads the rest, so the writer (a remote stderr) never blocks.
func TestEachLineDrains(t *testing.T) {
	r, w := io.Pipe()
	var lines []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		eachLine(r, func(l string) { lines = append(lines, l) })
	}()
	wrote := make(chan error, 1)
	go func() {
		_, err := io.WriteString(w, "first\n"+strings.Repeat("x", 1<<20)+"\n"+strings.Repeat("more\n", 1000))
		_ = w.Close()
		wrote <- err
	}()
	select {
	case err := <-wrote:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the writer blocked: eachLine stopped reading after the long line")
	}
	<-done
	if len(lines) != 1 || lines[0] != "first" {
		t.Errorf("lines = %q, want [first]", lines)
	}
}
