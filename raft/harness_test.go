package raft

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// This file is the in-memory test harness: N nodes, a message queue the test
// controls, a fake disk per node and a manual clock. Every call into a node
// goes through cluster.do, which then carries out the node's Ready in the
// documented order (persist, send, apply, Advance) and writes what happened
// to a plain-text trace. Scenario scripts print that trace; table tests read
// state directly and show the trace only when they fail.
//
// The harness is four files: this one (the cluster, its nodes and the
// checks it makes after every step), harness_network_test.go (the message
// queue and its filters), harness_actions_test.go (what a test does to the
// cluster) and harness_format_test.go (how the trace prints).

// fakeDisk is a node's durable storage. Writes are synced at once.
type fakeDisk struct {
	hs   HardState
	snap *Snapshot
	ents []Entry
}

// firstIndex is the index the durable log starts at.
func (d *fakeDisk) firstIndex() uint64 {
	if d.snap != nil {
		return d.snap.Index + 1
	}
	return 1
}

func (d *fakeDisk) lastIndex() uint64 { return d.firstIndex() + uint64(len(d.ents)) - 1 }

// write persists a Ready as its documentation asks: HardState, then the
// snapshot, then the log change.
func (d *fakeDisk) write(t testing.TB, rd *Ready) {
	t.Helper()
	if rd.HardState != nil {
		d.hs = *rd.HardState
	}
	if s := rd.Snapshot; s != nil {
		// Entries after the snapshot survive only if the log holds the
		// snapshot's last entry.
		var keep []Entry
		for i, e := range d.ents {
			if e.Index == s.Index && e.Term == s.Term {
				keep = slices.Clone(d.ents[i+1:])
			}
		}
		d.snap, d.ents = s, keep
	}
	if rd.LogFrom == 0 {
		if len(rd.Entries) > 0 {
			t.Fatalf("Ready has %d entries but no LogFrom", len(rd.Entries))
		}
		return
	}
	first := d.firstIndex()
	if rd.LogFrom < first || rd.LogFrom > d.lastIndex()+1 {
		t.Fatalf("Ready.LogFrom=%d outside the durable log [%d, %d]+1", rd.LogFrom, first, d.lastIndex())
	}
	for i, e := range rd.Entries {
		if e.Index != rd.LogFrom+uint64(i) {
			t.Fatalf("Ready.Entries[%d] has index %d, want %d", i, e.Index, rd.LogFrom+uint64(i))
		}
	}
	keep := int(rd.LogFrom - first)
	d.ents = append(d.ents[:keep:keep], rd.Entries...)
}

// durable is what a restarted node is built from.
func (d *fakeDisk) durable() DurableState {
	return DurableState{HardState: d.hs, Snapshot: d.snap, Entries: slices.Clone(d.ents)}
}

// tnode is one node slot of the cluster.
type tnode struct {
	id  NodeID
	cfg Config
	// n is nil while the node is crashed.
	n    *Node
	disk fakeDisk
	// applied is what this incarnation's state machine applied, in order;
	// restored is the snapshot it last loaded.
	applied  []Entry
	restored *Snapshot
	// reads are the read states handed out, in order.
	reads []ReadState
}

// cluster is the harness: nodes 1..N, one queue of messages in flight in
// send order, and a clock that moves only when the test says so.
type cluster struct {
	t     testing.TB
	now   time.Duration
	nodes []*tnode // nodes[i] has id i+1
	// queue holds messages sent and not yet delivered or dropped, oldest first.
	queue []Message
	// holds keep matching messages in the queue: deliver skips them.
	holds []msgFilter
	// cuts drop matching messages as they are sent (a cut link).
	cuts []msgFilter
	// configure adjusts every node's Config (for all nodes, also new ones).
	configure func(*Config)
	// out is the trace; indent prefixes lines written while delivering.
	out    strings.Builder
	indent string
	// checkDisk compares each node's disk with its log after every Ready.
	checkDisk bool
}

// newCluster starts size nodes with empty disks at time zero; configure, if
// not nil, adjusts each node's Config.
func newCluster(t testing.TB, size int, configure func(*Config)) *cluster {
	t.Helper()
	c := &cluster{t: t, configure: configure, checkDisk: true}
	peers := make([]NodeID, size)
	for i := range peers {
		peers[i] = NodeID(i + 1)
	}
	for _, id := range peers {
		c.addNode(id, peers)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("trace:\n%s", c.out.String())
		}
	})
	return c
}

