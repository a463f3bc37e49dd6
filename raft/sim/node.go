package sim

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// simNode is a node slot: the running node (nil while crashed), its state
// machine and its disk.
type simNode struct {
	id   raft.NodeID
	seed uint64
	node *raft.Node
	// incarnation is bumped on every crash; events of older incarnations
	// are ignored.
	incarnation uint64
	disk        disk
	// syncing is the Ready whose write has not synced yet; its messages
	// and applies wait for the sync. Lost on a crash.
	syncing *raft.Ready
	// changed: the node was stepped since the checkers last looked at it
	// (every change of a node's state goes through process).
	changed bool
	// tickAt is the deadline the node's tick was last scheduled for. The
	// tick itself (due at max(tickAt, when scheduled)) is timer
	// tickTimer(sn) of World.timers, not in the heap: a node has one tick
	// pending at a time, and its deadline moves at almost every step, so
	// a heap would fill with ticks that are no longer wanted.
	tickAt time.Duration
	// store is the KV state machine of this incarnation.
	store *kv.Store
	// snapIndex is the index of the node's last snapshot.
	snapIndex uint64
	// recent are the last applied entries (for views), newest last: from
	// recentKeep to 2*recentKeep of them once that many were applied. The
	// slices of Ready.Committed themselves, so that they share the log.
	recent segments
	// appliedCount counts entries this incarnation applied.
	appliedCount int
	// unchecked are applied entries (and restores) the checker has not
	// seen yet.
	unchecked []applyRecord
	// respDelay is the most extra latency on responses this node sends.
	respDelay time.Duration
	// peers are the node's replicator states as ReplicatorStates gave
	// them when its ReplicatorChanges count was peersAt (noPeers: none
	// kept). The states before a step, unless the count moved since.
	peers   []raft.PeerState
	peersAt uint64
}

// noPeers marks simNode.peers as not kept.
const noPeers = ^uint64(0)

// applyRecord is one application the checker must verify.
type applyRecord struct {
	entry raft.Entry
	// restored marks a snapshot restore at entry.Index with entry.Term.
	restored bool
	digest   uint64
}

// recentKeep bounds simNode.recent.
const recentKeep = 256

func (w *World) start(sn *simNode) error {
	n, err := raft.NewNode(w.now, w.opts.nodeConfig(sn.id, sn.seed+sn.incarnation), sn.disk.durable())
	if err != nil {
		return err
	}
	sn.node = n
	sn.peers, sn.peersAt = sn.peers[:0], noPeers // a new node counts from zero
	sn.store = kv.NewShared(w.memo)
	w.hist.addRole(RoleChange{At: w.now, Node: sn.id, Up: true, Role: n.Role(), Term: n.Term()})
	sn.snapIndex = 0
	sn.recent = segments{}
	sn.appliedCount = 0
	w.process(sn)
	return nil
}

func (w *World) node(id raft.NodeID) (*simNode, error) {
	if id < 1 || int(id) > len(w.nodes) {
		return nil, fmt.Errorf("sim: no node %d (nodes are 1..%d)", id, len(w.nodes))
	}
	return w.nodes[id-1], nil
}

// stepNode runs one call into a node's core, records what changed, and
// carries out its effects. A panic in the core stops the run as a
// violation instead of killing the program.
func (w *World) stepNode(sn *simNode, f func(*raft.Node) error) (err error) {
	n := sn.node
	role, term := n.Role(), n.Term()
	if c := n.ReplicatorChanges(); c != sn.peersAt || w.fullReplicatorDiff {
		sn.peers, sn.peersAt = n.ReplicatorStates(sn.peers[:0]), c
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				w.fail(&Violation{Property: "no panic", Check: CheckNoPanic, Detail: fmt.Sprintf("node %d panicked: %v", sn.id, p)})
				err = fmt.Errorf("sim: node %d panicked: %v", sn.id, p)
			}
		}()
		err = f(n)
	}()
	if n.Role() != role || n.Term() != term {
		w.hist.addRole(RoleChange{At: w.now, Node: sn.id, Up: true, Role: n.Role(), Term: n.Term()})
		if by := n.ElectedBy(); by != nil {
			w.record(EvRole, sn.id, FormatElected, str(role.String()), num(term), str(n.Role().String()), num(n.Term()), str(idList(by)))
		} else {
			w.record(EvRole, sn.id, FormatRole, str(role.String()), num(term), str(n.Role().String()), num(n.Term()))
		}
	}
	if (n.Role() == raft.Leader || role == raft.Leader) && (n.ReplicatorChanges() != sn.peersAt || w.fullReplicatorDiff) {
		w.recordReplicatorChanges(sn, n)
	}
	w.process(sn)
	return err
}

