package raft

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Raft paper §7: "Each server takes snapshots independently, covering just
// the committed entries in its log." The log up to the snapshot is dropped;
// the snapshot's last index and term stay answerable ("to support the
// AppendEntries consistency check for the first log entry following the
// snapshot").
func TestCompact(t *testing.T) {
	tests := []struct {
		name    string
		first   uint64 // compact here first (0: no)
		index   uint64
		wantErr string
	}{
		{"at the applied index", 0, 4, ""},
		{"in the middle", 0, 2, ""},
		{"past the applied index", 0, 5, "only 4 is applied"},
		{"twice at one index", 3, 3, "already compacted to 3"},
		{"below an earlier snapshot", 3, 2, "already compacted to 3"},
		{"after an earlier snapshot", 2, 4, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := replicating(t, 3, nil)
			for range 3 {
				c.mustPropose(1, "x")
			}
			c.deliverAll()
			c.hold(msgFilter{}) // the 5th entry stays unapplied
			c.mustPropose(1, "y")
			if a := c.status(1).AppliedIndex; a != 4 {
				t.Fatalf("applied %d, want 4", a)
			}
			if tt.first != 0 {
				if err := c.do(1, func(n *Node) error { return n.Compact(c.now, tt.first, nil) }); err != nil {
					t.Fatal(err)
				}
			}
			term := c.node(1).LogTerm(tt.index)
			err := c.do(1, func(n *Node) error { return n.Compact(c.now, tt.index, []byte("image")) })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Compact(%d) = %v, want an error with %q", tt.index, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			s := c.status(1)
			if s.FirstIndex != tt.index+1 || s.SnapshotIndex != tt.index || s.SnapshotTerm != term || c.node(1).LogTerm(tt.index) != term {
				t.Fatalf("after Compact(%d): first %d, snapshot %d/%d", tt.index, s.FirstIndex, s.SnapshotIndex, s.SnapshotTerm)
			}
			if _, ok := c.node(1).Entry(tt.index); ok {
				t.Fatalf("entry %d is still in the log", tt.index)
			}
			d := c.tn(1).disk
			if d.snap == nil || d.snap.Index != tt.index || string(d.snap.Data) != "image" || !slices.Equal(d.snap.Conf.Voters, []NodeID{1, 2, 3}) {
				t.Fatalf("disk snapshot %+v", d.snap)
			}
			if len(d.ents) != int(s.LastIndex-tt.index) || d.ents[0].Index != tt.index+1 {
				t.Fatalf("disk keeps %d entries, want %d..%d", len(d.ents), tt.index+1, s.LastIndex)
			}
		})
	}
}

// Raft paper §7: "the leader must occasionally send snapshots to followers
// that lag behind. This happens when the leader has already discarded the
// next log entry that it needs to send to a follower." Seed §3: "the entry
// was compacted: a probe or append must give up (the follower needs a
// snapshot)".
func TestLeaderSendsSnapshot(t *testing.T) {
	c := replicating(t, 3, nil)
	c.crash(3)
	for i := range 10 {
		c.mustPropose(1, fmt.Sprint("x", i))
		c.deliverAll()
	}
	applied := c.status(1).AppliedIndex
	if err := c.do(1, func(n *Node) error { return n.Compact(c.now, applied, []byte("image")) }); err != nil {
		t.Fatal(err)
	}
	c.restart(3)
	c.advance(c.node(1).cfg.HeartbeatInterval)
	c.tick(1) // the block after the last error ran out: probe again
	r := c.replicator(1, 3)
	if r.State != StateSnapshot || len(r.Inflights) != 1 || r.Inflights[0].Type != RequestSnapshot || r.Inflights[0].StartIndex != applied+1 {
		t.Fatalf("replicator 3 = %+v, want Snapshot with InstallSnapshot of %d in flight", r, applied)
	}
	if snaps := c.count(msgFilter{from: 1, to: 3, typ: MsgSnap}); snaps != 1 {
		t.Fatalf("%d InstallSnapshot sent, want 1", snaps)
	}
	c.mustPropose(1, "after")
	c.deliverAll()
	c.advance(c.node(1).cfg.HeartbeatInterval)
	c.tick(1) // a heartbeat carries the new commit index
	c.deliverAll()
	r = c.replicator(1, 3)
	last := c.status(1).LastIndex
	if r.State != StateReplicate || r.MatchIndex != last {
		t.Fatalf("replicator 3 = %+v, want Replicate with match %d", r, last)
	}
	tn := c.tn(3)
	if tn.restored == nil || tn.restored.Index != applied || string(tn.restored.Data) != "image" {
		t.Fatalf("node 3 restored %+v, want the snapshot at %d", tn.restored, applied)
	}
	if len(tn.applied) != int(last-applied) || tn.applied[0].Index != applied+1 {
		t.Fatalf("node 3 applied %d entries after the snapshot, want %d..%d", len(tn.applied), applied+1, last)
	}
	if s := c.status(3); s.FirstIndex != applied+1 || s.CommitIndex != last {
		t.Fatalf("node 3: first %d commit %d, want %d and %d", s.FirstIndex, s.CommitIndex, applied+1, last)
	}
}

