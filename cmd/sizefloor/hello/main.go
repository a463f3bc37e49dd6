// Command hello is the smallest Go WebAssembly program that does anything:
// cmd/sizefloor measures it as the Go runtime's share of the page's size.
package main

func main() { println("hello") }
