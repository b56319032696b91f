package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestIsTimeoutIsClosed(t *testing.T) {
	tests := []struct {
		err             error
		timeout, closed bool
	}{
		{nil, false, false},
		{errors.New("other"), false, false},
		{os.ErrDeadlineExceeded, true, false},
		{errTimeout("read", "mem"), true, false},
		{context.DeadlineExceeded, true, false},
		{errClosed("read", "mem"), false, true},
		{io.EOF, false, true},
		{fmt.Errorf("frame: %w", io.ErrUnexpectedEOF), false, true},
		{io.ErrClosedPipe, false, true},
		{os.ErrClosed, false, true},
		{&net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}, false, true},
		{&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, false, true},
	}
	for _, tt := range tests {
		if got := IsTimeout(tt.err); got != tt.timeout {
			t.Errorf("IsTimeout(%v) = %v", tt.err, got)
		}
		if got := IsClosed(tt.err); got != tt.closed {
			t.Errorf("IsClosed(%v) = %v", tt.err, got)
		}
	}
}

// TestOpErrorKeepsEOF checks io.EOF is never wrapped, since callers
// compare it with ==.
func TestOpErrorKeepsEOF(t *testing.T) {
	if err := opError("read", "pipe", io.EOF); err != io.EOF {
		t.Fatalf("got %v", err)
	}
	err := opError("read", "pipe", &os.PathError{Op: "read", Path: "|0", Err: os.ErrDeadlineExceeded})
	if err.Error() != "read pipe: i/o timeout" {
		t.Fatalf("got %q", err)
	}
}
