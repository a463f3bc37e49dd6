package sim

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// storedContent is, as JSON, everything a world keeps in storage that its
// clones share (package chunk and segments): each node's log, disk and
// recent entries, the client history and the checker's committed log.
func storedContent(t *testing.T, w *World) string {
	t.Helper()
	type nodeContent struct {
		Log, Disk, Recent []raft.Entry
	}
	var nodes []nodeContent
	for _, sn := range w.nodes {
		var nc nodeContent
		if n := sn.node; n != nil {
			for i := n.Status().FirstIndex; i <= n.LastIndex(); i++ {
				e, _ := n.Entry(i)
				nc.Log = append(nc.Log, e)
			}
		}
		nc.Disk = sn.disk.durable().Entries
		nc.Recent = sn.recent.appendTo(nil)
		nodes = append(nodes, nc)
	}
	b, err := json.Marshal(struct {
		Nodes     []nodeContent
		History   []HistoryOp
		Committed []raft.Entry
	}{nodes, w.History(), w.checker.committed.AppendTo(nil, 0, w.checker.committed.Len())})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestClonesShareNoWrites: a world and its clone (a checkpoint, or the
// world a seek returns) share their logs, disks, history and committed
// entries chunk by chunk, and neither ever sees the other's writes: not
// appends, not the truncation of a divergent tail (§5.3: a follower drops
// entries that conflict with the leader's), not compaction (§7). An old
// leader is cut off with a tail no one else has, the world is cloned, and
// each side in turn runs on differently while the other stands still.
func TestClonesShareNoWrites(t *testing.T) {
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate, o.SnapshotEvery = 3, 10, 300, 200
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)
	old := w.Leader()
	if old == raft.None {
		t.Fatal("no leader after 3s")
	}
	if err := w.Isolate(old); err != nil {
		t.Fatal(err)
	}
	// Proposals the cut-off leader appends and can never commit.
	for i := range 3 {
		if _, err := w.ProposeTo(old, []byte{'x', byte('0' + i)}); err != nil {
			t.Fatal(err)
		}
	}
	w.RunFor(1500 * time.Millisecond)
	on := w.nodes[old-1].node
	tail, tailTerm := on.LastIndex(), on.LogTerm(on.LastIndex())
	first := w.nodes[old%5].node.Status().FirstIndex

	c := w.clone()
	frozen := storedContent(t, c)

	// The original heals: the old leader truncates its tail, everyone
	// appends and compacts.
	w.HealAll()
	truncated(t, w, old, tail, tailTerm)
	w.RunFor(5 * time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	if w.nodes[old%5].node.Status().FirstIndex <= first {
		t.Fatal("no compaction happened")
	}
	if storedContent(t, c) != frozen {
		t.Fatal("the original's writes changed its clone")
	}

	// Now the clone runs on otherwise (another crash, other commands)
	// while the original stands still.
	done := storedContent(t, w)
	lead := c.Leader()
	if err := c.Crash(lead%5 + 1); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := c.ProposeTo(lead, []byte{'f', byte('0' + i)}); err != nil {
			t.Fatal(err)
		}
	}
	c.HealAll()
	truncated(t, c, old, tail, tailTerm)
	c.RunFor(5 * time.Second)
	if err := c.Violation(); err != nil {
		t.Fatal(err)
	}
	forked := storedContent(t, c)
	if forked == frozen || forked == done {
		t.Fatal("the clone did not run on differently")
	}
	if storedContent(t, w) != done {
		t.Fatal("the clone's writes changed the original")
	}
}

// truncated runs w until node id's entry at index no longer has term, and
// fails unless it went by a truncation (the entries before it kept), not
// by a snapshot.
func truncated(t *testing.T, w *World, id raft.NodeID, index, term uint64) {
	t.Helper()
	for end := w.now + 3*time.Second; w.now < end; w.RunFor(5 * time.Millisecond) {
		n := w.nodes[id-1].node
		if n.LogTerm(index) == term {
			continue
		}
		if first := n.Status().FirstIndex; first > index {
			t.Fatalf("node %d replaced its cut-off tail %d/%d by a snapshot to %d, not a truncation", id, index, term, first-1)
		}
		return
	}
	t.Fatalf("node %d kept its cut-off tail %d/%d", id, index, term)
}
