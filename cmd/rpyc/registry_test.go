package main

import (
	"testing"

	"github.com/rpyc-go/rpyc/registry/etcd"
)

// TestEtcdPrefixDefault: the --etcd-prefix default of the build without
// etcd is the library's.
func TestEtcdPrefixDefault(t *testing.T) {
	if etcdDefaultPrefix != etcd.DefaultPrefix {
		t.Errorf("etcdDefaultPrefix = %q, want etcd.DefaultPrefix %q", etcdDefaultPrefix, etcd.DefaultPrefix)
	}
}
