package sim

import "slices"

// timers are the world's timers that are set again and again: each node's
// tick (timer i for node i+1) and each client's timer (timer
// len(nodes)+i for client i). A tournament tree over them keeps the
// earliest at its root, so finding it costs nothing and setting one
// compares log2(n) pairs: the event loop asks for the earliest before
// every event, and looking at every timer then was the loop's dearest
// step.
type timers struct {
	// slots[i] is timer i; seq 0 when not set.
	slots []timerSlot
	// win is the tree: win[size+i] is i for a leaf i < len(slots) and -1
	// past them; win[k] for 1 <= k < size is the earliest set timer of
	// win[2k] and win[2k+1] (either one when neither is set, -1 when both
	// are -1). size, len(win)/2, is a power of two at least len(slots).
	win []int32
}

// add appends an unset timer and returns its number.
func (t *timers) add() int {
	t.slots = append(t.slots, timerSlot{})
	if size := len(t.win) / 2; len(t.slots) > size {
		t.rebuild(max(4, 2*size))
	} else {
		t.win[size+len(t.slots)-1] = int32(len(t.slots) - 1)
	}
	return len(t.slots) - 1
}

// rebuild makes a tree of size leaves over slots.
func (t *timers) rebuild(size int) {
	t.win = make([]int32, 2*size)
	for i := range size {
		t.win[size+i] = -1
		if i < len(t.slots) {
			t.win[size+i] = int32(i)
		}
	}
	for k := size - 1; k >= 1; k-- {
		t.win[k] = t.better(t.win[2*k], t.win[2*k+1])
	}
}

// better returns whichever of timers a and b (-1: none) fires first, a
// set one before an unset one.
func (t *timers) better(a, b int32) int32 {
	switch {
	case a < 0 || t.slots[a].seq == 0:
		if b < 0 {
			return a
		}
		return b
	case b < 0 || t.slots[b].seq == 0:
		return a
	case t.slots[b].earlier(&t.slots[a]):
		return b
	}
	return a
}

// set sets timer i to s (s.seq 0: unset) and fixes the tree above it,
// up to the first node whose winner is neither i nor changed (the nodes
// above it depend on i no more than before).
func (t *timers) set(i int, s timerSlot) {
	t.slots[i] = s
	size := len(t.win) / 2
	for k := (size + i) / 2; k >= 1; k /= 2 {
		w := t.better(t.win[2*k], t.win[2*k+1])
		if w == t.win[k] && int(w) != i {
			return
		}
		t.win[k] = w
	}
}

// earliest returns the timer that fires first, if any is set.
func (t *timers) earliest() (int, bool) {
	if len(t.win) == 0 {
		return 0, false
	}
	i := t.win[1]
	return int(i), i >= 0 && t.slots[i].seq != 0
}

// clone returns a copy that shares nothing with t.
func (t *timers) clone() timers {
	return timers{slots: slices.Clone(t.slots), win: slices.Clone(t.win)}
}

// tickTimer is the number of node sn's tick.
func tickTimer(sn *simNode) int { return int(sn.id - 1) }

// clientTimer is the number of client i's timer.
func (w *World) clientTimer(i int) int { return len(w.nodes) + i }
