package raft

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// newFollower returns node 2 of {1, 2, 3} in term 3 whose log has the given
// terms and which follows leader 1 with commit index commit.
func newFollower(t *testing.T, commit uint64, terms ...uint64) *Node {
	t.Helper()
	st := DurableState{HardState: HardState{Term: 3}}
	for i, tm := range terms {
		st.Entries = append(st.Entries, Entry{Index: uint64(i + 1), Term: tm})
	}
	n, err := NewNode(0, DefaultConfig(2, []NodeID{1, 2, 3}), st)
	if err != nil {
		t.Fatal(err)
	}
	// A heartbeat makes 1 the leader and sets the commit index.
	prev := min(commit, uint64(len(terms)))
	if err := n.Step(0, Message{Type: MsgApp, From: 1, To: 2, Term: 3, Heartbeat: true, Index: prev, LogTerm: n.LogTerm(prev), Commit: commit}); err != nil {
		t.Fatal(err)
	}
	rd := n.Ready()
	n.Advance(0)
	if n.CommitIndex() != commit || len(rd.Messages) != 1 || !rd.Messages[0].Success {
		t.Fatalf("setup: commit %d, sent %v", n.CommitIndex(), rd.Messages)
	}
	return n
}

// appendMsg is an AppendEntries from leader 1 in term 3 whose entries have
// the given terms and follow prev.
func appendMsg(prev, prevTerm, commit uint64, terms ...uint64) Message {
	m := Message{Type: MsgApp, From: 1, To: 2, Term: 3, Index: prev, LogTerm: prevTerm, Commit: commit, Seq: 7, Version: 2}
	for i, tm := range terms {
		m.Entries = append(m.Entries, Entry{Index: prev + 1 + uint64(i), Term: tm, Data: []byte(fmt.Sprint("new", i))})
	}
	return m
}

// The receiver side of AppendEntries, Raft paper Figure 2:
//  1. "Reply false if term < currentTerm" (see TestRejectStaleTerm)
//  2. "Reply false if log doesn't contain an entry at prevLogIndex whose
//     term matches prevLogTerm"
//  3. "If an existing entry conflicts with a new one (same index but
//     different terms), delete the existing entry and all that follow it"
//  4. "Append any new entries not already in the log"
//  5. "If leaderCommit > commitIndex, set commitIndex = min(leaderCommit,
//     index of last new entry)"
//
// Seed §6 adds that a rejection carries the follower's lastLogIndex.
func TestFollowerAppendEntries(t *testing.T) {
	tests := []struct {
		name       string
		log        []uint64 // the follower's log terms; commit index 1
		msg        Message
		wantOK     bool
		wantLast   uint64 // LastLogIndex in the response
		wantLog    []uint64
		wantCommit uint64
		wantFrom   uint64 // Ready.LogFrom: 0 when nothing is written
	}{
		{"2: prev beyond the log", []uint64{1, 1, 2}, appendMsg(4, 2, 4, 3),
			false, 3, []uint64{1, 1, 2}, 1, 0},
		{"2: prev term differs", []uint64{1, 1, 2}, appendMsg(3, 3, 4, 3),
			false, 3, []uint64{1, 1, 2}, 1, 0},
		{"4: append after a match", []uint64{1, 1, 2}, appendMsg(3, 2, 1, 3, 3),
			true, 5, []uint64{1, 1, 2, 3, 3}, 1, 4},
		{"4: entries it has are skipped", []uint64{1, 1, 2}, appendMsg(1, 1, 1, 1, 2),
			true, 3, []uint64{1, 1, 2}, 1, 0},
		{"4: a short request keeps the matching tail", []uint64{1, 1, 2, 2}, appendMsg(1, 1, 1, 1),
			true, 4, []uint64{1, 1, 2, 2}, 1, 0},
		{"3: a conflict truncates the suffix", []uint64{1, 1, 2, 2, 2}, appendMsg(1, 1, 1, 1, 3),
			true, 3, []uint64{1, 1, 3}, 1, 3},
		{"3+4: skip, then truncate and append", []uint64{1, 1, 2, 2}, appendMsg(1, 1, 1, 1, 2, 3, 3, 3),
			true, 6, []uint64{1, 1, 2, 3, 3, 3}, 1, 4},
		{"5: commit up to leaderCommit", []uint64{1, 1, 2}, appendMsg(3, 2, 4, 3, 3),
			true, 5, []uint64{1, 1, 2, 3, 3}, 4, 4},
		{"5: commit up to the last new entry", []uint64{1, 1, 2, 2}, appendMsg(1, 1, 9, 1),
			true, 4, []uint64{1, 1, 2, 2}, 2, 0},
		{"5: a heartbeat commits up to prev", []uint64{1, 1, 2}, Message{Type: MsgApp, From: 1, To: 2, Term: 3, Heartbeat: true, Index: 3, LogTerm: 2, Commit: 9},
			true, 3, []uint64{1, 1, 2}, 3, 0},
		{"5: commit never moves back", []uint64{1, 1, 2}, appendMsg(3, 2, 0),
			true, 3, []uint64{1, 1, 2}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newFollower(t, 1, tt.log...)
			if err := n.Step(time.Millisecond, tt.msg); err != nil {
				t.Fatal(err)
			}
			rd := n.Ready()
			if len(rd.Messages) != 1 {
				t.Fatalf("sent %v, want one response", rd.Messages)
			}
			resp := rd.Messages[0]
			if resp.Type != MsgAppResp || resp.Success != tt.wantOK || resp.LastLogIndex != tt.wantLast || resp.Term != 3 {
				t.Fatalf("response %s, want success=%v last=%d", fmtMsg(resp), tt.wantOK, tt.wantLast)
			}
			if resp.Seq != tt.msg.Seq || resp.Version != tt.msg.Version || resp.Index != tt.msg.Index || resp.Heartbeat != tt.msg.Heartbeat {
				t.Fatalf("response %+v does not echo the request's seq, version, prev and kind", resp)
			}
			var got []uint64
			for i := uint64(1); i <= n.LastIndex(); i++ {
				got = append(got, n.LogTerm(i))
			}
			if !slices.Equal(got, tt.wantLog) {
				t.Fatalf("log %v, want %v", got, tt.wantLog)
			}
			if n.CommitIndex() != tt.wantCommit {
				t.Fatalf("commit %d, want %d", n.CommitIndex(), tt.wantCommit)
			}
			if rd.LogFrom != tt.wantFrom || (rd.LogFrom != 0 && uint64(len(rd.Entries)) != n.LastIndex()-rd.LogFrom+1) {
				t.Fatalf("Ready writes %d entries from %d, want from %d", len(rd.Entries), rd.LogFrom, tt.wantFrom)
			}
		})
	}
}