// Raft paper §7, InstallSnapshot receiver: "If existing log entry has same
// index and term as snapshot's last included entry, retain log entries
// following it and reply. Discard the entire log". A snapshot that is not
// ahead of the follower's commit index is stale and refused.
func TestInstallSnapshotFollower(t *testing.T) {
	tests := []struct {
		name     string
		log      []uint64
		commit   uint64
		snap     Snapshot
		wantOK   bool
		wantLast uint64
		wantLog  []uint64 // terms after the snapshot
	}{
		{"stale: at the commit index", []uint64{1, 1, 2, 2, 2}, 3, Snapshot{Index: 3, Term: 2}, false, 5, []uint64{1, 1, 2, 2, 2}},
		{"stale: below the commit index", []uint64{1, 1, 2, 2, 2}, 4, Snapshot{Index: 2, Term: 1}, false, 5, []uint64{1, 1, 2, 2, 2}},
		{"a prefix: the suffix stays", []uint64{1, 1, 2, 2, 2}, 1, Snapshot{Index: 3, Term: 2}, true, 5, []uint64{2, 2}},
		{"beyond the log: all of it goes", []uint64{1, 1}, 1, Snapshot{Index: 5, Term: 2}, true, 5, nil},
		{"conflicting at its index: all of it goes", []uint64{1, 1, 2, 2}, 1, Snapshot{Index: 3, Term: 3}, true, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newFollower(t, tt.commit, tt.log...)
			tt.snap.Conf = ConfigState{Voters: []NodeID{1, 2, 3}}
			tt.snap.Data = []byte("image")
			m := Message{Type: MsgSnap, From: 1, To: 2, Term: 3, Index: tt.snap.Index, LogTerm: tt.snap.Term, Snapshot: &tt.snap, Seq: 4, Version: 3}
			if err := n.Step(time.Millisecond, m); err != nil {
				t.Fatal(err)
			}
			rd := n.Ready()
			if len(rd.Messages) != 1 {
				t.Fatalf("sent %v, want one response", rd.Messages)
			}
			resp := rd.Messages[0]
			if resp.Type != MsgSnapResp || resp.Success != tt.wantOK || resp.LastLogIndex != tt.wantLast || resp.Seq != 4 || resp.Version != 3 {
				t.Fatalf("response %s, want success=%v last=%d echoing seq 4 v3", fmtMsg(resp), tt.wantOK, tt.wantLast)
			}
			if !tt.wantOK {
				if rd.Snapshot != nil || rd.RestoreSnapshot != nil || rd.LogFrom != 0 {
					t.Fatalf("a stale snapshot changed the node: %+v", rd)
				}
				return
			}
			if rd.Snapshot != &tt.snap || rd.RestoreSnapshot != &tt.snap || n.CommitIndex() != tt.snap.Index {
				t.Fatalf("Ready snapshot %v restore %v commit %d", rd.Snapshot, rd.RestoreSnapshot, n.CommitIndex())
			}
			var got []uint64
			for i := tt.snap.Index + 1; i <= n.LastIndex(); i++ {
				got = append(got, n.LogTerm(i))
			}
			if !slices.Equal(got, tt.wantLog) || n.LogTerm(tt.snap.Index) != tt.snap.Term {
				t.Fatalf("log after the snapshot %v, want %v", got, tt.wantLog)
			}
			// The disk ends up the same as the node.
			d := fakeDisk{hs: HardState{Term: 3}}
			for i, tm := range tt.log {
				d.ents = append(d.ents, Entry{Index: uint64(i + 1), Term: tm})
			}
			d.write(t, &rd)
			if d.snap != &tt.snap || d.lastIndex() != n.LastIndex() {
				t.Fatalf("disk log ends at %d, node's at %d", d.lastIndex(), n.LastIndex())
			}
		})
	}
}

// DESIGN: "A restart rebuilds a node from its durable state alone." With a
// snapshot on disk the state machine starts from it (Ready.RestoreSnapshot)
// and only the entries after it are applied again.
func TestRestartFromSnapshot(t *testing.T) {
	c := replicating(t, 3, nil)
	for i := range 5 {
		c.mustPropose(1, fmt.Sprint("x", i))
	}
	c.deliverAll()
	if err := c.do(1, func(n *Node) error { return n.Compact(c.now, 4, []byte("image@4")) }); err != nil {
		t.Fatal(err)
	}
	c.restart(1)
	tn := c.tn(1)
	s := c.status(1)
	if tn.restored == nil || tn.restored.Index != 4 || string(tn.restored.Data) != "image@4" || len(tn.applied) != 0 {
		t.Fatalf("after the restart: restored %+v, applied %d entries", tn.restored, len(tn.applied))
	}
	if s.FirstIndex != 5 || s.LastIndex != 6 || s.CommitIndex != 4 || s.AppliedIndex != 4 || s.Term != 1 || s.Vote != 1 {
		t.Fatalf("restarted status %+v", s)
	}
	c.elect(1)
	c.deliverAll()
	s = c.status(1)
	if s.CommitIndex != s.LastIndex || len(tn.applied) != int(s.LastIndex-4) || tn.applied[0].Index != 5 {
		t.Fatalf("after re-election: commit %d of %d, applied %d entries", s.CommitIndex, s.LastIndex, len(tn.applied))
	}
}
