// Package etcd keeps the RPyC registry in etcd, for deployments that
// outgrow one machine and one broadcast domain: servers register under a
// key prefix, clients watch it.
//
// A Registrar stores one key per (service name, server) under a lease
// with a TTL that it keeps alive; a server that dies stops the keepalive
// and its keys vanish when the TTL runs out, while one stopped cleanly
// revokes its lease and vanishes at once. A Discoverer reads the prefix
// once and then follows it with a watch, so Discover answers from memory
// with the current list and never polls. Both survive etcd restarts and
// outages: the Registrar takes a new lease when the old one is lost, the
// Discoverer's watch resumes (or reloads the list when it cannot).
//
// Both satisfy the registry package's interfaces, so a server.Server
// registers with a Registrar, and registry.ConnectByService fails over
// across the servers a Discoverer knows:
//
//	cli, _ := clientv3.New(clientv3.Config{Endpoints: []string{"127.0.0.1:2379"}})
//	srv := &server.Server{Service: calc, Registrar: etcd.NewRegistrar(cli, nil)}
//	d := etcd.NewDiscoverer(cli, nil)
//	conn, err := registry.ConnectByService(ctx, d, "CALC", nil)
//
// Keys are PREFIX + NAME + "/" + HOST:PORT, NAME upper case (names are
// case-insensitive, as in every RPyC registry), and the value is
// HOST:PORT.
package etcd
