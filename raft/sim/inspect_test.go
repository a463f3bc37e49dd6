package sim

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestLogAndEntryAtOfADownNode: a crashed node's log and entries are read
// from its disk (what it will restart with), the same as it had up.
func TestLogAndEntryAtOfADownNode(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	var idx uint64
	for i := range 3 {
		p, err := w.Propose([]byte{byte('a' + i)})
		if err != nil {
			t.Fatal(err)
		}
		idx = p.Index
	}
	w.RunFor(500 * time.Millisecond)
	f := lead%5 + 1
	up, err := w.Log(f)
	if err != nil || len(up) == 0 {
		t.Fatalf("the log of node %d: %v %v", f, up, err)
	}
	term, compacted, committed, err := w.EntryAt(f, idx)
	if err != nil || term == 0 || compacted || !committed {
		t.Fatalf("EntryAt(%d, %d) up: term %d compacted %v committed %v %v", f, idx, term, compacted, committed, err)
	}
	if err := w.Crash(f); err != nil {
		t.Fatal(err)
	}
	down, err := w.Log(f)
	if err != nil || len(down) != len(up) || down[len(down)-1] != up[len(up)-1] {
		t.Fatalf("the log of node %d down: %v, up it was %v (%v)", f, down, up, err)
	}
	if dt, dc, dcom, err := w.EntryAt(f, idx); err != nil || dt != term || dc || dcom {
		t.Errorf("EntryAt(%d, %d) down: term %d compacted %v committed %v %v", f, idx, dt, dc, dcom, err)
	}
	if dt, _, _, _ := w.EntryAt(f, idx+100); dt != 0 {
		t.Errorf("EntryAt beyond the log: term %d", dt)
	}
	if _, _, _, err := w.EntryAt(raft.NodeID(9), 1); err == nil {
		t.Error("EntryAt of a node that does not exist")
	}
}