// recordReplicatorChanges traces every replicator whose state or blocking
// changed in the last step of node sn (sn.peers holds the states before
// it), and keeps the states after it in sn.peers. Both lists are in peer
// order (raft.Node.ReplicatorStates), so one walk over each pairs them up.
func (w *World) recordReplicatorChanges(sn *simNode, n *raft.Node) {
	id := sn.id
	before := sn.peers
	after := n.ReplicatorStates(w.peerStatesAfter[:0])
	j := 0
	for i := range after {
		a := &after[i]
		for j < len(before) && before[j].Peer < a.Peer {
			j++
		}
		if j == len(before) || before[j].Peer != a.Peer {
			w.record(EvReplicator, id, FormatReplicatorStarted, num(id), num(a.Peer), str(a.State.String()))
			continue
		}
		w.recordReplicatorChange(id, &before[j], a)
	}
	j = 0
	for i := range before {
		b := &before[i]
		for j < len(after) && after[j].Peer < b.Peer {
			j++
		}
		if j == len(after) || after[j].Peer != b.Peer {
			w.record(EvReplicator, id, FormatReplicatorDestroyed, num(id), num(b.Peer))
		}
	}
	// Keep both buffers: the one before is the next step's scratch.
	sn.peers, sn.peersAt, w.peerStatesAfter = after, n.ReplicatorChanges(), before[:0]
}

// recordReplicatorChange traces how leader id's replicator went from b to a.
func (w *World) recordReplicatorChange(id raft.NodeID, b, a *raft.PeerState) {
	if b.State != a.State {
		w.record(EvReplicator, id, FormatReplicatorState, num(id), num(a.Peer), str(b.State.String()), str(a.State.String()))
	}
	if b.Version != a.Version {
		w.record(EvReplicator, id, FormatReplicatorReset, num(id), num(a.Peer), num(b.Version), num(a.Version))
	}
	if b.Repairs != a.Repairs {
		r := &a.LastRepair
		w.record(EvReplicator, id, FormatRepair, num(id), num(a.Peer), num(r.From), num(r.To), str(r.Reason.String()),
			num(r.PrevIndex), num(r.PrevTerm), num(r.FollowerLast), num(r.FollowerTerm))
	}
	if b.Blocked != a.Blocked && a.Blocked {
		w.record(EvReplicator, id, FormatReplicatorBlocked, num(id), num(a.Peer))
	}
}

// process carries out everything a node's Ready asks, then (re)schedules
// its tick.
func (w *World) process(sn *simNode) {
	n := sn.node
	sn.changed, w.stepped = true, true
	w.changed |= 1 << (sn.id - 1)
	for sn.syncing == nil && n.HasReady() {
		rd := n.Ready()
		if w.checker != nil {
			w.checker.logChanged(sn, &rd)
		}
		if rd.MustSync() && w.opts.DiskLatency > 0 {
			// Only a Ready that waits for its disk is kept beyond this
			// call (and so allocated).
			waiting := rd
			sn.syncing = &waiting
			w.schedule(event{at: w.now + w.opts.DiskLatency, kind: evSync, node: sn.id, gen: sn.incarnation})
			break
		}
		w.complete(sn, &rd)
	}
	if d := n.Deadline(); d != sn.tickAt {
		sn.tickAt = d
		w.setTimer(tickTimer(sn), max(d, w.now))
	}
}

