// Package procgroup starts a child program in a process group of its own
// and kills the whole group, so a server a dialer or deployer started
// (and whatever that server started) goes when its connection does. The
// subprocess dialer of package rpyc and package classic share it.
package procgroup
