//go:build !unix

package main

import "math"

// selfCPU is unknown (NaN) where getrusage does not exist (Windows); the
// report leaves the CPU columns empty.
func selfCPU() float64 { return math.NaN() }
