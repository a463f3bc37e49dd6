package sim

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// This file holds the outside actions that scenarios and the page need
// beyond faults: one event at a time, running until a condition holds,
// client calls made by hand, and a snapshot taken now. Every action that
// changes the world is recorded as an Intervention, so time travel and
// shared runs replay it.

// Step handles the next event, if any, and reports whether it handled one.
// After a safety violation it does nothing. An intervention made between
// two events of one instant records how many events had been handled
// (Intervention.Step), so a replay makes it at the same point.
func (w *World) Step() bool {
	if w.violation != nil {
		return false
	}
	ev, from, i, ok := w.next()
	if !ok {
		return false
	}
	if due := w.nextCheckpoint(); due < ev.at {
		w.now = max(w.now, due)
		w.checkpoint()
	}
	w.take(from, i)
	w.step(ev)
	w.runCheckers()
	return true
}

// NextEventAt returns when the next event is due; ok is false when none
// is pending.
func (w *World) NextEventAt() (at time.Duration, ok bool) { return w.nextAt() }

// Handled is the number of events handled since time zero.
func (w *World) Handled() uint64 { return w.handled }

// runToStep handles events until n have been handled since time zero; the
// last of them must be at time at. It replays an intervention made between
// two events of one instant.
func (w *World) runToStep(n uint64, at time.Duration) error {
	for w.handled < n && w.Step() {
	}
	if next, ok := w.nextAt(); w.handled != n || w.now > at || (ok && next < at) {
		return fmt.Errorf("sim: the run cannot stop after event %d at %v: it is at event %d at %v", n, at, w.handled, w.now)
	}
	w.now = at
	return nil
}

// RunUntilCond runs the world one instant at a time (every event due at
// that virtual time) and stops at the end of the first instant after which
// cond holds; cond is checked first at the current time. Without such an
// instant up to limit it runs to limit and reports false.
func (w *World) RunUntilCond(cond func() bool, limit time.Duration) bool {
	if cond() {
		return true
	}
	for w.violation == nil {
		next, ok := w.nextAt()
		if !ok || next > limit {
			break
		}
		w.RunUntil(max(next, w.now))
		if cond() {
			return true
		}
	}
	w.RunUntil(limit)
	return cond()
}

// ClientCall names a client call made by hand: its client id in the
// history (each hand call gets a client of its own, so calls made at once
// run concurrently, as they would from separate clients).
type ClientCall uint64

// Put, Append and Get make one client call by hand, sent first to node via
// (None: the leader now, or node 1 without one). Like the workload's
// clients they follow redirects and retry with the same sequence number;
// their outcome goes into History, so CheckLinearizability covers them.
func (w *World) Put(via raft.NodeID, key, value string) (ClientCall, error) {
	return w.clientCall(via, kv.OpPut, key, value)
}

// Append appends value to key's value; see Put.
func (w *World) Append(via raft.NodeID, key, value string) (ClientCall, error) {
	return w.clientCall(via, kv.OpAppend, key, value)
}

// Get reads key; see Put. Gets go through ReadIndex when
// Options.ReadIndexReads is set, else through the log.
func (w *World) Get(via raft.NodeID, key string) (ClientCall, error) {
	return w.clientCall(via, kv.OpGet, key, "")
}

// maxHandKey bounds the key and value of a hand call (the KV codec's
// limits are larger; a scenario never needs more).
const maxHandKey = 1 << 10

func (w *World) clientCall(via raft.NodeID, op kv.Op, key, value string) (ClientCall, error) {
	if via != raft.None {
		if _, err := w.node(via); err != nil {
			return 0, err
		}
	}
	if key == "" || len(key) > maxHandKey || len(value) > maxHandKey {
		return 0, fmt.Errorf("sim: a client key must have 1 to %d bytes and a value at most %d", maxHandKey, maxHandKey)
	}
	if w.opts.ClientTimeout <= 0 {
		return 0, fmt.Errorf("sim: client calls need a positive client timeout")
	}
	if w.workload == nil {
		w.workload = &workload{w: w}
	}
	target := via
	if target == raft.None {
		target = max(w.Leader(), 1)
	}
	wl := w.workload
	i := len(wl.clients)
	c := &client{id: uint64(i + 1), target: target, byHand: true, seq: 1}
	c.call = HistoryOp{Client: c.id, Seq: 1, Op: op, Key: key, Value: value, Call: w.now}
	c.op = &c.call
	wl.clients = append(wl.clients, c)
	w.timers.add()
	w.intervene(Intervention{Kind: op.String(), Node: via, Key: key, Data: value})
	w.record(EvClient, raft.None, FormatHandCall, num(c.id), num(c.seq), str(op.String()), str(key), str(value))
	wl.attempt(i)
	w.runCheckers()
	return ClientCall(c.id), nil
}

// Call returns the history entry of a client call made by hand (Done
// false while it waits for its answer).
func (w *World) Call(id ClientCall) (HistoryOp, bool) {
	if w.workload == nil || id < 1 || int(id) > len(w.workload.clients) {
		return HistoryOp{}, false
	}
	c := w.workload.clients[id-1]
	if c.op != nil {
		return *c.op, true
	}
	for i := w.workload.history.Len() - 1; i >= 0; i-- {
		if h := w.workload.history.At(i); h.Client == uint64(id) {
			return *h, true
		}
	}
	return HistoryOp{}, false
}

// Snapshot makes node id compact its log now, up to what it applied (as
// Options.SnapshotEvery does on its own).
func (w *World) Snapshot(id raft.NodeID) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if sn.node == nil {
		return fmt.Errorf("sim: node %d is down", id)
	}
	applied := sn.store.AppliedIndex()
	if applied <= sn.snapIndex {
		return fmt.Errorf("sim: node %d applied nothing since its snapshot at index %d", id, sn.snapIndex)
	}
	if err := sn.node.Compact(w.now, applied, sn.store.Snapshot()); err != nil {
		return fmt.Errorf("sim: node %d cannot compact: %w", id, err)
	}
	sn.snapIndex = applied
	w.intervene(Intervention{Kind: "snapshot", Node: id})
	w.record(EvPersist, id, "compact log to index %d (by hand)", num(applied))
	if w.checker != nil {
		w.checker.snapshotTaken(w, id, applied, sn.store.Digest())
	}
	w.process(sn)
	w.runCheckers()
	return nil
}
