package server

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// NewTextHandler returns a slog.Handler that writes slog.TextHandler's
// lines to w, except that an attribute whose string value spans several
// lines (a panic's "stack", a Python traceback) is not quoted into one
// line of \n and \t escapes: the record's line says stack=(below), and
// the value follows it, one line each, indented by a tab, as a Go
// developer reads a stack in a terminal. opts is as for
// slog.NewTextHandler. Use it for a Server's Logger:
//
//	srv.Logger = slog.New(server.NewTextHandler(os.Stderr, nil))
func NewTextHandler(w io.Writer, opts *slog.HandlerOptions) slog.Handler {
	sw := &syncWriter{w: w}
	return &textHandler{inner: slog.NewTextHandler(sw, opts), w: sw}
}

// syncWriter serialises a record's line and the blocks that follow it.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) { return s.w.Write(p) }

type textHandler struct {
	inner slog.Handler
	w     *syncWriter
}

func (h *textHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *textHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &textHandler{inner: h.inner.WithAttrs(as), w: h.w}
}

func (h *textHandler) WithGroup(name string) slog.Handler {
	return &textHandler{inner: h.inner.WithGroup(name), w: h.w}
}

// Handle writes the record, then its multi-line values below it.
func (h *textHandler) Handle(ctx context.Context, r slog.Record) error {
	type block struct{ key, text string }
	var blocks []block
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		v := a.Value.Resolve()
		if v.Kind() == slog.KindString && strings.Contains(v.String(), "\n") {
			blocks = append(blocks, block{a.Key, v.String()})
			out.AddAttrs(slog.String(a.Key, "(below)"))
			return true
		}
		out.AddAttrs(a)
		return true
	})
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	if err := h.inner.Handle(ctx, out); err != nil || len(blocks) == 0 {
		return err
	}
	var b strings.Builder
	for _, bl := range blocks {
		b.WriteString("  " + bl.key + ":\n")
		for _, line := range strings.Split(strings.TrimRight(bl.text, "\n"), "\n") {
			b.WriteString("\t" + line + "\n")
		}
	}
	_, err := io.WriteString(h.w, b.String())
	return err
}
