package channel_test

import (
	"bytes"
	"fmt"
	"net"

	"github.com/rpyc-go/rpyc/channel"
)

// A frame round trip over an in-memory connection: one side sends a small
// message and a large compressible one, the other receives both.
func Example() {
	client, server := net.Pipe()
	tx := channel.New(client, nil) // nil Config: rpyc's defaults
	rx := channel.New(server, nil)
	defer tx.Close()
	defer rx.Close()

	go func() {
		tx.Send([]byte("hello"))
		tx.Send(bytes.Repeat([]byte("rpyc "), 1000)) // 5000 bytes > 3000: zlib
	}()

	for range 2 {
		msg, err := rx.Recv()
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Printf("%d bytes: %.10q\n", len(msg), msg)
	}
	// Output:
	// 5 bytes: "hello"
	// 5000 bytes: "rpyc rpyc "
}

// AppendFrame and ReadFrame work without a stream.
func ExampleAppendFrame() {
	frame, _ := channel.AppendFrame(nil, []byte("hi"), nil)
	fmt.Printf("% x\n", frame)
	msg, _ := channel.ReadFrame(bytes.NewReader(frame), nil)
	fmt.Printf("%s\n", msg)
	// Output:
	// 00 00 00 02 00 68 69 0a
	// hi
}
