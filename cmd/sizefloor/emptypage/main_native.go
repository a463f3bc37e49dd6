//go:build !(js && wasm)

package main

// Natively this package only builds, so that `go build ./...` and
// `go vet ./...` cover it.

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "emptypage: a WebAssembly program; cmd/sizefloor builds it")
	os.Exit(2)
}
