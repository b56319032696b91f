package vinegar_test

import (
	"errors"
	"fmt"

	"github.com/rpyc-go/rpyc/brine"
	"github.com/rpyc-go/rpyc/vinegar"
)

// A Go service raises ValueError; the exception crosses the wire and comes
// back as an error that Go code can test like a Python except clause.
func Example() {
	raised := vinegar.New("ValueError", "bad input").WithAttr("code", 42)

	wire, err := brine.Encode(vinegar.Dump(raised, vinegar.DumpOptions{
		IncludeTraceback: true,
		Traceback:        "Traceback (most recent call last):\n  ...\nValueError: bad input\n",
		IncludeVersion:   true,
		Version:          "6.0.1",
	}))
	if err != nil {
		panic(err)
	}

	payload, err := brine.Decode(wire)
	if err != nil {
		panic(err)
	}
	got := vinegar.Load(payload, vinegar.LoadOptions{LocalVersion: "6.0.1"})

	var exc *vinegar.Exception
	if errors.As(got, &exc) {
		code, _ := exc.Attr("code")
		fmt.Println(exc.Summary(), "| code:", code, "| peer:", exc.RemoteVersion)
	}
	fmt.Println(errors.Is(got, vinegar.ErrValueError), errors.Is(got, vinegar.ErrException), errors.Is(got, vinegar.ErrKeyError))
	fmt.Println(got)
	fmt.Printf("%+v\n", got)
	// Output:
	// ValueError: bad input | code: 42 | peer: 6.0.1
	// true true false
	// ValueError: bad input
	// ValueError: bad input
	//
	// ========= Remote Traceback (1) =========
	// Traceback (most recent call last):
	//   ...
	// ValueError: bad input
}
