package sim

import (
	"slices"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// TestSegmentsJoinSlicesOfOneArray: slices handed out one after another
// from one array (a chunk of a node's log) become one segment, so a disk
// costs a table entry per chunk, not per Ready; slices from elsewhere stay
// apart; truncating and dropping keep the order and never write an entry.
func TestSegmentsJoinSlicesOfOneArray(t *testing.T) {
	log := make([]raft.Entry, 100)
	for i := range log {
		log[i] = raft.Entry{Index: uint64(i + 1), Term: 1}
	}
	var s segments
	s.append(log[0:3])
	s.append(log[3:4])
	s.append(log[4:10])
	if len(s.segs) != 1 || s.len() != 10 {
		t.Fatalf("three consecutive slices of one array: %d segments, %d entries; want 1 and 10", len(s.segs), s.len())
	}
	other := []raft.Entry{{Index: 11, Term: 2}, {Index: 12, Term: 2}}
	s.append(other)
	s.append(log[12:14]) // follows the first array, not the last segment
	if len(s.segs) != 3 {
		t.Fatalf("%d segments, want 3", len(s.segs))
	}
	s.truncate(11)
	s.dropFront(2)
	want := append(slices.Clone(log[2:10]), other[0])
	sameEntry := func(a, b raft.Entry) bool { return a.Index == b.Index && a.Term == b.Term }
	if got := s.appendTo(nil); !slices.EqualFunc(got, want, sameEntry) {
		t.Fatalf("entries %v, want %v", got, want)
	}
	if s.at(8).Term != 2 || s.at(0).Index != 3 {
		t.Fatalf("at(0) = %+v, at(8) = %+v", *s.at(0), *s.at(8))
	}
	c := s.clone()
	s.truncate(0)
	if c.len() != 9 || c.at(8).Index != 11 {
		t.Fatalf("truncating the original changed its clone: %d entries", c.len())
	}
	for i, e := range log {
		if e.Index != uint64(i+1) || e.Term != 1 {
			t.Fatalf("entry %d of the array was written: %+v", i, e)
		}
	}
}
