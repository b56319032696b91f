package slave

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rpyc-go/rpyc"
	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// socketModule is Python's socket over Go's net package: TCP, UDP and
// Unix sockets (socket, create_connection, create_server), name lookups
// (gethostbyname, getaddrinfo, getfqdn, ...) and the byte-order helpers,
// with Python's errors: ConnectionRefusedError and friends with errno,
// TimeoutError ("timed out", which socket.timeout is), socket.gaierror
// for names that do not resolve.
type socketModule struct {
	Module
	s *SlaveService
	// Address families, socket types and options.
	AFInet      int `rpyc:"AF_INET"`
	AFInet6     int `rpyc:"AF_INET6"`
	AFUnix      int `rpyc:"AF_UNIX"`
	AFUnspec    int `rpyc:"AF_UNSPEC"`
	SockStream  int `rpyc:"SOCK_STREAM"`
	SockDgram   int `rpyc:"SOCK_DGRAM"`
	SolSocket   int `rpyc:"SOL_SOCKET"`
	SoReuseaddr int `rpyc:"SO_REUSEADDR"`
	SoKeepalive int `rpyc:"SO_KEEPALIVE"`
	SoBroadcast int `rpyc:"SO_BROADCAST"`
	SoRcvbuf    int `rpyc:"SO_RCVBUF"`
	SoSndbuf    int `rpyc:"SO_SNDBUF"`
	IPProtoTCP  int `rpyc:"IPPROTO_TCP"`
	IPProtoUDP  int `rpyc:"IPPROTO_UDP"`
	TCPNodelay  int `rpyc:"TCP_NODELAY"`
	ShutRd      int `rpyc:"SHUT_RD"`
	ShutWr      int `rpyc:"SHUT_WR"`
	ShutRdwr    int `rpyc:"SHUT_RDWR"`
	// The exception classes: socket.timeout is TimeoutError, socket.error
	// is OSError.
	Timeout  *vinegar.Class `rpyc:"timeout"`
	Error    *vinegar.Class `rpyc:"error"`
	Gaierror *vinegar.Class `rpyc:"gaierror"`
	Herror   *vinegar.Class `rpyc:"herror"`

	mu             sync.Mutex
	defaultTimeout float64 // < 0: None
}

const (
	afUnix     = 1
	afInet     = 2
	afInet6    = 10
	sockStream = 1
	sockDgram  = 2
)

func newSocketModule(s *SlaveService) *socketModule {
	return &socketModule{Module: newModule("socket"), s: s,
		AFInet: afInet, AFInet6: afInet6, AFUnix: afUnix, SockStream: sockStream, SockDgram: sockDgram,
		SolSocket: 1, SoReuseaddr: 2, SoKeepalive: 9, SoBroadcast: 6, SoRcvbuf: 8, SoSndbuf: 7,
		IPProtoTCP: 6, IPProtoUDP: 17, TCPNodelay: 1, ShutRd: 0, ShutWr: 1, ShutRdwr: 2,
		Timeout: vinegar.ErrTimeoutError, Error: vinegar.ErrOSError, Gaierror: errGaierror, Herror: errHerror,
		defaultTimeout: -1}
}

// RPyCParams gives the functions Python's keyword arguments.
func (m *socketModule) RPyCParams() map[string]string {
	return map[string]string{
		"Socket":           "family=-1, type=-1, proto=-1, fileno=None",
		"CreateConnection": "address, timeout=None, source_address=None",
		"CreateServer":     "address, family=2, backlog=None, reuse_port=False, dualstack_ipv6=False",
		"Getaddrinfo":      "host, port, family=0, type=0, proto=0, flags=0",
		"Getfqdn":          "name=''",
	}
}

// RPyCNames keeps socket's class spelling.
func (m *socketModule) RPyCNames() map[string]string {
	return map[string]string{"Socket": "socket"}
}

