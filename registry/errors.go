package registry

import "errors"

var (
	// ErrMalformed is wrapped by every error about a request or reply
	// that does not follow the protocol.
	ErrMalformed = errors.New("registry: malformed message")
	// ErrNoReply means no registry answered within the timeout: none runs
	// at the address, or a firewall drops the datagrams.
	ErrNoReply = errors.New("registry: no reply from a registry")
	// ErrNotFound means the registry knows no server for the name asked
	// (Python's DiscoveryError).
	ErrNotFound = errors.New("registry: no server found")
	// ErrListingDisabled means the registry refuses LIST, its default
	// (Python's ForbiddenError; start it with listing enabled).
	ErrListingDisabled = errors.New("registry: listing is disabled on the registry")
	// ErrRefused means the registry answered a REGISTER or UNREGISTER with
	// something other than "OK".
	ErrRefused = errors.New("registry: request refused")
	// ErrAllDown means ConnectByService found servers but could connect to
	// none of them.
	ErrAllDown = errors.New("registry: every server found is down")
	// ErrServerClosed is returned by Server's Serve methods after Close.
	ErrServerClosed = errors.New("registry: server closed")
)
