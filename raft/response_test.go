package raft

import (
	"reflect"
	"testing"
)

// Seed §5.5 ("accepted, but the follower answered in another term") has no
// branch in onAppendEntriesReturned: Step keeps such a response from every
// replicator. A lower-term response is dropped, and a higher-term success
// steps the leader down (Raft Figure 2: "If RPC request or response
// contains term T > currentTerm: set currentTerm = T, convert to
// follower"). Each forged reply below is stamped to match the in-flight
// probe of node 1's replicator for node 2 exactly (seq, version, prev), so
// only its term stands between it and a commit.
func TestAcceptedInAnotherTerm(t *testing.T) {
	tests := []struct {
		name     string
		term     func(leaderTerm uint64) uint64
		wantRole Role
		wantTerm func(leaderTerm uint64) uint64
	}{
		{"lower term: dropped", func(lt uint64) uint64 { return lt - 1 }, Leader, func(lt uint64) uint64 { return lt }},
		{"higher term: step down", func(lt uint64) uint64 { return lt + 1 }, Follower, func(lt uint64) uint64 { return lt + 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := replicating(t, 3, nil)
			c.elect(2)
			c.hold(msgFilter{from: 1, typ: MsgApp})
			c.elect(1) // term 3; its probes wait
			before := c.status(1)
			r := c.replicator(1, 2)
			if len(r.Inflights) != 1 {
				t.Fatalf("replicator 2 has %d requests in flight, want its probe", len(r.Inflights))
			}
			forged := Message{Type: MsgAppResp, From: 2, To: 1, Term: tt.term(before.Term), Success: true,
				Index: r.Inflights[0].StartIndex - 1, LastLogIndex: before.LastIndex,
				Seq: r.RequiredNextSeq, Version: r.Version}
			if err := c.do(1, func(n *Node) error { return n.Step(c.now, forged) }); err != nil {
				t.Fatal(err)
			}
			after := c.status(1)
			if after.Role != tt.wantRole || after.Term != tt.wantTerm(before.Term) {
				t.Fatalf("after a success of term %d: %s in term %d, want %s in term %d",
					forged.Term, after.Role, after.Term, tt.wantRole, tt.wantTerm(before.Term))
			}
			if after.CommitIndex != before.CommitIndex {
				t.Fatalf("commit moved from %d to %d on a success of another term", before.CommitIndex, after.CommitIndex)
			}
			if tt.wantRole == Leader && !reflect.DeepEqual(c.replicator(1, 2), r) {
				t.Fatalf("replicator 2 changed on a lower-term success:\n%+v\nwas\n%+v", c.replicator(1, 2), r)
			}
		})
	}
}
