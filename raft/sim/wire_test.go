package sim

import "testing"

// TestFifoMakeRoom: a fifo that shifts its items down to the front of its
// array keeps them in order and keeps no copy of a moved item past its end,
// where the copy would keep what the item references alive. Items leave as
// the fifo's users make them: references dropped, then popped.
func TestFifoMakeRoom(t *testing.T) {
	for _, size := range []int{2, 3, 4, 5, 7, 8, 16} {
		var f fifo[*int]
		f.buf = make([]*int, 0, size)
		vals := make([]int, 1000)
		first, next := 0, 0 // the items are vals[first:next]
		for step := range 600 {
			// Push a few, then pop a few, in lengths that vary.
			for range step%3 + 1 {
				if next == len(vals) {
					break
				}
				*f.pushSlot() = &vals[next]
				next++
			}
			for range step % 4 {
				if f.len() == 0 {
					break
				}
				*f.at(0) = nil
				f.popFront(1)
				first++
			}
			if f.len() != next-first {
				t.Fatalf("size %d, step %d: %d items, want %d", size, step, f.len(), next-first)
			}
			for i, p := range f.items() {
				if p != &vals[first+i] {
					t.Fatalf("size %d, step %d: item %d is not value %d", size, step, i, first+i)
				}
			}
			for i, p := range f.buf[len(f.buf):cap(f.buf)] {
				if p != nil {
					t.Fatalf("size %d, step %d: slot %d past the end still references a value", size, step, len(f.buf)+i)
				}
			}
		}
	}
}
