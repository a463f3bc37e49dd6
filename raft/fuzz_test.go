package raft_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// fuzzReader turns fuzz input into small numbers.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) next(n int) int {
	if len(r.b) == 0 || n <= 0 {
		return 0
	}
	v := int(r.b[0]) % n
	r.b = r.b[1:]
	return v
}

func (r *fuzzReader) u64(n uint64) uint64 {
	if len(r.b) < 2 {
		return 0
	}
	v := uint64(binary.LittleEndian.Uint16(r.b)) % (n + 1)
	r.b = r.b[2:]
	return v
}

// message builds an arbitrary message to node 1 from a peer.
func (r *fuzzReader) message() raft.Message {
	m := raft.Message{
		Type:         raft.MsgType(1 + r.next(int(raft.MsgReadIndexResp))),
		From:         raft.NodeID(2 + r.next(3)),
		To:           1,
		Term:         r.u64(8),
		LogTerm:      r.u64(8),
		Index:        r.u64(12),
		Commit:       r.u64(12),
		Heartbeat:    r.next(4) == 0,
		Seq:          r.u64(6),
		Version:      r.u64(3),
		Success:      r.next(2) == 0,
		LastLogIndex: r.u64(12),
		RejectHint:   r.u64(12),
		Context:      r.u64(3),
	}
	for range r.next(4) {
		term := r.u64(8)
		m.Entries = append(m.Entries, raft.Entry{Index: m.Index + uint64(len(m.Entries)) + 1, Term: max(term, m.LogTerm), Data: []byte{byte(term)}})
	}
	if m.Type == raft.MsgSnap && r.next(2) == 0 {
		m.Snapshot = &raft.Snapshot{Index: r.u64(12), Term: r.u64(8), Conf: raft.ConfigState{Voters: []raft.NodeID{1, 2, 3}}}
	}
	return m
}

// FuzzStep feeds a node arbitrary messages, ticks and proposals. Whatever
// arrives, the node must not panic and must keep its own invariants: the
// term never goes back, commit never goes back and never passes the log,
// applied never passes commit, and a Ready never hands out an entry twice.
func FuzzStep(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{5, 1, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	f.Add([]byte("\x03\x00\x02\x00\x02\x00\x00\x00\x00\x00\x01\x05\x00\x00\x00\x00\x02\x01\x01\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		cfg := raft.DefaultConfig(1, []raft.NodeID{1, 2, 3})
		var now time.Duration
		n, err := raft.NewNode(now, cfg, raft.DurableState{})
		if err != nil {
			t.Fatal(err)
		}
		var term, commit, applied uint64
		for len(r.b) > 0 {
			switch r.next(8) {
			case 0:
				now += time.Duration(r.u64(400)) * time.Millisecond
				n.Tick(now)
			case 1:
				_, _, _ = n.Propose(now, []byte{1})
			case 2:
				_ = n.ReadIndex(now, r.u64(5))
			default:
				_ = n.Step(now, r.message())
			}
			st := n.Status()
			switch {
			case st.Term < term:
				t.Fatalf("term went back from %d to %d", term, st.Term)
			case st.CommitIndex < commit:
				t.Fatalf("commit went back from %d to %d", commit, st.CommitIndex)
			case st.CommitIndex > st.LastIndex:
				t.Fatalf("commit %d is past the last index %d", st.CommitIndex, st.LastIndex)
			}
			term, commit = st.Term, st.CommitIndex
			rd := n.Ready()
			if s := rd.RestoreSnapshot; s != nil {
				applied = s.Index
			}
			for _, e := range rd.Committed {
				if e.Index != applied+1 {
					t.Fatalf("applied %d after %d", e.Index, applied)
				}
				applied = e.Index
			}
			if applied > n.Status().CommitIndex {
				t.Fatalf("applied %d past commit %d", applied, n.Status().CommitIndex)
			}
			n.Advance(now)
		}
	})
}
