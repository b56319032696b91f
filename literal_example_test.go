package rpyc_test

import (
	"fmt"

	"github.com/rpyc-go/rpyc"
)

// ParseLiteral reads arguments as a Python user writes them (what
// ast.literal_eval accepts), as the rpyc command does for
// `rpyc call HOST METHOD ARGS...`.
func ExampleParseLiteral() {
	for _, s := range []string{"12", "-0x10", "1_000", "1e400", "1+2j", `"it's"`, `r'\d'`, "'a' 'b'",
		"b'\\x00'", "[1, (2, 'x')]", "{'k': None}", "{3, 1}", "2**8"} {
		v, err := rpyc.ParseLiteral(s)
		if err != nil {
			fmt.Println("error:", err)
			continue
		}
		fmt.Printf("%T %v\n", v, v)
	}
	// Output:
	// int64 12
	// int64 -16
	// int64 1000
	// float64 +Inf
	// complex128 (1+2i)
	// string it's
	// string \d
	// string ab
	// []uint8 [0]
	// []interface {} [1 (2, 'x')]
	// map[interface {}]interface {} map[k:<nil>]
	// brine.FrozenSet frozenset({3, 1})
	// error: rpyc: "2**8" is not a Python literal: unexpected '*' after the value (column 2)
}
