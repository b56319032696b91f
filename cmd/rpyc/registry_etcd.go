//go:build etcd

package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/rpyc-go/rpyc/registry/etcd"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
)

// etcdDefaultPrefix is the --etcd-prefix default, the library's.
const etcdDefaultPrefix = etcd.DefaultPrefix

// etcdBuilt reports whether this binary speaks to etcd (-tags etcd).
const etcdBuilt = true

// openEtcd is the etcd registry client: a discoverer watching the prefix.
func (r *regFlags) openEtcd() (registryClient, func(), error) {
	cli, err := clientv3.New(clientv3.Config{
		Endpoints:   strings.Split(r.endpoints, ","),
		DialTimeout: r.timeout,
		Logger:      zap.NewNop(), // its retries would print JSON on stderr
	})
	if err != nil {
		return nil, nil, &connError{fmt.Errorf("etcd %s: %w", r.endpoints, err)}
	}
	d := etcd.NewDiscoverer(cli, &etcd.Config{Prefix: r.prefix, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	d.Start()
	return d, func() { _ = d.Close(); _ = cli.Close() }, nil
}
