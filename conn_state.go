package rpyc

// InFlight returns how many of the peer's requests this side is serving
// or has parked waiting for a slot. A server's graceful shutdown closes
// connections at zero at once and waits for the others.
func (c *Conn) InFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active + len(c.parked)
}

// Credentials returns what the server's authenticator recorded for this
// connection (Config.Credentials): for TLS, the verified client
// certificate chain; nil when there was no authenticator.
func (c *Conn) Credentials() any { return c.cfg.Credentials }

// CloseWhenIdle closes the connection as soon as it serves no request
// (at once if it serves none now). Requests that arrive before then are
// served. It is how a server drains a connection on graceful shutdown
// without cutting a call short.
func (c *Conn) CloseWhenIdle() {
	c.mu.Lock()
	c.drain = true
	closeNow := c.idle() && !c.closing
	c.mu.Unlock()
	if closeNow {
		go c.Close()
	}
}
