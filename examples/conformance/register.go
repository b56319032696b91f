package main

import (
	"fmt"
	"strings"

	"github.com/rpyc-go/rpyc/registry"
	"github.com/rpyc-go/rpyc/server"
)

// registrarFor returns the registry client -register asks for (nil
// without -register): UDP broadcasts unless -registry-host names the
// registry, as Python's rpyc_classic does; TCP needs -registry-host.
func registrarFor(o *options) (server.Registrar, error) {
	if !o.register {
		return nil, nil
	}
	switch strings.ToUpper(o.registryType) {
	case "UDP":
		return &registry.UDPClient{Host: o.registryHost, Port: o.registryPort}, nil
	case "TCP":
		if o.registryHost == "" {
			return nil, fmt.Errorf("-registry-type TCP needs -registry-host: TCP cannot broadcast")
		}
		return &registry.TCPClient{Host: o.registryHost, Port: o.registryPort}, nil
	}
	return nil, fmt.Errorf("-registry-type %q: want UDP or TCP", o.registryType)
}

// defaultRegistryPort is -registry-port's default, Python's 18811.
const defaultRegistryPort = registry.DefaultPort