// Socket is socket.socket(family=AF_INET, type=SOCK_STREAM, ...).
func (m *socketModule) Socket(family, typ, proto int, fileno any) (*Socket, error) {
	if fileno != nil {
		return nil, vinegar.New("NotImplementedError", "socket(fileno=...) is not supported by this server")
	}
	if family == -1 {
		family = afInet
	}
	if typ == -1 {
		typ = sockStream
	}
	if proto == -1 {
		proto = 0
	}
	switch family {
	case afInet, afInet6, afUnix:
	default:
		return nil, osError(syscall.EAFNOSUPPORT, nil)
	}
	if typ != sockStream && typ != sockDgram {
		return nil, osError(syscall.EPROTONOSUPPORT, nil)
	}
	m.mu.Lock()
	t := m.defaultTimeout
	m.mu.Unlock()
	return &Socket{m: m, Family: family, Type: typ, Proto: proto, timeout: t}, nil
}

// Getdefaulttimeout is socket.getdefaulttimeout.
func (m *socketModule) Getdefaulttimeout() any {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.defaultTimeout < 0 {
		return nil
	}
	return m.defaultTimeout
}

// Setdefaulttimeout is socket.setdefaulttimeout.
func (m *socketModule) Setdefaulttimeout(timeout any) error {
	t, err := timeoutValue(timeout)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.defaultTimeout = t
	m.mu.Unlock()
	return nil
}

// timeoutValue reads a socket timeout: None is -1.
func timeoutValue(v any) (float64, error) {
	secs, ok, err := timeoutArg(v)
	if err != nil {
		return 0, err
	}
	if !ok {
		return -1, nil
	}
	if secs < 0 {
		return 0, vinegar.New("ValueError", "Timeout value out of range")
	}
	return secs, nil
}

// CreateConnection is socket.create_connection: a TCP socket connected
// to (host, port), trying each address the name resolves to.
func (m *socketModule) CreateConnection(ctx context.Context, address, timeout, sourceAddress any) (*Socket, error) {
	host, port, err := hostPort(ctx, address)
	if err != nil {
		return nil, err
	}
	t, err := timeoutValue(timeout)
	if err != nil {
		return nil, err
	}
	if timeout == nil {
		m.mu.Lock()
		t = m.defaultTimeout
		m.mu.Unlock()
	}
	s := &Socket{m: m, Family: afInet, Type: sockStream, Proto: 6, timeout: t}
	if strings.Contains(host, ":") {
		s.Family = afInet6
	}
	if err := s.dial(ctx, net.JoinHostPort(host, strconv.Itoa(port)), sourceAddress); err != nil {
		return nil, err
	}
	return s, nil
}

// CreateServer is socket.create_server: a TCP socket bound and
// listening.
func (m *socketModule) CreateServer(ctx context.Context, address any, family int, backlog any, reusePort, dualstack bool) (*Socket, error) {
	s, err := m.Socket(family, sockStream, 0, nil)
	if err != nil {
		return nil, err
	}
	if err := s.Bind(ctx, address); err != nil {
		return nil, err
	}
	return s, nil
}

// hostPort reads a (host, port) address.
func hostPort(ctx context.Context, address any) (string, int, error) {
	items, err := listOf(ctx, address)
	if err != nil || len(items) < 2 {
		return "", 0, vinegar.New("TypeError", "AF_INET address must be a pair (host, port)")
	}
	host, ok := items[0].(string)
	if !ok {
		if b, isBytes := items[0].([]byte); isBytes {
			host = string(b)
		} else {
			return "", 0, vinegar.New("TypeError", fmt.Sprintf("str, bytes or bytearray expected, not %s", pyType(items[0])))
		}
	}
	port, ok := items[1].(int64)
	if !ok {
		return "", 0, vinegar.New("TypeError", fmt.Sprintf("'%s' object cannot be interpreted as an integer", pyType(items[1])))
	}
	if port < 0 || port > 65535 {
		return "", 0, vinegar.New("OverflowError", "getsockaddrarg: port must be 0-65535.")
	}
	switch host {
	case "", "0.0.0.0":
		host = "0.0.0.0"
	case "<broadcast>":
		host = "255.255.255.255"
	}
	return host, int(port), nil
}

// gaiError is socket.gaierror for a name that did not resolve, with
// the errno and text of the C library (EAI_NONAME, -2).
func gaiError(err error) error {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && !dnsErr.IsNotFound && dnsErr.IsTemporary {
		return withOSAttrs(errGaierror.New(int64(-3), "Temporary failure in name resolution").
			WithAttr("errno", int64(-3)).WithAttr("strerror", "Temporary failure in name resolution"))
	}
	return withOSAttrs(errGaierror.New(int64(-2), "Name or service not known").
		WithAttr("errno", int64(-2)).WithAttr("strerror", "Name or service not known"))
}