// complete carries out a Ready whose write is durable: persist, send,
// apply, advance.
func (w *World) complete(sn *simNode, rd *raft.Ready) {
	sn.disk.write(rd)
	if rd.HardState != nil {
		w.record(EvPersist, sn.id, "term=%d vote=%d", num(rd.HardState.Term), num(rd.HardState.Vote))
	}
	if rd.Snapshot != nil {
		w.record(EvPersist, sn.id, "snapshot index=%d term=%d", num(rd.Snapshot.Index), num(rd.Snapshot.Term))
	}
	for i := range rd.Messages {
		w.send(sn, &rd.Messages[i])
	}
	if s := rd.RestoreSnapshot; s != nil {
		if err := sn.store.Restore(s.Data); err != nil {
			w.fail(&Violation{Property: "snapshot restore", Check: CheckSnapshotRestore, Detail: fmt.Sprintf("node %d cannot restore snapshot %d: %v", sn.id, s.Index, err)})
		}
		sn.snapIndex = s.Index
		w.record(EvApply, sn.id, "restore snapshot index=%d", num(s.Index))
		if w.checker != nil {
			sn.unchecked = append(sn.unchecked, applyRecord{entry: raft.Entry{Index: s.Index, Term: s.Term}, restored: true, digest: sn.store.Digest()})
		}
	}
	// Only a client waiting at this node for an entry or a read index
	// looks at what it applies. Applying cannot make another one wait
	// (a client's next attempt comes from its timer), so which clients
	// wait is known before the first entry.
	watched := len(rd.Committed) > 0 && w.workload.waitsAt(sn.id)
	for i := range rd.Committed {
		w.apply(sn, &rd.Committed[i], watched)
	}
	sn.keepRecent(rd.Committed)
	for _, rs := range rd.ReadStates {
		w.workload.readState(sn, rs)
	}
	sn.node.Advance(w.now)
	w.maybeCompact(sn)
}

// apply hands one committed entry to the node's state machine, and tells
// the workload when watched (a client waits at the node).
func (w *World) apply(sn *simNode, e *raft.Entry, watched bool) {
	var res kv.Result
	var err error
	if e.Type == raft.EntryNormal {
		res, err = sn.store.ApplyShared(e.Index, e.Term, e.Data)
	} else {
		sn.store.ApplyNoopShared(e.Index, e.Term)
	}
	sn.appliedCount++
	if w.checker != nil {
		sn.unchecked = append(sn.unchecked, applyRecord{entry: *e})
	}
	if watched {
		w.workload.applied(sn, e, res, err)
	}
}

// keepRecent adds entries just applied to recent, and trims it as adding
// them one at a time would: back to recentKeep whenever it passes
// 2*recentKeep.
func (sn *simNode) keepRecent(ents []raft.Entry) {
	if len(ents) == 0 {
		return
	}
	n := sn.recent.len()
	for range ents {
		if n++; n > 2*recentKeep {
			n = recentKeep
		}
	}
	if len(ents) > n {
		// Only their tail stays: copy it, so that a long slice (one the
		// core copied, not a view of its log) is not kept alive whole.
		ents = slices.Clone(ents[len(ents)-n:])
	}
	sn.recent.append(ents)
	sn.recent.dropFront(sn.recent.len() - n)
}

// maybeCompact takes a snapshot when the node applied SnapshotEvery entries
// past its last one.
func (w *World) maybeCompact(sn *simNode) {
	every := uint64(w.opts.SnapshotEvery)
	applied := sn.store.AppliedIndex()
	if every == 0 || applied < sn.snapIndex+every {
		return
	}
	if err := sn.node.Compact(w.now, applied, sn.store.Snapshot()); err != nil {
		w.recordf(EvError, sn.id, "compact: %v", err)
		return
	}
	sn.snapIndex = applied
	w.record(EvPersist, sn.id, "compact log to index %d", num(applied))
	if w.checker != nil {
		w.checker.snapshotTaken(w, sn.id, applied, sn.store.Digest())
	}
	w.process(sn)
}

// Crash stops a node: it loses everything but what its disk synced.
func (w *World) Crash(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node == nil {
		return fmt.Errorf("sim: node %d is already down", id)
	}
	lost := sn.syncing != nil
	w.hist.addRole(RoleChange{At: w.now, Node: id, Role: sn.node.Role(), Term: sn.node.Term()})
	sn.node, sn.store, sn.syncing = nil, nil, nil
	sn.incarnation++
	sn.tickAt = -1
	w.stopTimer(tickTimer(sn))
	sn.recent, sn.unchecked = segments{}, nil
	w.intervene(Intervention{Kind: FormatCrash, Node: id})
	if lost {
		w.record(EvFault, id, FormatCrashLost)
	} else {
		w.record(EvFault, id, "crash")
	}
	return nil
}

// Restart brings a crashed node back from its disk.
func (w *World) Restart(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node != nil {
		return fmt.Errorf("sim: node %d is already up", id)
	}
	w.intervene(Intervention{Kind: FormatRestart, Node: id})
	w.record(EvFault, id, "restart")
	return w.start(sn)
}