// addNode adds node id with an empty disk. peers is its Config.Peers: the
// whole cluster for a founding node, nil for a node that joins later and
// learns its configuration from the log.
func (c *cluster) addNode(id NodeID, peers []NodeID) {
	c.t.Helper()
	if int(id) != len(c.nodes)+1 {
		c.t.Fatalf("add node %d: the next id is %d", id, len(c.nodes)+1)
	}
	cfg := DefaultConfig(id, peers)
	if c.configure != nil {
		c.configure(&cfg)
	}
	tn := &tnode{id: id, cfg: cfg}
	c.nodes = append(c.nodes, tn)
	c.start(tn)
}

func (c *cluster) start(tn *tnode) {
	c.t.Helper()
	n, err := NewNode(c.now, tn.cfg, tn.disk.durable())
	if err != nil {
		c.t.Fatalf("start node %d: %v", tn.id, err)
	}
	tn.n, tn.applied, tn.restored, tn.reads = n, nil, nil, nil
	c.process(tn, n.Status())
}

func (c *cluster) tn(id NodeID) *tnode {
	c.t.Helper()
	if id < 1 || int(id) > len(c.nodes) {
		c.t.Fatalf("no node %d", id)
	}
	return c.nodes[id-1]
}

// node returns the running node id; the test fails if it is down.
func (c *cluster) node(id NodeID) *Node {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n == nil {
		c.t.Fatalf("node %d is down", id)
	}
	return tn.n
}

func (c *cluster) status(id NodeID) Status { c.t.Helper(); return c.node(id).Status() }

// replicator returns the status of the leader's replicator for peer.
func (c *cluster) replicator(leader, peer NodeID) ReplicatorStatus {
	c.t.Helper()
	for _, r := range c.status(leader).Replicators {
		if r.Peer == peer {
			return r
		}
	}
	c.t.Fatalf("node %d has no replicator for %d", leader, peer)
	return ReplicatorStatus{}
}

func (c *cluster) logf(format string, args ...any) {
	c.out.WriteString(c.indent)
	fmt.Fprintf(&c.out, format, args...)
	c.out.WriteByte('\n')
}

// takeTrace returns the trace written since the last call.
func (c *cluster) takeTrace() string {
	s := c.out.String()
	c.out.Reset()
	return s
}

// do runs f on node id at the current time, then carries out its Ready.
func (c *cluster) do(id NodeID, f func(n *Node) error) error {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n == nil {
		return fmt.Errorf("node %d is down", id)
	}
	before := tn.n.Status()
	err := f(tn.n)
	c.process(tn, before)
	return err
}

// process carries out every Ready of tn in order: persist, send, apply,
// Advance; and writes what changed since before to the trace.
func (c *cluster) process(tn *tnode, before Status) {
	c.t.Helper()
	n := tn.n
	c.traceRole(tn.id, before, n.Status())
	for n.HasReady() {
		last := n.Status()
		rd := n.Ready()
		// 1. Persist.
		tn.disk.write(c.t, &rd)
		if rd.HardState != nil {
			c.logf("%d: persist term=%d vote=%d", tn.id, rd.HardState.Term, rd.HardState.Vote)
		}
		if s := rd.Snapshot; s != nil {
			c.logf("%d: persist snapshot %d/%d", tn.id, s.Index, s.Term)
		}
		if rd.LogFrom != 0 {
			c.logf("%d: persist log from %d: [%s]", tn.id, rd.LogFrom, fmtEntries(rd.Entries))
		}
		if c.checkDisk {
			c.checkDurable(tn)
		}
		// 2. Send.
		for _, m := range rd.Messages {
			c.send(m)
		}
		// 3. Apply.
		if s := rd.RestoreSnapshot; s != nil {
			tn.restored, tn.applied = s, nil
			c.logf("%d: restore snapshot %d/%d", tn.id, s.Index, s.Term)
		}
		if len(rd.Committed) > 0 {
			first, lastE := rd.Committed[0].Index, rd.Committed[len(rd.Committed)-1].Index
			if prev := appliedIndex(tn); first != prev+1 {
				c.t.Fatalf("node %d applies %d after %d", tn.id, first, prev)
			}
			tn.applied = append(tn.applied, rd.Committed...)
			c.logf("%d: apply %d..%d", tn.id, first, lastE)
		}
		for _, rs := range rd.ReadStates {
			tn.reads = append(tn.reads, rs)
			if rs.Err != "" {
				c.logf("%d: read id=%d error: %s", tn.id, rs.ID, rs.Err)
			} else {
				c.logf("%d: read id=%d index=%d", tn.id, rs.ID, rs.Index)
			}
		}
		// 4. Advance.
		n.Advance(c.now)
		c.traceRole(tn.id, last, n.Status())
	}
	c.checkReplicators(tn)
}

