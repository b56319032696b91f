package rpyc

import (
	"reflect"
	"strings"
)

// A service is any Go value: what GETROOT gives the peer. Its exported
// methods are callable under their snake_case names (see the package doc);
// the optional interfaces below add Python's service hooks.

// ServiceNamer overrides the service name (default: the Go type name
// without a "Service" suffix, upper-cased, as Python derives it).
type ServiceNamer interface {
	RPyCServiceName() string
}

// ServiceAliaser overrides the aliases (default: just the name).
type ServiceAliaser interface {
	RPyCServiceAliases() []string
}

// Connecter is called when a connection serving the service is made
// (Python's on_connect), before the first request is served.
type Connecter interface {
	OnConnect(c *Conn)
}

// Disconnecter is called once after the connection ended (Python's
// on_disconnect).
type Disconnecter interface {
	OnDisconnect(c *Conn)
}

// VoidService exposes nothing but its name ("VOID"), like rpyc's
// VoidService: what a client serves when it only makes calls.
type VoidService struct{}

// ServiceName returns a service's name as Python's rpyc would: the
// RPyCServiceName method if there is one, else the type name without a
// "Service" suffix, upper-cased.
func ServiceName(svc any) string {
	if n, ok := svc.(ServiceNamer); ok {
		return n.RPyCServiceName()
	}
	if svc == nil {
		return "VOID"
	}
	t := reflect.TypeOf(svc)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	name := t.Name()
	if strings.HasSuffix(name, "Service") && name != "Service" {
		name = strings.TrimSuffix(name, "Service")
	}
	return strings.ToUpper(name)
}

// ServiceAliases returns the names a service answers to (the name first).
func ServiceAliases(svc any) []string {
	if a, ok := svc.(ServiceAliaser); ok {
		return a.RPyCServiceAliases()
	}
	return []string{ServiceName(svc)}
}

// ServiceFactory makes a fresh service value for each connection (Python's
// classpartial / a service class instantiated per connection). Pass it
// wherever a service is expected.
type ServiceFactory func(c *Conn) any