// Gethostname is socket.gethostname.
func (m *socketModule) Gethostname() (string, error) { return os.Hostname() }

// Gethostbyname is socket.gethostbyname: the first IPv4 address.
func (m *socketModule) Gethostbyname(ctx context.Context, host string) (string, error) {
	if ip := net.ParseIP(host); ip != nil && ip.To4() != nil {
		return ip.To4().String(), nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip4", host)
	if err != nil || len(ips) == 0 {
		return "", gaiError(err)
	}
	return ips[0].String(), nil
}

// GethostbynameEx is socket.gethostbyname_ex: (name, aliases, addresses).
func (m *socketModule) GethostbynameEx(ctx context.Context, host string) (brine.Tuple, error) {
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip4", host)
	if err != nil || len(ips) == 0 {
		return nil, gaiError(err)
	}
	addrs := make([]any, len(ips))
	for i, ip := range ips {
		addrs[i] = ip.String()
	}
	name := host
	if cname, err := net.DefaultResolver.LookupCNAME(ctx, host); err == nil && cname != "" {
		name = strings.TrimSuffix(cname, ".")
	}
	return brine.Tuple{name, []any{}, addrs}, nil
}

// Gethostbyaddr is socket.gethostbyaddr: (name, aliases, addresses);
// socket.herror when the address has no name.
func (m *socketModule) Gethostbyaddr(ctx context.Context, ip string) (brine.Tuple, error) {
	addr := ip
	if net.ParseIP(ip) == nil {
		a, err := m.Gethostbyname(ctx, ip)
		if err != nil {
			return nil, err
		}
		addr = a
	}
	names, err := net.DefaultResolver.LookupAddr(ctx, addr)
	if err != nil || len(names) == 0 {
		return nil, errHerror.New(int64(1), "Unknown host").WithAttr("errno", int64(1)).WithAttr("strerror", "Unknown host")
	}
	aliases := make([]any, 0, len(names)-1)
	for _, n := range names[1:] {
		aliases = append(aliases, strings.TrimSuffix(n, "."))
	}
	return brine.Tuple{strings.TrimSuffix(names[0], "."), aliases, []any{addr}}, nil
}

// Getfqdn is socket.getfqdn: the first name of the host's address with
// a dot in it, else the name itself.
func (m *socketModule) Getfqdn(ctx context.Context, name string) string {
	name = strings.TrimSpace(name)
	if name == "" || name == "0.0.0.0" {
		name, _ = os.Hostname()
	}
	info, err := m.Gethostbyaddr(ctx, name)
	if err != nil {
		return name
	}
	all := append([]any{info[0]}, info[1].([]any)...)
	for _, n := range all {
		if s := n.(string); strings.Contains(s, ".") {
			return s
		}
	}
	return info[0].(string)
}

// Getaddrinfo is socket.getaddrinfo: (family, type, proto, canonname,
// sockaddr) tuples.
func (m *socketModule) Getaddrinfo(ctx context.Context, host, port any, family, typ, proto, flags int) ([]any, error) {
	h := ""
	switch x := host.(type) {
	case string:
		h = x
	case []byte:
		h = string(x)
	case nil:
		h = "localhost"
	}
	p := 0
	switch x := port.(type) {
	case int64:
		p = int(x)
	case string:
		n, err := net.DefaultResolver.LookupPort(ctx, "tcp", x)
		if err != nil {
			return nil, errGaierror.New(int64(-8), "Servname not supported for ai_socktype").WithAttr("errno", int64(-8))
		}
		p = n
	}
	var ips []net.IP
	if ip := net.ParseIP(h); ip != nil {
		ips = []net.IP{ip}
	} else {
		var err error
		ips, err = net.DefaultResolver.LookupIP(ctx, "ip", h)
		if err != nil {
			return nil, gaiError(err)
		}
	}
	types := []int{sockStream, sockDgram}
	if typ != 0 {
		types = []int{typ}
	}
	var out []any
	for _, ip := range ips {
		fam := afInet6
		var addr brine.Tuple
		if v4 := ip.To4(); v4 != nil {
			fam = afInet
			addr = brine.Tuple{v4.String(), int64(p)}
		} else {
			addr = brine.Tuple{ip.String(), int64(p), int64(0), int64(0)}
		}
		if family != 0 && family != fam {
			continue
		}
		for _, t := range types {
			pr := int64(6)
			if t == sockDgram {
				pr = 17
			}
			out = append(out, brine.Tuple{int64(fam), int64(t), pr, "", addr})
		}
	}
	if len(out) == 0 {
		return nil, errGaierror.New(int64(-9), "Address family for hostname not supported").WithAttr("errno", int64(-9))
	}
	return out, nil
}

// InetAton is socket.inet_aton.
func (m *socketModule) InetAton(ip string) ([]byte, error) {
	p := net.ParseIP(ip).To4()
	if p == nil {
		return nil, vinegar.New("OSError", "illegal IP address string passed to inet_aton")
	}
	return []byte(p), nil
}

// InetNtoa is socket.inet_ntoa.
func (m *socketModule) InetNtoa(b []byte) (string, error) {
	if len(b) != 4 {
		return "", vinegar.New("OSError", "packed IP wrong length for inet_ntoa")
	}
	return net.IP(b).String(), nil
}

// InetPton is socket.inet_pton.
func (m *socketModule) InetPton(family int, ip string) ([]byte, error) {
	p := net.ParseIP(ip)
	if p == nil {
		return nil, vinegar.New("OSError", "illegal IP address string passed to inet_pton")
	}
	if family == afInet {
		if p.To4() == nil {
			return nil, vinegar.New("OSError", "illegal IP address string passed to inet_pton")
		}
		return []byte(p.To4()), nil
	}
	return []byte(p.To16()), nil
}

// InetNtop is socket.inet_ntop.
func (m *socketModule) InetNtop(family int, b []byte) (string, error) {
	if (family == afInet && len(b) != 4) || (family == afInet6 && len(b) != 16) {
		return "", vinegar.New("ValueError", "invalid length of packed IP address string")
	}
	return net.IP(b).String(), nil
}

// Htons is socket.htons.
func (m *socketModule) Htons(x int) int { return int(swap16(uint16(x))) }

// Ntohs is socket.ntohs.
func (m *socketModule) Ntohs(x int) int { return int(swap16(uint16(x))) }

// Htonl is socket.htonl.
func (m *socketModule) Htonl(x int64) int64 { return int64(swap32(uint32(x))) }

// Ntohl is socket.ntohl.
func (m *socketModule) Ntohl(x int64) int64 { return int64(swap32(uint32(x))) }

func swap16(x uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], x)
	return binary.LittleEndian.Uint16(b[:])
}

