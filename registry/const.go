package registry

import "time"

// Protocol constants, the same numbers as Python's rpyc.utils.registry.
const (
	// DefaultPort is where registries listen, UDP and TCP alike.
	DefaultPort = 18811
	// DefaultPruningTimeout is how long a registry keeps a server that has
	// stopped re-registering.
	DefaultPruningTimeout = 4 * time.Minute
	// DefaultTimeout is how long a client waits for a registry's reply.
	DefaultTimeout = 2 * time.Second
	// ReregisterInterval is how often a server should register again so
	// that it is never pruned (Python's REREGISTER_INTERVAL).
	ReregisterInterval = 60 * time.Second
	// MaxDatagramSize is the largest request a registry reads, and the
	// largest QUERY reply a Python client reads (it reads ten times that
	// for LIST).
	MaxDatagramSize = 1500
	// DefaultBroadcastHost is where a UDPClient sends when Host is empty.
	DefaultBroadcastHost = "255.255.255.255"
	// DefaultMaxEntries bounds the (service name, server) pairs a Server
	// keeps, so that a flood of REGISTERs cannot grow it without bound.
	DefaultMaxEntries = 10000
	// tcpServerTimeout bounds one TCP request from accept to reply
	// (Python's TCPRegistryServer.TIMEOUT).
	tcpServerTimeout = 3 * time.Second
	// maxListReply is the largest LIST reply a Python UDP client reads.
	maxListReply = 10 * MaxDatagramSize
	// maxReply is the largest reply a Go client accepts.
	maxReply = 64 << 10
	// magic opens every request.
	magic = "RPYC"
)

// The commands of the registry protocol.
const (
	CmdRegister   = "REGISTER"
	CmdUnregister = "UNREGISTER"
	CmdQuery      = "QUERY"
	CmdList       = "LIST"
)
