package brine_test

import (
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
)

// Encode gives exactly the bytes Python's brine.dump gives; Decode reads
// them back into Go values.
func Example() {
	data, _ := brine.Encode(brine.Tuple{int64(1), "héllo", []byte{0xff}, nil, 2.5})
	fmt.Printf("%x\n", data)
	v, _ := brine.Decode(data)
	fmt.Println(brine.Repr(v))
	_, err := brine.Decode(data[:5])
	fmt.Println(err)
	// Output:
	// 140551080e0668c3a96c6c6f0aff00184004000000000000
	// (1, 'héllo', b'\xff', None, 2.5)
	// brine: offset 2: truncated tuple: 5 items declared, 3 bytes left
}