// checkReplicators checks the invariants of a leader's replicators that
// the seed's design relies on.
func (c *cluster) checkReplicators(tn *tnode) {
	c.t.Helper()
	s := tn.n.Status()
	for _, r := range s.Replicators {
		fail := func(format string, args ...any) {
			c.t.Helper()
			c.t.Fatalf("node %d, replicator %d: %s\n%s", tn.id, r.Peer, fmt.Sprintf(format, args...), fmtStatus(s))
		}
		if r.MatchIndex >= r.NextIndex || r.NextIndex > s.LastIndex+1 {
			fail("want matchIndex < nextIndex <= lastIndex+1")
		}
		if len(r.Inflights) > tn.cfg.MaxInflight || len(r.PendingResponses) > tn.cfg.MaxInflight {
			fail("more than MaxInflight=%d in flight or waiting", tn.cfg.MaxInflight)
		}
		if r.RequiredNextSeq > r.Seq {
			fail("requiredNextSeq beyond seq")
		}
		next, seq := r.NextIndex, r.RequiredNextSeq
		for _, in := range r.Inflights {
			if in.Seq < seq || in.Seq >= r.Seq {
				fail("in-flight seq %d outside [%d, %d)", in.Seq, seq, r.Seq)
			}
			seq = in.Seq + 1
			if in.Type == RequestSnapshot {
				continue
			}
			if in.StartIndex != next || in.StartIndex+uint64(in.Count) > s.LastIndex+1 {
				fail("in-flight %+v does not continue at %d", in, next)
			}
			next += uint64(in.Count)
		}
	}
}

// appliedIndex is the last index tn's state machine holds.
func appliedIndex(tn *tnode) uint64 {
	if len(tn.applied) > 0 {
		return tn.applied[len(tn.applied)-1].Index
	}
	if tn.restored != nil {
		return tn.restored.Index
	}
	return 0
}

// traceRole writes role, term and commit changes between two statuses.
func (c *cluster) traceRole(id NodeID, a, b Status) {
	if a.Role != b.Role || a.Term != b.Term {
		c.logf("%d: %s term=%d -> %s term=%d", id, a.Role, a.Term, b.Role, b.Term)
	}
	if a.CommitIndex != b.CommitIndex {
		c.logf("%d: commit=%d", id, b.CommitIndex)
	}
}

// checkDurable checks that right after a Ready is persisted, the disk holds
// exactly the node's term, vote and log: nothing a message may depend on is
// missing.
func (c *cluster) checkDurable(tn *tnode) {
	c.t.Helper()
	s := tn.n.Status()
	d := &tn.disk
	if d.hs.Term != s.Term || d.hs.Vote != s.Vote {
		c.t.Fatalf("node %d: disk has term=%d vote=%d, node has term=%d vote=%d", tn.id, d.hs.Term, d.hs.Vote, s.Term, s.Vote)
	}
	snap := uint64(0)
	if d.snap != nil {
		snap = d.snap.Index
	}
	if snap != s.SnapshotIndex || d.lastIndex() != s.LastIndex {
		c.t.Fatalf("node %d: disk log (%d, %d], node log (%d, %d]", tn.id, snap, d.lastIndex(), s.SnapshotIndex, s.LastIndex)
	}
	for _, e := range d.ents {
		if got := tn.n.LogTerm(e.Index); got != e.Term {
			c.t.Fatalf("node %d: disk has %d/%d, node has term %d there", tn.id, e.Index, e.Term, got)
		}
	}
}
