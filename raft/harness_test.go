package raft

import (
	"fmt"
	"slices"
	"strconv"
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

// msgFilter picks messages; zero fields match anything.
type msgFilter struct {
	from, to NodeID
	typ      MsgType
	seq      uint64
	// heartbeat: 1 only heartbeats, -1 no heartbeats.
	heartbeat int
}

func (f msgFilter) match(m Message) bool {
	switch {
	case f.from != None && m.From != f.from,
		f.to != None && m.To != f.to,
		f.typ != MsgInvalid && m.Type != f.typ,
		f.seq != 0 && m.Seq != f.seq,
		f.heartbeat == 1 && !m.Heartbeat,
		f.heartbeat == -1 && m.Heartbeat:
		return false
	}
	return true
}

func (f msgFilter) String() string {
	id := func(x NodeID) string {
		if x == None {
			return "*"
		}
		return strconv.FormatUint(uint64(x), 10)
	}
	s := id(f.from) + "->" + id(f.to)
	if f.typ != MsgInvalid {
		s += " " + f.typ.String()
	}
	if f.seq != 0 {
		s += fmt.Sprintf(" seq=%d", f.seq)
	}
	switch f.heartbeat {
	case 1:
		s += " heartbeat"
	case -1:
		s += " no-heartbeat"
	}
	return s
}

// parseFilter reads "1->2 AppendEntriesResp seq=3 heartbeat"; every part is
// optional and "*" stands for any node.
func parseFilter(args []string) (msgFilter, error) {
	var f msgFilter
	for _, a := range args {
		switch {
		case strings.Contains(a, "->"):
			from, to, _ := strings.Cut(a, "->")
			var err error
			if f.from, err = parseOptID(from); err != nil {
				return f, err
			}
			if f.to, err = parseOptID(to); err != nil {
				return f, err
			}
		case strings.HasPrefix(a, "seq="):
			v, err := strconv.ParseUint(strings.TrimPrefix(a, "seq="), 10, 64)
			if err != nil {
				return f, err
			}
			f.seq = v
		case a == "heartbeat":
			f.heartbeat = 1
		case a == "no-heartbeat":
			f.heartbeat = -1
		default:
			i := slices.Index(msgTypeNames[:], a)
			if i <= 0 {
				return f, fmt.Errorf("unknown filter part %q", a)
			}
			f.typ = MsgType(i)
		}
	}
	return f, nil
}

func parseOptID(s string) (NodeID, error) {
	if s == "*" || s == "" {
		return None, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return NodeID(v), err
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

// send puts m in the queue unless a cut drops it.
func (c *cluster) send(m Message) {
	for _, f := range c.cuts {
		if f.match(m) {
			c.logf("%s (cut)", fmtMsg(m))
			return
		}
	}
	c.logf("%s", fmtMsg(m))
	c.queue = append(c.queue, m)
}

func (c *cluster) held(m Message) bool {
	return slices.ContainsFunc(c.holds, func(f msgFilter) bool { return f.match(m) })
}

// deliverAt removes queue[i] and steps it into its receiver.
func (c *cluster) deliverAt(i int) {
	c.t.Helper()
	m := c.queue[i]
	c.queue = slices.Delete(c.queue, i, i+1)
	tn := c.tn(m.To)
	if tn.n == nil {
		if (m.Type != MsgApp && m.Type != MsgSnap) || c.tn(m.From).n == nil {
			c.logf("%s (dropped: %d is down)", fmtMsg(m), m.To)
			return
		}
		// The connection is refused: the sender learns at once.
		c.logf("%s (dropped: %d is down, rpc error)", fmtMsg(m), m.To)
		c.indent = "  "
		defer func() { c.indent = "" }()
		c.do(m.From, func(n *Node) error { n.ReportRPCError(c.now, m); return nil })
		return
	}
	c.logf("%s", fmtMsg(m))
	c.indent = "  "
	defer func() { c.indent = "" }()
	if err := c.do(m.To, func(n *Node) error { return n.Step(c.now, m) }); err != nil {
		c.t.Fatalf("step %s: %v", fmtMsg(m), err)
	}
}

// deliverOne delivers the oldest message that f matches and no hold keeps.
func (c *cluster) deliverOne(f msgFilter) bool {
	c.t.Helper()
	for i, m := range c.queue {
		if f.match(m) && !c.held(m) {
			c.deliverAt(i)
			return true
		}
	}
	return false
}

// deliverWhere delivers the oldest queued message pred accepts; holds do
// not apply.
func (c *cluster) deliverWhere(pred func(Message) bool) bool {
	c.t.Helper()
	if i := slices.IndexFunc(c.queue, pred); i >= 0 {
		c.deliverAt(i)
		return true
	}
	return false
}

// dropWhere drops the queued messages pred accepts.
func (c *cluster) dropWhere(pred func(Message) bool) int {
	n := 0
	c.queue = slices.DeleteFunc(c.queue, func(m Message) bool {
		if pred(m) {
			c.logf("%s (dropped)", fmtMsg(m))
			n++
			return true
		}
		return false
	})
	return n
}

// deliver delivers matching messages, oldest first, including the ones
// they cause, until none is left. It returns how many it delivered.
func (c *cluster) deliver(f msgFilter) int {
	c.t.Helper()
	n := 0
	for c.deliverOne(f) {
		if n++; n > 100000 {
			c.t.Fatalf("messages keep coming after %d deliveries", n)
		}
	}
	return n
}

// deliverAll delivers every message that is not held.
func (c *cluster) deliverAll() int { c.t.Helper(); return c.deliver(msgFilter{}) }

// take removes and returns the queued messages f matches.
func (c *cluster) take(f msgFilter) []Message {
	var out []Message
	c.queue = slices.DeleteFunc(c.queue, func(m Message) bool {
		if f.match(m) {
			out = append(out, m)
			return true
		}
		return false
	})
	return out
}

// drop removes matching messages from the queue.
func (c *cluster) drop(f msgFilter) int {
	ms := c.take(f)
	for _, m := range ms {
		c.logf("%s (dropped)", fmtMsg(m))
	}
	return len(ms)
}

// dup queues a second copy of every matching message, right after it.
func (c *cluster) dup(f msgFilter) int {
	n := 0
	for i := 0; i < len(c.queue); i++ {
		if m := c.queue[i]; f.match(m) {
			c.queue = slices.Insert(c.queue, i+1, m)
			c.logf("%s (duplicated)", fmtMsg(m))
			i++
			n++
		}
	}
	return n
}

// hold keeps matching messages, queued and future, from being delivered.
func (c *cluster) hold(f msgFilter) { c.holds = append(c.holds, f) }

// release lifts the holds equal to f (every hold when f is the zero filter).
func (c *cluster) release(f msgFilter) {
	c.holds = slices.DeleteFunc(c.holds, func(h msgFilter) bool { return f == (msgFilter{}) || h == f })
}

// cut drops matching messages from now on; heal removes every cut.
func (c *cluster) cut(f msgFilter) { c.cuts = append(c.cuts, f) }
func (c *cluster) heal()           { c.cuts = nil }

// isolate cuts every link to and from id.
func (c *cluster) isolate(id NodeID) {
	c.cut(msgFilter{from: id})
	c.cut(msgFilter{to: id})
}

// rpcError removes the oldest queued request f matches and reports it to
// its sender as failed (ReportRPCError).
func (c *cluster) rpcError(f msgFilter) bool {
	c.t.Helper()
	for i, m := range c.queue {
		if f.match(m) && (m.Type == MsgApp || m.Type == MsgSnap) {
			c.queue = slices.Delete(c.queue, i, i+1)
			c.logf("%s (rpc error)", fmtMsg(m))
			c.indent = "  "
			err := c.do(m.From, func(n *Node) error { n.ReportRPCError(c.now, m); return nil })
			c.indent = ""
			if err != nil {
				c.t.Fatal(err)
			}
			return true
		}
	}
	return false
}

// advance moves the clock; no timer fires until a node is ticked.
func (c *cluster) advance(d time.Duration) { c.now += d }

// tick fires the due timers of the given nodes (all running nodes when
// none is given).
func (c *cluster) tick(ids ...NodeID) {
	c.t.Helper()
	if len(ids) == 0 {
		for _, tn := range c.nodes {
			if tn.n != nil {
				ids = append(ids, tn.id)
			}
		}
	}
	for _, id := range ids {
		if err := c.do(id, func(n *Node) error { n.Tick(c.now); return nil }); err != nil {
			c.t.Fatal(err)
		}
	}
}

// campaign moves the clock to id's election deadline and ticks it, so it
// starts a (pre-)election.
func (c *cluster) campaign(id NodeID) {
	c.t.Helper()
	n := c.node(id)
	if n.Role() == Leader {
		c.t.Fatalf("node %d already leads", id)
	}
	c.now = max(c.now, n.Deadline())
	c.tick(id)
}

// elect makes id leader: campaign, deliver everything, and check.
func (c *cluster) elect(id NodeID) {
	c.t.Helper()
	c.campaign(id)
	c.deliverAll()
	if r := c.node(id).Role(); r != Leader {
		c.t.Fatalf("node %d is %s after its election, want leader", id, r)
	}
}

// propose proposes data on id.
func (c *cluster) propose(id NodeID, data string) (index, term uint64, err error) {
	c.t.Helper()
	err = c.do(id, func(n *Node) error {
		var err error
		index, term, err = n.Propose(c.now, []byte(data))
		return err
	})
	return index, term, err
}

// mustPropose proposes and fails the test on an error.
func (c *cluster) mustPropose(id NodeID, data string) uint64 {
	c.t.Helper()
	index, _, err := c.propose(id, data)
	if err != nil {
		c.t.Fatalf("propose %q on %d: %v", data, id, err)
	}
	return index
}

// crash stops id; its disk survives, messages to it are dropped.
func (c *cluster) crash(id NodeID) {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n == nil {
		c.t.Fatalf("node %d is already down", id)
	}
	tn.n = nil
	c.logf("%d: crashed", id)
}

// restart rebuilds id from its disk alone.
func (c *cluster) restart(id NodeID) {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n != nil {
		c.crash(id)
	}
	c.logf("%d: restarted", id)
	c.start(tn)
}

// setDisk replaces id's durable state (the node restarts from it): term,
// vote, and a log given as the term of each entry from index 1.
func (c *cluster) setDisk(id NodeID, term uint64, vote NodeID, terms ...uint64) {
	c.t.Helper()
	tn := c.tn(id)
	tn.disk = fakeDisk{hs: HardState{Term: term, Vote: vote}}
	for i, t := range terms {
		tn.disk.ents = append(tn.disk.ents, Entry{Index: uint64(i + 1), Term: t, Data: []byte(fmt.Sprintf("%d@%d", i+1, t))})
	}
	tn.n = nil
	c.start(tn)
}

// logTerms returns the terms of id's log entries from its first index.
func (c *cluster) logTerms(id NodeID) []uint64 {
	c.t.Helper()
	n := c.node(id)
	var ts []uint64
	for i := n.Status().FirstIndex; i <= n.LastIndex(); i++ {
		ts = append(ts, n.LogTerm(i))
	}
	return ts
}

// count returns how many queued messages f matches.
func (c *cluster) count(f msgFilter) int {
	n := 0
	for _, m := range c.queue {
		if f.match(m) {
			n++
		}
	}
	return n
}

// leader returns the only running leader of the highest term, or None.
func (c *cluster) leader() NodeID {
	var best NodeID
	var term uint64
	for _, tn := range c.nodes {
		if tn.n != nil && tn.n.Role() == Leader && tn.n.Term() >= term {
			best, term = tn.id, tn.n.Term()
		}
	}
	return best
}

// fmtMsg prints a message with the fields its type uses.
func fmtMsg(m Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d->%d %s term=%d", m.From, m.To, m.Type, m.Term)
	ok := func(yes, no string) string {
		if m.Success {
			return yes
		}
		return no
	}
	switch m.Type {
	case MsgPreVote, MsgVote:
		fmt.Fprintf(&b, " last=%d/%d", m.Index, m.LogTerm)
		if m.TransferFrom != None {
			fmt.Fprintf(&b, " transfer-from=%d", m.TransferFrom)
		}
	case MsgPreVoteResp, MsgVoteResp, MsgTimeoutNowResp:
		b.WriteString(ok(" granted", " rejected"))
	case MsgApp:
		switch {
		case m.Heartbeat:
			fmt.Fprintf(&b, " heartbeat prev=%d/%d commit=%d", m.Index, m.LogTerm, m.Commit)
			if m.Context != 0 {
				fmt.Fprintf(&b, " round=%d", m.Context)
			}
			return b.String()
		case len(m.Entries) == 0:
			fmt.Fprintf(&b, " probe prev=%d/%d commit=%d", m.Index, m.LogTerm, m.Commit)
		default:
			fmt.Fprintf(&b, " prev=%d/%d [%s] commit=%d", m.Index, m.LogTerm, fmtEntries(m.Entries), m.Commit)
		}
		fmt.Fprintf(&b, " seq=%d v=%d", m.Seq, m.Version)
	case MsgAppResp, MsgSnapResp:
		fmt.Fprintf(&b, " %s last=%d", ok("ok", "reject"), m.LastLogIndex)
		if m.RejectHint != 0 {
			fmt.Fprintf(&b, " hint=%d/%d", m.RejectHint, m.LogTerm)
		}
		if m.Heartbeat {
			b.WriteString(" heartbeat")
			if m.Context != 0 {
				fmt.Fprintf(&b, " round=%d", m.Context)
			}
			return b.String()
		}
		fmt.Fprintf(&b, " seq=%d v=%d", m.Seq, m.Version)
	case MsgSnap:
		fmt.Fprintf(&b, " snapshot=%d/%d commit=%d seq=%d v=%d", m.Index, m.LogTerm, m.Commit, m.Seq, m.Version)
	case MsgReadIndex:
		fmt.Fprintf(&b, " id=%d", m.Context)
	case MsgReadIndexResp:
		if m.Success {
			fmt.Fprintf(&b, " id=%d index=%d", m.Context, m.Index)
		} else {
			fmt.Fprintf(&b, " id=%d refused", m.Context)
		}
	}
	return b.String()
}

// fmtEntries prints entries as index/term, config entries with their
// configuration and normal ones with their data.
func fmtEntries(ents []Entry) string {
	parts := make([]string, len(ents))
	for i, e := range ents {
		s := fmt.Sprintf("%d/%d", e.Index, e.Term)
		if e.Type == EntryConfig && e.Conf != nil {
			s += " conf:" + fmtConf(*e.Conf)
		} else if len(e.Data) > 0 {
			s += " " + string(e.Data)
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

func fmtIDs(ids []NodeID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ",")
}

func fmtConf(c ConfigState) string {
	s := fmtIDs(c.Voters)
	if len(c.OldVoters) > 0 {
		s += " old:" + fmtIDs(c.OldVoters)
	}
	if len(c.Learners) > 0 {
		s += " learners:" + fmtIDs(c.Learners)
	}
	return s
}

// fmtStatus prints a node's status over several lines: what the
// playground shows, in the seed's vocabulary.
func fmtStatus(s Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d: %s term=%d vote=%d leader=%d\n", s.ID, s.Role, s.Term, s.Vote, s.Leader)
	fmt.Fprintf(&b, "  log=[%d,%d] last-term=%d stable=%d commit=%d applied=%d", s.FirstIndex, s.LastIndex, s.LastLogTerm, s.StableIndex, s.CommitIndex, s.AppliedIndex)
	if s.SnapshotIndex != 0 {
		fmt.Fprintf(&b, " snapshot=%d/%d", s.SnapshotIndex, s.SnapshotTerm)
	}
	fmt.Fprintf(&b, "\n  conf=%s", fmtConf(s.Conf))
	if s.Role != Leader {
		fmt.Fprintf(&b, " election-due=%v", s.ElectionDue)
		return b.String()
	}
	fmt.Fprintf(&b, " term-start=%d step-down-due=%v", s.TermStart, s.StepDownDue)
	if cc := s.ConfChange; cc != nil && (cc.Stage != ConfNone || cc.LastErr != "") {
		fmt.Fprintf(&b, "\n  conf-change: stage=%s", cc.Stage)
		if cc.Target != nil {
			fmt.Fprintf(&b, " target=%s", fmtConf(*cc.Target))
		}
		if len(cc.NewPeers) > 0 {
			fmt.Fprintf(&b, " new-peers=%s deadline=%v", fmtIDs(cc.NewPeers), cc.Deadline)
		}
		if cc.Index != 0 {
			fmt.Fprintf(&b, " index=%d", cc.Index)
		}
		if cc.LastErr != "" {
			fmt.Fprintf(&b, " last-error=%q", cc.LastErr)
		}
	}
	if s.Transferee != None {
		fmt.Fprintf(&b, "\n  transferee=%d transfer-due=%v", s.Transferee, s.TransferDue)
	}
	if s.PendingReads > 0 {
		fmt.Fprintf(&b, "\n  pending-reads=%d", s.PendingReads)
	}
	if bb := s.BallotBox; bb != nil {
		fmt.Fprintf(&b, "\n  ballot-box: pending-index=%d last-committed=%d", bb.PendingIndex, bb.LastCommittedIndex)
		for _, bl := range bb.Ballots {
			fmt.Fprintf(&b, " %d:{%s}", bl.Index, fmtIDs(bl.Granted))
		}
	}
	for _, r := range s.Replicators {
		fmt.Fprintf(&b, "\n  replicator %d: %s next=%d match=%d seq=%d required=%d version=%d",
			r.Peer, r.State, r.NextIndex, r.MatchIndex, r.Seq, r.RequiredNextSeq, r.Version)
		var in []string
		for _, f := range r.Inflights {
			kind := "append"
			if f.Type == RequestSnapshot {
				kind = "snapshot"
			}
			in = append(in, fmt.Sprintf("%d:%s@%d+%d", f.Seq, kind, f.StartIndex, f.Count))
		}
		fmt.Fprintf(&b, " inflights=[%s]", strings.Join(in, " "))
		pend := make([]string, len(r.PendingResponses))
		for i, p := range r.PendingResponses {
			pend[i] = strconv.FormatUint(p, 10)
		}
		fmt.Fprintf(&b, " pending=[%s]", strings.Join(pend, " "))
		if r.ConsecutiveErrors != 0 {
			fmt.Fprintf(&b, " errors=%d", r.ConsecutiveErrors)
		}
		if r.BlockedUntil != 0 {
			fmt.Fprintf(&b, " blocked-until=%v", r.BlockedUntil)
		}
		if r.TimeoutNowIndex != 0 {
			fmt.Fprintf(&b, " timeout-now-index=%d", r.TimeoutNowIndex)
		}
	}
	return b.String()
}
