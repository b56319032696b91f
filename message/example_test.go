package message_test

import (
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/message"
)

// The same GETROOT request in both layouts; Decode tells them apart.
func Example() {
	getRoot := message.Message{
		Type:    message.Request,
		Seq:     int64(0),
		Payload: brine.Tuple{int64(message.HandleGetRoot), brine.Tuple{int64(message.LabelValue), brine.Tuple{}}},
	}
	for _, layout := range []message.Layout{message.LayoutV5, message.LayoutV6} {
		data, _ := message.Encode(layout, getRoot)
		m, detected, _ := message.Decode(data, nil)
		fmt.Printf("%v %x -> %v %v #%v\n", layout, data, detected, m.Type, m.Seq)
	}
	// Output:
	// v5 1251501153115102 -> v5 REQUEST #0
	// v6 0111501153115102 -> v6 REQUEST #0
}
