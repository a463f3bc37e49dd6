//go:build !(js && wasm)

package main

// This package is a WebAssembly program; natively it only builds so that
// `go build ./...` and `go vet ./...` cover it and the registry's tests run.

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "wasm: this is the playground's WebAssembly program; build it with ./build.sh (GOOS=js GOARCH=wasm)")
	os.Exit(2)
}
