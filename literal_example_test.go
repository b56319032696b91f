package rpyc_test

import (
	"fmt"

	"github.com/rpyc-go/rpyc"
)

// ParseLiteral reads arguments as a Python user writes them, as the rpyc
// command does for `rpyc call HOST METHOD ARGS...`.
func ExampleParseLiteral() {
	for _, s := range []string{"12", "-2.5", `"it's"`, "b'\\x00'", "[1, (2, 'x')]", "{'k': None}", "2**8"} {
		v, err := rpyc.ParseLiteral(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%T %v\n", v, v)
	}
	// Output:
	// int64 12
	// float64 -2.5
	// string it's
	// []uint8 [0]
	// []interface {} [1 (2, 'x')]
	// map[interface {}]interface {} map[k:<nil>]
	// error: rpyc: "2**8" is not a Python literal (write 'text' with quotes, 12, 1.5, [1, 2], {'k': 1}, True, None): not a plain-data literal
}
