package raft

import (
	"testing"
)

// The log must not share memory with the caller's buffer: a caller that
// reuses it after Propose (as a network server reading into one buffer
// does) would otherwise rewrite an entry already in the log, and maybe
// already acknowledged by followers.
func TestProposeKeepsItsOwnCopyOfTheData(t *testing.T) {
	n, err := NewNode(0, DefaultConfig(1, []NodeID{1}), DurableState{})
	if err != nil {
		t.Fatal(err)
	}
	n.Tick(n.Deadline()) // a lone voter elects itself
	if n.Role() != Leader {
		t.Fatalf("role %v after its election timeout, want leader", n.Role())
	}
	buf := []byte("set x=1")
	index, _, err := n.Propose(n.Deadline(), buf)
	if err != nil {
		t.Fatal(err)
	}
	copy(buf, "set x=2")
	e, ok := n.Entry(index)
	if !ok || string(e.Data) != "set x=1" {
		t.Fatalf("entry %d holds %q (found %v) after the caller reused its buffer, want %q", index, e.Data, ok, "set x=1")
	}
}