// Raft paper §5.3 via Figure 2 ("Updated on stable storage before
// responding to RPCs"): the follower's acknowledgement leaves in the same
// Ready that persists the entries, and committed entries are handed out
// for application only once they are durable.
func TestFollowerAcksOnlyWithPersist(t *testing.T) {
	n := newFollower(t, 0)
	if err := n.Step(time.Millisecond, appendMsg(0, 0, 2, 3, 3, 3)); err != nil {
		t.Fatal(err)
	}
	rd := n.Ready()
	if rd.LogFrom != 1 || len(rd.Entries) != 3 || len(rd.Messages) != 1 || !rd.Messages[0].Success || rd.Messages[0].LastLogIndex != 3 {
		t.Fatalf("Ready writes %d entries from %d and sends %v; want the 3 entries and their ack together", len(rd.Entries), rd.LogFrom, rd.Messages)
	}
	if len(rd.Committed) != 0 {
		t.Fatalf("Ready hands out %d committed entries that are not durable yet", len(rd.Committed))
	}
	if !rd.MustSync() {
		t.Fatal("MustSync is false for a Ready with entries")
	}
	n.Advance(time.Millisecond)
	rd = n.Ready()
	if len(rd.Committed) != 2 || rd.Committed[1].Index != 2 || rd.MustSync() {
		t.Fatalf("after Advance: committed %v, MustSync %v; want entries 1..2 and nothing to sync", rd.Committed, rd.MustSync())
	}
	n.Advance(time.Millisecond)
	if n.HasReady() {
		t.Fatalf("still has a Ready: %+v", n.Ready())
	}
}

// Raft paper §5.3: "When sending an AppendEntries RPC, the leader includes
// the index and term of the entry in its log that immediately precedes the
// new entries. If the follower does not find an entry in its log with the
// same index and term, then it refuses the new entries." The rejection
// hint (BacktrackByTerm) names the follower's term at prev and its first
// index in that term.
func TestFollowerRejectHint(t *testing.T) {
	n := newFollower(t, 1, 1, 1, 2, 2, 2, 3)
	n.Step(time.Millisecond, appendMsg(5, 4, 1, 4))
	rd := n.Ready()
	resp := rd.Messages[0]
	if resp.Success || resp.LastLogIndex != 6 || resp.LogTerm != 2 || resp.RejectHint != 3 {
		t.Fatalf("rejection %+v, want last=6 and hint 3/2", resp)
	}
}
