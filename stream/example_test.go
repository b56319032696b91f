package stream_test

import (
	"fmt"
	"io"

	"github.com/rpyc-go/rpyc/stream"
)

// ExampleMemPipe connects two in-memory ends and runs an echo server on one.
func ExampleMemPipe() {
	client, server := stream.MemPipe()

	done := make(chan struct{})
	go func() {
		defer close(done)
		defer server.Close()
		io.Copy(server, server) // echo until the client closes
	}()

	// The pipe is buffered, so this Write does not wait for the server.
	if _, err := client.Write([]byte("ping")); err != nil {
		fmt.Println(err)
		return
	}
	reply := make([]byte, 4)
	if _, err := io.ReadFull(client, reply); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(reply))

	client.Close()
	<-done
	fmt.Println("second close is an error:", client.Close() != nil)
	// Output:
	// ping
	// second close is an error: true
}
