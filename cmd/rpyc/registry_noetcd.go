//go:build !etcd

package main

// etcdDefaultPrefix is the --etcd-prefix default, registry/etcd's
// DefaultPrefix (a test checks they agree; this build does not link
// registry/etcd).
const etcdDefaultPrefix = "/rpyc/services/"

// etcdBuilt reports whether this binary speaks to etcd (-tags etcd).
const etcdBuilt = false

// openEtcd explains how to get an rpyc that speaks to etcd: the etcd
// client (gRPC, protobuf) would double the size of the command, so it
// is in only when built with -tags etcd.
func (r *regFlags) openEtcd() (registryClient, func(), error) {
	return nil, nil, &usageError{"--registry-type etcd: this rpyc was built without etcd support, which doubles its size (25 MB instead of 12); " +
		"install the etcd-enabled one: go install -tags etcd github.com/rpyc-go/rpyc/cmd/rpyc@latest"}
}
