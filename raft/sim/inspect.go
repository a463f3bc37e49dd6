package sim

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/raftplayground/raftplayground/raft"
)

// This file lets a scenario, the page and the JavaScript API look inside a
// node: its log and its key-value store, and porcupine's view of the
// client history.

// LogEntry is one entry of a node's log as the page shows it.
type LogEntry struct {
	Index uint64         `json:"index"`
	Term  uint64         `json:"term"`
	Type  raft.EntryType `json:"type"`
}

// Log returns node id's log after its snapshot: the running node's log
// when it is up, its disk when it is down.
func (w *World) Log(id raft.NodeID) ([]LogEntry, error) {
	return w.LogRange(id, 0, math.MaxUint64, nil)
}

// LogRange appends to buf the entries of node id's log (as Log reads it)
// whose index is in [lo, hi], and returns it. It allocates nothing when
// buf has room: the page reads a window of every log at each frame.
func (w *World) LogRange(id raft.NodeID, lo, hi uint64, buf []LogEntry) ([]LogEntry, error) {
	sn, err := w.node(id)
	if err != nil {
		return buf, err
	}
	if n := sn.node; n != nil {
		lo = max(lo, n.FirstIndex())
		for i := lo; i <= min(hi, n.LastIndex()); i++ {
			if e, ok := n.Entry(i); ok {
				buf = append(buf, LogEntry{Index: e.Index, Term: e.Term, Type: e.Type})
			}
		}
		return buf, nil
	}
	d := &sn.disk
	first := d.firstIndex()
	for i := max(lo, first); i <= min(hi, d.lastIndex()); i++ {
		e := d.entries.at(int(i - first))
		buf = append(buf, LogEntry{Index: e.Index, Term: e.Term, Type: e.Type})
	}
	return buf, nil
}

// EntryAt says what node id holds at index: the entry's term (0 when the
// index is beyond its log), whether the index is folded into its snapshot
// (so committed, with a term no longer known), and whether the node knows
// the index committed. A node that is down answers from its disk, and
// knows nothing committed.
func (w *World) EntryAt(id raft.NodeID, index uint64) (term uint64, compacted, committed bool, err error) {
	sn, err := w.node(id)
	if err != nil {
		return 0, false, false, err
	}
	if n := sn.node; n != nil {
		if index < n.FirstIndex() {
			return 0, true, true, nil
		}
		return n.LogTerm(index), false, index <= n.CommitIndex(), nil
	}
	d := &sn.disk
	switch first := d.firstIndex(); {
	case index < first:
		return 0, true, false, nil
	case index <= d.lastIndex():
		return d.entries.at(int(index - first)).Term, false, false, nil
	}
	return 0, false, false, nil
}

// KV returns node id's key-value store as it applied it (empty when the
// node is down: its state machine is rebuilt on restart).
func (w *World) KV(id raft.NodeID) (map[string]string, error) {
	sn, err := w.node(id)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if sn.store == nil {
		return out, nil
	}
	for _, k := range sn.store.Keys() {
		out[k], _ = sn.store.Get(k)
	}
	return out, nil
}

// VisualizeHistory writes porcupine's HTML view of the client history to
// out: every call on a timeline per client and, when the history is
// linearizable, the order that explains it. It reports the check's result
// as CheckLinearizability does.
func (w *World) VisualizeHistory(out io.Writer, timeout time.Duration) (linearizable error, err error) {
	res, info := porcupine.CheckOperationsVerbose(KVModel, w.porcupineOps(), timeout)
	switch res {
	case porcupine.Unknown:
		linearizable = fmt.Errorf("linearizability: the check of seed %d timed out after %v", w.opts.Seed, timeout)
	case porcupine.Illegal:
		linearizable = &LinearizabilityError{Seed: w.opts.Seed, info: info}
	}
	return linearizable, porcupine.Visualize(KVModel, info, out)
}
