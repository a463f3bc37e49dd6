package sim

import "github.com/raftplayground/raftplayground/raft"

// disk is a node's durable storage. A write becomes durable when it syncs:
// at once without disk latency, else after it; a crash loses what has not
// synced.
type disk struct {
	// state holds the HardState and the Snapshot; state.Entries is unused
	// (see entries).
	state raft.DurableState
	// entries follow the snapshot (or start at index 1), as the node's
	// Readys handed them out: a disk shares its node's log instead of
	// copying it.
	entries segments
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
		first := d.firstIndex()
		if s.Index >= first && s.Index <= d.lastIndex() && d.entries.at(int(s.Index-first)).Term == s.Term {
			d.entries.dropFront(int(s.Index - first + 1))
		} else {
			d.entries.truncate(0)
		}
		d.state.Snapshot = s
	}
	if rd.LogFrom == 0 {
		return
	}
	keep := 0
	if first := d.firstIndex(); rd.LogFrom > first {
		keep = int(min(rd.LogFrom-first, uint64(d.entries.len())))
	}
	d.entries.truncate(keep)
	d.entries.append(rd.Entries)
}

// clone returns a copy of the disk that shares its entries.
func (d *disk) clone() disk {
	c := *d
	c.entries = d.entries.clone()
	return c
}

func (d *disk) firstIndex() uint64 {
	if d.state.Snapshot != nil {
		return d.state.Snapshot.Index + 1
	}
	return 1
}

func (d *disk) lastIndex() uint64 { return d.firstIndex() - 1 + uint64(d.entries.len()) }

// durable returns a copy of the durable state for a restart.
func (d *disk) durable() raft.DurableState {
	st := d.state
	if n := d.entries.len(); n > 0 {
		st.Entries = d.entries.appendTo(make([]raft.Entry, 0, n))
	}
	return st
}
