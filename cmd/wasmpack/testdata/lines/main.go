// Program lines is run by TestNoLinesKeepsTheRuntimeWorking: it grows its
// stack, collects garbage with pointers on it, prints where it is and
// panics, so the test sees what -nolines changes and what it must not.
package main

import (
	"fmt"
	"runtime"
)

// node is a list cell, so that the collector has pointers to follow.
type node struct {
	// next is the rest of the list.
	next *node
	// v is the cell's value.
	v int
}

// deep recurses n times with a live pointer in every frame, which makes the
// runtime copy the stack (pcsp, stack maps) and, at the bottom, collect.
func deep(n int, l *node) int {
	if n == 0 {
		runtime.GC()
		s := 0
		for ; l != nil; l = l.next {
			s += l.v
		}
		return s
	}
	return deep(n-1, &node{next: l, v: n})
}

func main() {
	fmt.Println("sum", deep(10000, nil))
	_, file, line, ok := runtime.Caller(0)
	fmt.Println("caller", file, line, ok)
	boom()
}

func boom() { panic("boom") }
