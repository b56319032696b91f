package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/rpyc-go/rpyc/classic"
	"golang.org/x/term"
)

// runUpload copies a local file or directory to a classic server.
func runUpload(e *env, args []string) error {
	return transfer(e, args, true)
}

// runDownload copies a file or directory from a classic server.
func runDownload(e *env, args []string) error {
	return transfer(e, args, false)
}

func transfer(e *env, args []string, up bool) error {
	name, order, about := "download", "HOST[:PORT] REMOTE LOCAL",
		"Copy REMOTE (a file or a directory tree) from a classic server (rpyc_classic, port\n18812) to LOCAL, as Python's rpyc.classic.download does."
	if up {
		name, order, about = "upload", "HOST[:PORT] LOCAL REMOTE",
			"Copy LOCAL (a file or a directory tree) to REMOTE on a classic server (rpyc_classic,\nport 18812), as Python's rpyc.classic.upload does: symbolic links are followed\n"+
				"(--links copies them as links), REMOTE's directory is made when missing, and the\n"+
				"whole tree is checked first: a dangling link, a loop or an unreadable file stops\nthe upload before anything is written."
	}
	about += "\nA progress bar shows on a terminal (stderr); -q or a pipe keeps it quiet."
	var cf connFlags
	fs := newFlagSet(e, name, order, about)
	cf.add(fs)
	quiet := fs.Bool("q", false, "no progress bar")
	var links *bool
	if up {
		links = fs.Bool("links", false, "copy symbolic links inside the tree as links (os.symlink on the server) instead of what they point to")
	}
	window := fs.Int("window", 0, "chunks in flight at once (0: the library's default, classic.DefaultWindow)")
	pos, out, err := parseWithOutput(fs, args)
	if err != nil {
		return err
	}
	addr, rest, err := cf.target(fs, pos, cf.classicPort())
	if err != nil {
		return err
	}
	if err := wantArgs(fs, rest, 2, 2, strings.SplitN(order, " ", 2)[1]); err != nil {
		return err
	}
	src, dst := rest[0], rest[1]
	ctx := context.Background()
	conn, err := cf.dialClassic(ctx, addr, e.stderr)
	if err != nil {
		return err
	}
	defer conn.Close()
	bar := newProgressBar(e.stderr, *quiet || out == "json")
	if *window < 0 {
		return &usageError{fmt.Sprintf("--window %d: give 0 (the default) or a positive number of chunks", *window)}
	}
	// A transfer has no overall deadline (files can be large), but one
	// that acknowledges nothing for --timeout is given up.
	tctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stall := time.AfterFunc(cf.timeout, func() {
		cancel(fmt.Errorf("no progress for %v (--timeout): %w", cf.timeout, context.DeadlineExceeded))
	})
	defer stall.Stop()
	opts := &classic.TransferOptions{Window: *window, Progress: func(p classic.Progress) {
		stall.Reset(cf.timeout)
		bar.update(p)
	}}
	if links != nil {
		opts.KeepSymlinks = *links
	}
	start := time.Now()
	if up {
		err = conn.Upload(tctx, src, dst, opts)
	} else {
		err = conn.Download(tctx, src, dst, opts)
	}
	bar.finish()
	if cause := context.Cause(tctx); err != nil && cause != nil {
		err = cause
	}
	if err != nil {
		if strings.HasPrefix(err.Error(), "classic: "+name+" ") {
			return tidy(err) // it names what and where already
		}
		return fmt.Errorf("%s %s to %s: %w", name, src, dst, err)
	}
	files, bytes := bar.totals()
	if out == "json" {
		return writeJSON(e.stdout, map[string]any{"from": src, "to": dst, "files": files, "bytes": bytes,
			"seconds": time.Since(start).Seconds()})
	}
	fmt.Fprintf(e.stdout, "%sed %s to %s: %d file(s), %d bytes in %s\n", name, src, dst, files, bytes,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// progressBar draws one line on a terminal and counts what was sent.
type progressBar struct {
	w       io.Writer
	draw    bool
	last    time.Time
	done    map[string]int64 // bytes acknowledged per file
	current string
}

// newProgressBar draws on w only when w is a terminal and quiet is off.
func newProgressBar(w io.Writer, quiet bool) *progressBar {
	b := &progressBar{w: w, done: map[string]int64{}}
	if f, ok := w.(*os.File); ok && !quiet && term.IsTerminal(int(f.Fd())) {
		b.draw = true
	}
	return b
}

// update is the TransferOptions.Progress callback.
func (b *progressBar) update(p classic.Progress) {
	b.done[p.Path] = p.Done
	b.current = p.Path
	if !b.draw || (time.Since(b.last) < 100*time.Millisecond && p.Done < p.Total) {
		return
	}
	b.last = time.Now()
	const width = 30
	frac := 1.0
	if p.Total > 0 {
		frac = float64(p.Done) / float64(p.Total)
	}
	n := int(frac * width)
	name := p.Path
	if len(name) > 30 {
		name = "..." + name[len(name)-27:]
	}
	fmt.Fprintf(b.w, "\r\033[K%-30s [%s%s] %3.0f%% %s/%s", name, strings.Repeat("#", n), strings.Repeat(".", width-n),
		frac*100, size(p.Done), size(p.Total))
}

// finish ends the bar's line.
func (b *progressBar) finish() {
	if b.draw && !b.last.IsZero() {
		fmt.Fprintln(b.w)
	}
}

// totals is how many files and bytes went through.
func (b *progressBar) totals() (files int, bytes int64) {
	for _, n := range b.done {
		files++
		bytes += n
	}
	return files, bytes
}

// size formats a byte count for humans.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
