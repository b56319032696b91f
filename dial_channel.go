package rpyc

import "github.com/rpyc-go/rpyc/channel"

// ConnectChannel makes a client connection over a channel the caller
// framed itself (Python's connect_channel), for custom channel settings
// such as limits or compression, and starts it. The message layout is
// Config.Layout (6.x when zero): a channel cannot be reopened to learn it.
// The connection takes over the channel's OnWriteError.
func ConnectChannel(ch *channel.Channel, service any, cfg *Config) (*Conn, error) {
	c, err := NewConnChannel(ch, service, cfg)
	if err != nil {
		if ch != nil {
			_ = ch.Close()
		}
		return nil, err
	}
	c.connected()
	c.Start()
	return c, nil
}
