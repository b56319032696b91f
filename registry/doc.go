// Package registry is RPyC's service registry: servers announce the names
// of the services they expose, clients find a server by name.
//
// It speaks the protocol of Python's rpyc.utils.registry byte for byte, so
// Go and Python servers, clients and registries mix freely: a request is
// the brine encoding of ("RPYC", command, args), sent as one UDP datagram
// or over a short TCP connection to port 18811, and the reply is one brine
// value. The commands are REGISTER, UNREGISTER, QUERY and LIST.
//
// The pieces:
//
//   - Server is a registry (Python's UDPRegistryServer and
//     TCPRegistryServer); cmd/rpyc_registry runs one.
//   - UDPClient and TCPClient talk to a registry (Python's
//     UDPRegistryClient and TCPRegistryClient). They are Registrars, what a
//     server uses to announce itself, and Discoverers, what a client uses to
//     find one.
//   - Discover, ListServices and ConnectByService are the factory
//     functions over any Discoverer, registry/etcd's included.
//
// A UDPClient with no Host broadcasts to 255.255.255.255, as Python does,
// so that a registry anywhere on the local network answers. Name the
// registry's address instead when broadcasts are not wanted or not routed.
package registry