func swap32(x uint32) uint32 {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], x)
	return binary.LittleEndian.Uint32(b[:])
}

// Socket is socket.socket. Operations block up to the socket's timeout
// (settimeout; None waits forever) and end early when the client gives
// up on the call. A socket the client drops is closed, unless a file
// made by makefile still uses it (as Python's _io_refs).
type Socket struct {
	m *socketModule
	// Family, Type and Proto are the attributes of the same names.
	Family int `rpyc:"family"`
	Type   int `rpyc:"type"`
	Proto  int `rpyc:"proto"`

	mu      sync.Mutex
	timeout float64 // < 0: blocking
	conn    net.Conn
	ln      net.Listener
	pc      net.PacketConn
	local   net.Addr
	closed  bool
	ioRefs  int // files from makefile still open
	release bool
}

// RPyCParams gives the methods Python's keyword arguments.
func (s *Socket) RPyCParams() map[string]string {
	return map[string]string{
		"Recv": "bufsize, flags=0", "Recvfrom": "bufsize, flags=0", "Send": "data, flags=0", "Sendall": "data, flags=0",
		"Listen": "backlog=None", "Makefile": "mode='r', buffering=None, encoding=None, errors=None, newline=None",
		"Sendto": "data, address", "Setsockopt": "level, optname, value, optlen=None", "Getsockopt": "level, optname, buflen=None",
	}
}

// RPyCNames gives the with statement's dunders.
func (s *Socket) RPyCNames() map[string]string {
	return map[string]string{"Enter": "__enter__", "Exit": "__exit__"}
}

