package sim

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestQueueOrder checks that the event queue pops events in (at, seq) order
// in both of its shapes and across the changes between them: pushes and
// pops interleaved so that its length climbs past queueSortedMax, falls
// below queueSortedMin and climbs again, against a plain sorted list.
func TestQueueOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	w := &World{}
	var want []event // what the queue holds, earliest first
	pop := func() {
		ev, from, _, ok := w.next()
		if !ok || from != fromHeap {
			t.Fatalf("queue of %d events: next found none", len(want))
		}
		if ev != want[0] {
			t.Fatalf("queue of %d events (heap %v) popped %+v, want %+v", len(want), w.queueHeap, ev, want[0])
		}
		w.take(from, 0)
		want = want[1:]
		w.now = ev.at
	}
	heapSeen, sortedAgain := false, false
	for round := range 6 {
		// Climb to 3*queueSortedMax events, then drain to a few.
		for len(want) < 3*queueSortedMax {
			// Mostly a link latency from now, sometimes far later, and
			// sometimes at the same time as another (ties go by seq).
			at := w.now + time.Duration(10+r.IntN(6))*time.Millisecond
			switch r.IntN(10) {
			case 0:
				at = w.now + time.Duration(r.IntN(5))*time.Second
			case 1:
				if len(want) > 0 {
					at = want[r.IntN(len(want))].at
				}
			}
			w.schedule(event{at: at, kind: evDeliver, id: uint64(round)})
			ev := event{at: at, seq: w.seq, kind: evDeliver, id: uint64(round)}
			i, _ := slices.BinarySearchFunc(want, ev, func(a, b event) int {
				if a.before(&b) {
					return -1
				}
				return 1
			})
			want = slices.Insert(want, i, ev)
			if r.IntN(3) == 0 {
				pop()
			}
		}
		heapSeen = heapSeen || w.queueHeap
		for len(want) > 3 {
			pop()
		}
		sortedAgain = sortedAgain || (heapSeen && !w.queueHeap)
	}
	for len(want) > 0 {
		pop()
	}
	if _, _, _, ok := w.next(); ok {
		t.Fatal("the queue still holds an event after every event was popped")
	}
	if !heapSeen || !sortedAgain {
		t.Fatalf("the queue never became a heap (%v) or never sorted again (%v)", heapSeen, sortedAgain)
	}
}
