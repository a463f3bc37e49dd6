package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// TestSeenEntriesActsAsAMap: the checker's record of uncommitted entries
// answers exactly as the map it stands for, through records, replacements,
// commits (which move its window on) and clones, with several terms at
// one index and entries left below the committed end.
func TestSeenEntriesActsAsAMap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var s seenEntries
	ref := map[entryID]seenEntry{}
	var end uint64 // the committed end
	var clones []seenEntries
	var refs []map[entryID]seenEntry
	check := func(s *seenEntries, ref map[entryID]seenEntry, step int) {
		t.Helper()
		for index := uint64(0); index <= end+40; index++ {
			for term := uint64(1); term <= 3; term++ {
				id := entryID{index, term}
				got, ok := s.get(id)
				want, wok := ref[id]
				if ok != wok || !reflect.DeepEqual(got, want) {
					t.Fatalf("step %d: get(%v) = %+v, %v; want %+v, %v", step, id, got, ok, want, wok)
				}
			}
		}
	}
	for step := range 1500 {
		id := entryID{end - min(end, uint64(r.IntN(4))) + uint64(r.IntN(30)), uint64(r.IntN(3) + 1)}
		switch op := r.IntN(10); {
		case op < 5:
			e := seenEntry{entry: raft.Entry{Index: id.index, Term: id.term}, prevTerm: uint64(step), node: raft.NodeID(r.IntN(5) + 1)}
			s.set(id, e, end)
			ref[id] = e
		case op < 7:
			s.forget(id)
			delete(ref, id)
		case op < 9:
			// A commit of the next index, in some term: its record goes,
			// the others at that index stay.
			k := entryID{end + 1, uint64(r.IntN(3) + 1)}
			s.forget(k)
			delete(ref, k)
			end++
			s.committed(end)
		default:
			clones = append(clones, s.clone())
			c := map[entryID]seenEntry{}
			for k, v := range ref {
				c[k] = v
			}
			refs = append(refs, c)
		}
		check(&s, ref, step)
	}
	if len(clones) < 50 || end < 150 {
		t.Fatalf("only %d clones and %d commits: the test exercises too little", len(clones), end)
	}
	for i := range clones {
		check(&clones[i], refs[i], -i)
	}
}
