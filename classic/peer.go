package classic

import (
	"errors"
	"fmt"
)

// ErrNoPython is what a Python peer gets when it asks this Go client to
// run Python (eval, execute): a Go program has no interpreter to offer.
var ErrNoPython = errors.New("classic: this is a Go client; it runs no Python code")

// localService is the service a classic connection offers its peer.
// Python's classic factories (connect_pipes, connect_subproc, the stdio
// mode of rpyc_classic) serve ClassicService, whose on_connect reads
// getmodule, eval, execute and namespace from the client's root and
// imports "builtins" through getmodule; a Go client without them makes
// that on_connect fail and the server exit. These stand in: getmodule
// returns a placeholder, eval and execute fail with ErrNoPython.
type localService struct {
	Namespace map[string]any `rpyc:"namespace"`
}

// RPyCServiceName names the service as Python's classic client does.
func (*localService) RPyCServiceName() string { return "SLAVE" }

// Getmodule returns a placeholder for the named module: the peer may
// hold it, but it has no attributes.
func (*localService) Getmodule(name any) *goModule { return &goModule{name: fmt.Sprint(name)} }

// Eval refuses: there is no Python here.
func (*localService) Eval(text string) (any, error) { return nil, ErrNoPython }

// Execute refuses: there is no Python here.
func (*localService) Execute(text string) error { return ErrNoPython }

// Getconn returns None.
func (*localService) Getconn() any { return nil }

// goModule is what Getmodule hands out.
type goModule struct{ name string }

// String names the placeholder, for the peer's str().
func (m *goModule) String() string { return "<Go client placeholder for module " + m.name + ">" }

func newLocalService() *localService { return &localService{Namespace: map[string]any{}} }
