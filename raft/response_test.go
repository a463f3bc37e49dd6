package raft

import (
	"reflect"
	"slices"
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

// A leader that steps down and wins again keeps its version count
// (Node.replicatorVersion), so its new replicators never take a reply
// meant for the old ones. Such a reply can carry the new term: a follower
// rejects a request of an older term in its own, newer term, echoing the
// request's seq and version. SOFAJRaft gets this from destroying the old
// Replicator, whose id then takes no responses; here the version alone
// must do it, or the reply would be matched against the new probe (seed
// §5.1 would then reset a replicator that did nothing wrong).
func TestLateReplyToEarlierLeadership(t *testing.T) {
	c := newCluster(t, 3, nil)
	c.hold(msgFilter{from: 1, to: 2, typ: MsgApp})
	c.elect(1) // term 1; its probe to node 2 (seq 1) is held
	old := c.replicator(1, 2)
	c.elect(3) // term 2: node 1 steps down
	c.hold(msgFilter{from: 1, typ: MsgApp})
	c.elect(1) // term 3, with node 2's vote
	r := c.replicator(1, 2)
	if r.Version <= old.Version || r.RequiredNextSeq != old.RequiredNextSeq {
		t.Errorf("re-elected leader's replicator 2 at version %d, seq %d; the old one was at %d, %d: want a higher version and the same seq",
			r.Version, r.RequiredNextSeq, old.Version, old.RequiredNextSeq)
	}
	// The term-1 probe, oldest in the queue, reaches node 2, which rejects
	// it in term 3 with the old stamp.
	c.release(msgFilter{})
	c.deliverOne(msgFilter{from: 1, to: 2})
	reply := slices.DeleteFunc(slices.Clone(c.queue), func(m Message) bool { return m.From != 2 || m.To != 1 })
	if len(reply) != 1 || reply[0].Term != 3 || reply[0].Success || reply[0].Seq != old.RequiredNextSeq || reply[0].Version != old.Version {
		t.Fatalf("node 2 answered %v, want one term-3 rejection stamped seq %d v%d", reply, old.RequiredNextSeq, old.Version)
	}
	c.deliverOne(msgFilter{from: 2, to: 1})
	if got := c.replicator(1, 2); !reflect.DeepEqual(got, r) {
		t.Fatalf("a reply to the term-1 leader's probe changed the term-3 replicator:\n%+v\nwas\n%+v", got, r)
	}
}

// TestIsRequest: the request types, and only they, are requests, each
// answered by the type after it; every other value, named or not, is not
// a request and has no response type.
func TestIsRequest(t *testing.T) {
	requests := map[MsgType]MsgType{
		MsgPreVote: MsgPreVoteResp, MsgVote: MsgVoteResp, MsgApp: MsgAppResp,
		MsgSnap: MsgSnapResp, MsgTimeoutNow: MsgTimeoutNowResp, MsgReadIndex: MsgReadIndexResp,
	}
	for i := range 256 {
		mt := MsgType(i)
		resp, want := requests[mt]
		if got := mt.IsRequest(); got != want {
			t.Errorf("%v.IsRequest() = %v, want %v", mt, got, want)
		}
		if got := mt.Response(); got != resp {
			t.Errorf("%v.Response() = %v, want %v", mt, got, resp)
		}
	}
}