// RPyCTypeName is Python's class.
func (s *Socket) RPyCTypeName() string { return "socket.socket" }

// GoString is Python's repr.
func (s *Socket) GoString() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Sprintf("<socket.socket [closed] fd=-1, family=%d, type=%d, proto=%d>", s.Family, s.Type, s.Proto)
	}
	out := fmt.Sprintf("<socket.socket fd=%d, family=%d, type=%d, proto=%d", s.fd(), s.Family, s.Type, s.Proto)
	if a := s.localAddr(); a != nil {
		out += ", laddr=" + pyRepr(sockaddr(a))
	}
	if s.conn != nil {
		out += ", raddr=" + pyRepr(sockaddr(s.conn.RemoteAddr()))
	}
	return out + ">"
}

func (s *Socket) fd() int { return -1 }

func (s *Socket) localAddr() net.Addr {
	switch {
	case s.conn != nil:
		return s.conn.LocalAddr()
	case s.ln != nil:
		return s.ln.Addr()
	case s.pc != nil:
		return s.pc.LocalAddr()
	}
	return s.local
}

// sockaddr is a Go address as Python's (host, port), or a Unix path.
func sockaddr(a net.Addr) any {
	switch x := a.(type) {
	case *net.TCPAddr:
		return ipPort(x.IP, x.Port)
	case *net.UDPAddr:
		return ipPort(x.IP, x.Port)
	case *net.UnixAddr:
		return x.Name
	case nil:
		return brine.Tuple{"0.0.0.0", int64(0)}
	}
	return a.String()
}

func ipPort(ip net.IP, port int) brine.Tuple {
	if v4 := ip.To4(); v4 != nil || ip == nil {
		host := "0.0.0.0"
		if v4 != nil {
			host = v4.String()
		}
		return brine.Tuple{host, int64(port)}
	}
	return brine.Tuple{ip.String(), int64(port), int64(0), int64(0)}
}

// network is the Go network name of the socket.
func (s *Socket) network() string {
	switch {
	case s.Family == afUnix && s.Type == sockDgram:
		return "unixgram"
	case s.Family == afUnix:
		return "unix"
	case s.Type == sockDgram && s.Family == afInet6:
		return "udp6"
	case s.Type == sockDgram:
		return "udp4"
	case s.Family == afInet6:
		return "tcp6"
	}
	return "tcp4"
}

// address reads an address argument for this socket's family.
func (s *Socket) address(ctx context.Context, address any) (string, error) {
	if s.Family == afUnix {
		return fspath(ctx, address)
	}
	host, port, err := hostPort(ctx, address)
	if err != nil {
		return "", err
	}
	if net.ParseIP(host) == nil {
		ip, err := s.m.Gethostbyname(ctx, host)
		if err != nil {
			return "", err
		}
		host = ip
	}
	return net.JoinHostPort(host, strconv.Itoa(port)), nil
}

func (s *Socket) checkOpen() error {
	if s.closed {
		return osError(syscall.EBADF, nil)
	}
	return nil
}

// deadline is when an operation started now must give up.
func (s *Socket) deadline() time.Time {
	if s.timeout < 0 {
		return time.Time{}
	}
	return time.Now().Add(time.Duration(s.timeout * float64(time.Second)))
}

// netError is the Python exception for a Go network error: TimeoutError
// "timed out", BlockingIOError for a non-blocking socket, or the OSError
// of the errno.
func (s *Socket) netError(err error) error {
	if err == nil {
		return nil
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		if s.timeout == 0 {
			return osError(syscall.EAGAIN, nil)
		}
		return osErr(vinegar.ErrTimeoutError, "timed out")
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return gaiError(err)
	}
	if errors.Is(err, net.ErrClosed) {
		return osError(syscall.EBADF, nil)
	}
	if en, ok := errnoOf(err); ok {
		return osError(en, nil)
	}
	return err
}

// watch unblocks a pending operation when the client's call ends.
func (s *Socket) watch(ctx context.Context, set func(time.Time) error) func() bool {
	return context.AfterFunc(ctx, func() { _ = set(time.Now()) })
}

