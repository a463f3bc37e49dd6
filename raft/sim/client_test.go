package sim

import (
	"testing"
	"time"
)

// TestAttemptsAtCounts: workload.attemptsAt counts the clients whose latest
// attempt went to each node, through crashes, redirects and seeks, so that
// waitsAt may skip a node no client went to.
func TestAttemptsAtCounts(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate, o.Keys = 10, 200, 10
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	check := func(w *World) {
		t.Helper()
		var want [MaxNodes + 1]int32
		for _, c := range w.workload.clients {
			if c.node != 0 {
				want[c.node]++
			}
		}
		if w.workload.attemptsAt != want {
			t.Fatalf("at %v: attemptsAt %v, clients' nodes count %v", w.Now(), w.workload.attemptsAt, want)
		}
	}
	for i := range 40 {
		w.RunFor(500 * time.Millisecond)
		check(w)
		if i%10 == 3 {
			if err := w.Crash(w.Leader()); err != nil {
				t.Fatal(err)
			}
		}
		if i%10 == 6 {
			for _, id := range NodeIDs(w) {
				if w.nodes[id-1].node == nil {
					if err := w.Restart(id); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	if _, err := w.Put(1, "k", "v"); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Second)
	check(w)
	past, err := w.Seek(w.Now() - 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	check(past)
	past.RunFor(time.Second)
	check(past)
	for _, w := range []*World{w, past} {
		if err := w.Violation(); err != nil {
			t.Fatal(err)
		}
	}
}
