package sim

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Frame is what a page reads of the world at every animation frame: the
// time, the leader, each node's raft.Brief and the links that are down.
// It is Status without what a frame does not draw (the messages in
// flight, the cores' lists of replicators, votes and ballots, the
// violation's text), so that FrameInto copies fields and nothing else.
type Frame struct {
	Now    time.Duration
	Leader raft.NodeID
	// Nodes are the nodes in id order.
	Nodes []FrameNode
	// Cut lists the links that are down.
	Cut []Link
}

// FrameNode is one node of a Frame: its core's Brief when up; when down,
// what its disk holds (ID, Term, Vote, FirstIndex, LastIndex, StableIndex
// = LastIndex and SnapshotIndex), as Status shows a node that is down.
type FrameNode struct {
	raft.Brief
	Up bool
}

// FrameInto fills f with the world now, reusing f's slices: once they have
// grown to the world's size it allocates nothing, and it formats nothing.
func (w *World) FrameInto(f *Frame) {
	f.Now, f.Leader = w.now, w.Leader()
	f.Nodes, f.Cut = f.Nodes[:0], f.Cut[:0]
	for _, sn := range w.nodes {
		f.Nodes = append(f.Nodes, sn.frameNode())
	}
	for i, row := range w.links {
		for j, l := range row {
			if i != j && !l.up {
				f.Cut = append(f.Cut, Link{From: raft.NodeID(i + 1), To: raft.NodeID(j + 1)})
			}
		}
	}
}

// frameNode is the node's FrameNode.
func (sn *simNode) frameNode() FrameNode {
	if sn.node != nil {
		return FrameNode{Brief: sn.node.Brief(), Up: true}
	}
	d := &sn.disk
	b := raft.Brief{ID: sn.id, Term: d.state.Term, Vote: d.state.Vote, FirstIndex: d.firstIndex(), LastIndex: d.lastIndex()}
	b.StableIndex = b.LastIndex
	if s := d.state.Snapshot; s != nil {
		b.SnapshotIndex = s.Index
	}
	return FrameNode{Brief: b}
}

// MessageRecords is how many message records the world keeps (the last
// msgKeep): MessageRecord(0) is the oldest, MessageRecord(n-1) the newest.
// With MessageRecord, it reads what MessageLog copies, in place.
func (w *World) MessageRecords() int { return int(w.hist.held()) }

// MessageRecord returns message record i of MessageRecords, oldest first.
// The record is the world's own: read it, do not keep the pointer past the
// world's next step (the ring reuses it).
func (w *World) MessageRecord(i int) *MsgRecord {
	h := &w.hist
	return h.at(h.nmsgs - h.held() + uint64(i))
}