// Bind is bind(address). A TCP socket starts listening here (Go binds
// and listens in one step); a UDP socket is ready to receive.
func (s *Socket) Bind(ctx context.Context, address any) error {
	addr, err := s.address(ctx, address)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return err
	}
	if s.ln != nil || s.pc != nil || s.conn != nil {
		return osError(syscall.EINVAL, nil)
	}
	lc := net.ListenConfig{}
	switch s.network() {
	case "udp4", "udp6", "unixgram":
		pc, err := lc.ListenPacket(ctx, s.network(), addr)
		if err != nil {
			return s.netError(err)
		}
		s.pc = pc
	default:
		ln, err := lc.Listen(ctx, s.network(), addr)
		if err != nil {
			return s.netError(err)
		}
		s.ln = ln
	}
	return nil
}

// Listen is listen(backlog): the socket already listens since bind.
func (s *Socket) Listen(backlog any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return err
	}
	if s.ln == nil {
		return osError(syscall.EINVAL, nil)
	}
	return nil
}

// Accept is accept(): (connection, address).
func (s *Socket) Accept(ctx context.Context) (brine.Tuple, error) {
	s.mu.Lock()
	ln, dl, t := s.ln, s.deadline(), s.timeout
	err := s.checkOpen()
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if ln == nil {
		return nil, osError(syscall.EINVAL, nil)
	}
	type deadliner interface{ SetDeadline(time.Time) error }
	if d, ok := ln.(deadliner); ok {
		_ = d.SetDeadline(dl)
		stop := s.watch(ctx, d.SetDeadline)
		defer stop()
	}
	c, err := ln.Accept()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s.netError(err)
	}
	conn := &Socket{m: s.m, Family: s.Family, Type: s.Type, Proto: s.Proto, timeout: t, conn: c}
	if s.timeout == 0 {
		conn.timeout = -1
	}
	s.m.s.track(conn)
	return brine.Tuple{conn, sockaddr(c.RemoteAddr())}, nil
}

// Connect is connect(address).
func (s *Socket) Connect(ctx context.Context, address any) error {
	addr, err := s.address(ctx, address)
	if err != nil {
		return err
	}
	return s.dial(ctx, addr, nil)
}

// ConnectEx is connect_ex(address): 0, or the errno.
func (s *Socket) ConnectEx(ctx context.Context, address any) (int, error) {
	err := s.Connect(ctx, address)
	if err == nil {
		return 0, nil
	}
	var e *vinegar.Exception
	if errors.As(err, &e) {
		if n, ok := e.Attr("errno"); ok {
			if i, ok := n.(int64); ok {
				return int(i), nil
			}
		}
	}
	if en, ok := errnoOf(err); ok {
		return int(en), nil
	}
	return 0, err
}

func (s *Socket) dial(ctx context.Context, addr string, source any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return err
	}
	if s.conn != nil {
		return osError(syscall.EISCONN, nil)
	}
	d := net.Dialer{Deadline: s.deadline()}
	if s.ln != nil {
		d.LocalAddr = s.ln.Addr()
		s.ln.Close()
		s.ln = nil
	}
	if source != nil {
		h, p, err := hostPort(ctx, source)
		if err != nil {
			return err
		}
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(h), Port: p}
	}
	if s.pc != nil {
		s.pc.Close()
		s.pc = nil
	}
	c, err := d.DialContext(ctx, s.network(), addr)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return s.netError(err)
	}
	s.conn = c
	s.m.s.track(s)
	return nil
}

// stream is the connected conn, or an error.
func (s *Socket) stream() (net.Conn, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, time.Time{}, err
	}
	if s.conn == nil {
		return nil, time.Time{}, osError(syscall.ENOTCONN, nil)
	}
	return s.conn, s.deadline(), nil
}

// Recv is recv(bufsize): up to bufsize bytes, b"" at the end.
func (s *Socket) Recv(ctx context.Context, bufsize, flags int) ([]byte, error) {
	if bufsize < 0 {
		return nil, vinegar.New("ValueError", "negative buffersize in recv")
	}
	if s.pc != nil {
		b, _, err := s.recvfrom(ctx, bufsize)
		return b, err
	}
	c, dl, err := s.stream()
	if err != nil {
		return nil, err
	}
	_ = c.SetReadDeadline(dl)
	stop := s.watch(ctx, c.SetReadDeadline)
	defer stop()
	buf := make([]byte, min(bufsize, 1<<24))
	n, err := c.Read(buf)
	if err == io.EOF {
		return []byte{}, nil
	}
	if err != nil && n == 0 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, s.netError(err)
	}
	return buf[:n], nil
}

