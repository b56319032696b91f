package otelrpyc

import (
	"context"
	"net"

	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
)

// Byte counts need the stream under the connection, which the hooks do
// not see: a server counts through Listener, a client through Conn.

// Listener returns l whose accepted connections count the bytes read
// and written (rpyc.io.bytes): srv.Serve(tel.Listener(l)).
func (in *Instrumentation) Listener(l net.Listener) net.Listener { return &countingListener{l, in} }

// Conn returns nc counting the bytes read and written (rpyc.io.bytes),
// for a client connection made with rpyc.Connect(tel.Conn(nc), ...).
func (in *Instrumentation) Conn(nc net.Conn) net.Conn { return &countingConn{nc, in} }

type countingListener struct {
	net.Listener
	in *Instrumentation
}

func (l *countingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{nc, l.in}, nil
}

type countingConn struct {
	net.Conn
	in *Instrumentation
}

var (
	receive  = metric.WithAttributes(semconv.NetworkIODirectionReceive)
	transmit = metric.WithAttributes(semconv.NetworkIODirectionTransmit)
)

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.in.m.bytes.Add(context.Background(), int64(n), receive)
	}
	return n, err
}

func (c *countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.in.m.bytes.Add(context.Background(), int64(n), transmit)
	}
	return n, err
}
