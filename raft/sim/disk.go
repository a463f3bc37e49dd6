package sim

import (
	"slices"

	"github.com/raftplayground/raftplayground/raft"
)

// disk is a node's durable storage. A write becomes durable when it syncs:
// at once without disk latency, else after it; a crash loses what has not
// synced.
type disk struct {
	state raft.DurableState
	// writes counts synced writes.
	writes uint64
}

// write makes a Ready's persistent part durable.
func (d *disk) write(rd *raft.Ready) {
	if !rd.MustSync() {
		return
	}
	d.writes++
	if rd.HardState != nil {
		d.state.HardState = *rd.HardState
	}
	if s := rd.Snapshot; s != nil {
		// Keep the entries after the snapshot only if the log holds the
		// snapshot's last entry.
		var keep []raft.Entry
		for i, e := range d.state.Entries {
			if e.Index == s.Index && e.Term == s.Term {
				keep = slices.Clone(d.state.Entries[i+1:])
			}
		}
		d.state.Snapshot, d.state.Entries = s, keep
	}
	if rd.LogFrom == 0 {
		return
	}
	keep := 0
	if first := d.firstIndex(); rd.LogFrom > first {
		keep = int(min(rd.LogFrom-first, uint64(len(d.state.Entries))))
	}
	if keep < len(d.state.Entries) {
		// A truncation: never overwrite entries in place, since checkpoints
		// share this array.
		d.state.Entries = d.state.Entries[:keep:keep]
	}
	d.state.Entries = append(d.state.Entries, rd.Entries...)
}

func (d *disk) firstIndex() uint64 {
	if d.state.Snapshot != nil {
		return d.state.Snapshot.Index + 1
	}
	return 1
}

func (d *disk) lastIndex() uint64 { return d.firstIndex() - 1 + uint64(len(d.state.Entries)) }

// durable returns a copy of the durable state for a restart.
func (d *disk) durable() raft.DurableState {
	st := d.state
	st.Entries = slices.Clone(st.Entries)
	return st
}
