module github.com/rpyc-go/rpyc

go 1.26.8

require (
	github.com/klauspost/compress v1.20.4
	go.uber.org/goleak v1.3.0
)