// Send is send(data): how many bytes were sent.
func (s *Socket) Send(ctx context.Context, data []byte, flags int) (int, error) {
	if s.pc != nil {
		return 0, osError(syscall.EDESTADDRREQ, nil)
	}
	c, dl, err := s.stream()
	if err != nil {
		return 0, err
	}
	_ = c.SetWriteDeadline(dl)
	stop := s.watch(ctx, c.SetWriteDeadline)
	defer stop()
	n, err := c.Write(data)
	if err != nil && n == 0 {
		return 0, s.netError(err)
	}
	return n, nil
}

// Sendall is sendall(data): everything, or an error.
func (s *Socket) Sendall(ctx context.Context, data []byte, flags int) error {
	c, dl, err := s.stream()
	if err != nil {
		return err
	}
	_ = c.SetWriteDeadline(dl)
	stop := s.watch(ctx, c.SetWriteDeadline)
	defer stop()
	_, err = c.Write(data)
	return s.netError(err)
}

// Sendto is sendto(data, address), for UDP.
func (s *Socket) Sendto(ctx context.Context, data []byte, address any) (int, error) {
	addr, err := s.address(ctx, address)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	if s.pc == nil && !s.closed {
		pc, err := net.ListenPacket(s.network(), ":0")
		if err != nil {
			s.mu.Unlock()
			return 0, s.netError(err)
		}
		s.pc = pc
		s.m.s.track(s)
	}
	pc, err := s.pc, s.checkOpen()
	s.mu.Unlock()
	if err != nil {
		return 0, err
	}
	ua, err := net.ResolveUDPAddr(s.network(), addr)
	if err != nil {
		return 0, s.netError(err)
	}
	n, err := pc.WriteTo(data, ua)
	return n, s.netError(err)
}

// Recvfrom is recvfrom(bufsize): (data, address), for UDP.
func (s *Socket) Recvfrom(ctx context.Context, bufsize, flags int) (brine.Tuple, error) {
	b, addr, err := s.recvfrom(ctx, bufsize)
	if err != nil {
		return nil, err
	}
	return brine.Tuple{b, addr}, nil
}

func (s *Socket) recvfrom(ctx context.Context, bufsize int) ([]byte, any, error) {
	s.mu.Lock()
	pc, dl, err := s.pc, s.deadline(), s.checkOpen()
	s.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	if pc == nil {
		return nil, nil, osError(syscall.EINVAL, nil)
	}
	_ = pc.SetReadDeadline(dl)
	stop := s.watch(ctx, pc.SetReadDeadline)
	defer stop()
	buf := make([]byte, min(max(bufsize, 0), 1<<16))
	n, addr, err := pc.ReadFrom(buf)
	if err != nil {
		return nil, nil, s.netError(err)
	}
	return buf[:n], sockaddr(addr), nil
}

// Settimeout is settimeout(value): None blocks, 0 never waits.
func (s *Socket) Settimeout(value any) error {
	t, err := timeoutValue(value)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.timeout = t
	s.mu.Unlock()
	return nil
}

// Gettimeout is gettimeout().
func (s *Socket) Gettimeout() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timeout < 0 {
		return nil
	}
	return s.timeout
}

// Setblocking is setblocking(flag).
func (s *Socket) Setblocking(flag bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if flag {
		s.timeout = -1
	} else {
		s.timeout = 0
	}
}

// Getblocking is getblocking().
func (s *Socket) Getblocking() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.timeout != 0
}

// Setsockopt is setsockopt: TCP_NODELAY and SO_KEEPALIVE are applied;
// SO_REUSEADDR is what Go's listeners do already; others are accepted.
func (s *Socket) Setsockopt(level, optname int, value, optlen any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return err
	}
	on := truthy(value)
	if tc, ok := s.conn.(*net.TCPConn); ok {
		switch {
		case level == 6 && optname == 1:
			return tc.SetNoDelay(on)
		case level == 1 && optname == 9:
			return tc.SetKeepAlive(on)
		}
	}
	return nil
}

