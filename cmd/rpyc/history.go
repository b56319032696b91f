package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
)

// maxHistory bounds the lines kept (in memory and loaded from the file).
const maxHistory = 1000

// fileHistory is the shell's line history, kept across sessions in a
// file (one line per entry, appended as typed): the up arrow reaches what
// was typed in earlier sessions too. It implements term.History.
type fileHistory struct {
	lines []string // oldest first
	f     *os.File // appended to; nil when the file cannot be written
}

// defaultHistoryPath is ~/.rpyc_history, or "" without a home directory.
func defaultHistoryPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".rpyc_history")
}

// openHistory loads path's last maxHistory lines and opens it for
// appending. A file that cannot be read or written leaves the history
// in memory only, with the reason returned for a warning.
func openHistory(path string) (*fileHistory, error) {
	h := &fileHistory{}
	if path == "" {
		return h, nil
	}
	if f, err := os.Open(path); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			h.lines = append(h.lines, sc.Text())
			if len(h.lines) > 2*maxHistory {
				h.lines = append([]string(nil), h.lines[len(h.lines)-maxHistory:]...)
			}
		}
		f.Close()
		if len(h.lines) > maxHistory {
			h.lines = h.lines[len(h.lines)-maxHistory:]
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return h, fmt.Errorf("history file %s: %w (history kept for this session only; set --history)", path, err)
	}
	h.f = f
	return h, nil
}

// Add records a typed line; blank lines and repeats of the last are not.
func (h *fileHistory) Add(entry string) {
	if entry == "" || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == entry) {
		return
	}
	h.lines = append(h.lines, entry)
	if len(h.lines) > maxHistory {
		h.lines = h.lines[1:]
	}
	if h.f != nil {
		_, _ = h.f.WriteString(entry + "\n")
	}
}

// Len is the number of entries.
func (h *fileHistory) Len() int { return len(h.lines) }

// At returns an entry, 0 being the most recent.
func (h *fileHistory) At(i int) string { return h.lines[len(h.lines)-1-i] }

// Close closes the file.
func (h *fileHistory) Close() {
	if h.f != nil {
		_ = h.f.Close()
	}
}