// Getsockopt is getsockopt: 0 for options not tracked here.
func (s *Socket) Getsockopt(level, optname int, buflen any) int {
	if level == 1 && optname == 2 {
		return 1
	}
	return 0
}

// Getsockname is getsockname().
func (s *Socket) Getsockname() (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkOpen(); err != nil {
		return nil, err
	}
	if a := s.localAddr(); a != nil {
		return sockaddr(a), nil
	}
	if s.Family == afUnix {
		return "", nil
	}
	return brine.Tuple{"0.0.0.0", int64(0)}, nil
}

// Getpeername is getpeername().
func (s *Socket) Getpeername() (any, error) {
	c, _, err := s.stream()
	if err != nil {
		return nil, err
	}
	return sockaddr(c.RemoteAddr()), nil
}

// Shutdown is shutdown(how).
func (s *Socket) Shutdown(how int) error {
	c, _, err := s.stream()
	if err != nil {
		return err
	}
	type halfCloser interface {
		CloseRead() error
		CloseWrite() error
	}
	hc, ok := c.(halfCloser)
	if !ok {
		return nil
	}
	if how == 0 || how == 2 {
		err = hc.CloseRead()
	}
	if how == 1 || how == 2 {
		if werr := hc.CloseWrite(); err == nil {
			err = werr
		}
	}
	return s.netError(err)
}

// Fileno is fileno(): -1 (Go owns the descriptor).
func (s *Socket) Fileno() int { return s.fd() }

// Close is close(). A file from makefile keeps the connection until it
// is closed too.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.ioRefs > 0 {
		return nil
	}
	return s.closeLocked()
}

func (s *Socket) closeLocked() error {
	var err error
	for _, c := range []io.Closer{s.conn, s.ln, s.pc} {
		if c != nil && !isNilCloser(c) {
			if cerr := c.Close(); err == nil && !errors.Is(cerr, net.ErrClosed) {
				err = cerr
			}
		}
	}
	s.m.s.untrack(s)
	return nil
}

func isNilCloser(c io.Closer) bool {
	switch x := c.(type) {
	case net.Conn:
		return x == nil
	case net.Listener:
		return x == nil
	case net.PacketConn:
		return x == nil
	}
	return false
}

// RPyCRelease closes a socket the client dropped.
func (s *Socket) RPyCRelease(*rpyc.Conn) { _ = s.Close() }

// Enter is __enter__.
func (s *Socket) Enter() *Socket { return s }

// Exit is __exit__: close.
func (s *Socket) Exit(args ...any) (bool, error) { return false, s.Close() }

// Makefile is makefile(mode='r'): a file object over the connection
// (binary with "b", else text), which keeps it open until it is closed.
func (s *Socket) Makefile(mode string, buffering, encoding, errs, newline any) (any, error) {
	c, _, err := s.stream()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.ioRefs++
	s.mu.Unlock()
	f := &socketFile{s: s, c: c}
	if strings.Contains(mode, "b") {
		return f, nil
	}
	t := newTextFile(f, int64(-1), strings.ReplaceAll(mode, "b", ""))
	t.owner = s
	return t, nil
}

// socketFile is the stream under a socket's makefile.
type socketFile struct {
	s      *Socket
	c      net.Conn
	once   sync.Once
	closed bool
}

func (f *socketFile) Read(p []byte) (int, error) {
	n, err := f.c.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		err = f.s.netError(err)
	}
	return n, err
}

func (f *socketFile) Write(p []byte) (int, error) { return f.c.Write(p) }

// Close closes the file; the socket closes too if it was closed
// before.
func (f *socketFile) Close() error {
	f.once.Do(func() {
		f.s.mu.Lock()
		defer f.s.mu.Unlock()
		f.s.ioRefs--
		if f.s.closed && f.s.ioRefs == 0 {
			_ = f.s.closeLocked()
		}
	})
	return nil
}

// RPyCRelease closes a file the client dropped.
func (f *socketFile) RPyCRelease(*rpyc.Conn) { _ = f.Close() }

// RPyCOwner keeps the socket in the table while the client holds the
// file.
func (f *socketFile) RPyCOwner() any { return f.s }

// RPyCTypeName is the class Python's makefile gives in binary mode.
func (f *socketFile) RPyCTypeName() string { return "_io.BufferedRWPair" }
