package raft

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// stageOf returns the leader's configuration change stage.
func (c *cluster) stageOf(leader NodeID) ConfStage {
	c.t.Helper()
	return c.status(leader).ConfChange.Stage
}

// deliverStages delivers messages one at a time until none is left and
// returns the distinct conf-change stages the leader went through.
func (c *cluster) deliverStages(leader NodeID) []ConfStage {
	c.t.Helper()
	stages := []ConfStage{c.stageOf(leader)}
	for c.deliverOne(msgFilter{}) {
		if s := c.stageOf(leader); s != stages[len(stages)-1] {
			stages = append(stages, s)
		}
	}
	return stages
}

// Raft paper §6: "the cluster first switches to a transitional
// configuration we call joint consensus; once the joint consensus has been
// committed, the system then transitions to the new configuration", and
// §6 (availability): new servers first join "as non-voting members ...
// until [they] caught up with the rest of the cluster".
func TestAddPeer(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	if err := c.do(1, func(n *Node) error { return n.AddPeer(c.now, 4) }); err != nil {
		t.Fatal(err)
	}
	cc := c.status(1).ConfChange
	if cc.Stage != ConfCatchingUp || !slices.Equal(cc.NewPeers, []NodeID{4}) || !slices.Equal(cc.Target.Voters, []NodeID{1, 2, 3, 4}) {
		t.Fatalf("conf change %+v, want catching up with new peer 4", cc)
	}
	if r := c.replicator(1, 4); r.State != StateProbe {
		t.Fatalf("no probing replicator for the new peer: %+v", r)
	}
	got := c.deliverStages(1)
	if want := []ConfStage{ConfCatchingUp, ConfJoint, ConfStable, ConfNone}; !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	c.advance(c.node(1).cfg.HeartbeatInterval)
	c.tick(1) // followers learn the last commit
	c.deliverAll()
	// The log holds the joint entry, then the new configuration.
	var confs []string
	n := c.node(1)
	for i := uint64(1); i <= n.LastIndex(); i++ {
		if e, _ := n.Entry(i); e.Type == EntryConfig {
			confs = append(confs, fmtConf(*e.Conf))
		}
	}
	if want := []string{"1,2,3", "1,2,3,4 old:1,2,3", "1,2,3,4"}; !slices.Equal(confs, want) {
		t.Fatalf("config entries %q, want %q", confs, want)
	}
	for id := NodeID(1); id <= 4; id++ {
		if s := c.status(id); fmtConf(s.Conf) != "1,2,3,4" || s.CommitIndex != n.LastIndex() {
			t.Fatalf("node %d: conf %s commit %d", id, fmtConf(s.Conf), s.CommitIndex)
		}
	}
	if cc := c.status(1).ConfChange; cc.LastErr != "" {
		t.Fatalf("change finished with %q", cc.LastErr)
	}
}

// Raft paper §6: "Once a given server adds the new configuration entry to
// its log, it uses that configuration for all future decisions" and
// "Agreement (for elections and entry commitment) requires separate
// majorities from both the old and new configurations." The joint entry
// itself is decided by both majorities.
func TestJointEntryNeedsBothQuorums(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	c.do(1, func(n *Node) error { return n.AddPeer(c.now, 4) })
	for c.stageOf(1) == ConfCatchingUp {
		if !c.deliverOne(msgFilter{}) {
			t.Fatal("the new peer never caught up")
		}
	}
	joint := c.status(1).ConfChange.Index
	c.hold(msgFilter{to: 3})
	c.hold(msgFilter{to: 4})
	c.deliverAll()
	// Nodes 1 and 2 hold the joint entry: 2 of 3 old voters, 2 of 4 new.
	if got := c.status(1).CommitIndex; got >= joint {
		t.Fatalf("joint entry %d committed with acks from 1 and 2 only (commit %d)", joint, got)
	}
	if b := c.status(1).BallotBox.Ballots[0]; b.Index != joint || !slices.Equal(b.OldVoters, []NodeID{1, 2, 3}) || !slices.Equal(b.Voters, []NodeID{1, 2, 3, 4}) {
		t.Fatalf("ballot %+v, want the joint configuration for entry %d", b, joint)
	}
	c.release(msgFilter{to: 4})
	c.deliverAll()
	if got := c.status(1).CommitIndex; got < joint {
		t.Fatalf("joint entry not committed with 1, 2 and 4 (commit %d)", got)
	}
}

// Raft paper §4.2.1 (dissertation): non-voting members (learners) "receive
// log entries but are not considered for majorities".
func TestAddLearnerNeverVotes(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	if err := c.do(1, func(n *Node) error { return n.AddLearner(c.now, 4) }); err != nil {
		t.Fatal(err)
	}
	// A learner needs no joint stage.
	if got, want := c.deliverStages(1), []ConfStage{ConfCatchingUp, ConfStable, ConfNone}; !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	if s := c.status(4); fmtConf(s.Conf) != "1,2,3 learners:4" || s.LastIndex != c.status(1).LastIndex {
		t.Fatalf("learner: conf %s, last %d", fmtConf(s.Conf), s.LastIndex)
	}
	// Its acknowledgement does not count for commit.
	c.crash(2)
	c.crash(3)
	before := c.status(1).CommitIndex
	idx := c.mustPropose(1, "x")
	c.deliverAll()
	if c.node(4).LastIndex() != idx || c.status(1).CommitIndex != before {
		t.Fatalf("learner has %d, commit %d; want the entry replicated but not committed", c.node(4).LastIndex(), c.status(1).CommitIndex)
	}
	// It never campaigns, and no one asks for its vote.
	c.crash(1)
	c.restart(2)
	c.restart(3)
	c.campaign(4)
	if n := c.count(msgFilter{from: 4}); n != 0 || c.node(4).Role() != Follower {
		t.Fatalf("learner sent %d messages and is %s after its election timeout", n, c.node(4).Role())
	}
	c.campaign(2)
	for _, typ := range []MsgType{MsgPreVote, MsgVote} {
		if n := c.count(msgFilter{to: 4, typ: typ}); n != 0 {
			t.Fatalf("%d %s sent to the learner", n, typ)
		}
	}
	c.deliverAll()
	if c.node(2).Role() != Leader {
		t.Fatalf("node 2 is %s, want leader with votes from 2 and 3", c.node(2).Role())
	}
}

// PromoteLearner turns a caught-up learner into a voter through the joint
// configuration.
func TestPromoteLearner(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	c.do(1, func(n *Node) error { return n.AddLearner(c.now, 4) })
	c.deliverAll()
	if err := c.do(1, func(n *Node) error { return n.PromoteLearner(c.now, 2) }); err == nil {
		t.Fatal("promoting a voter succeeded")
	}
	if err := c.do(1, func(n *Node) error { return n.PromoteLearner(c.now, 4) }); err != nil {
		t.Fatal(err)
	}
	// Already caught up: the joint entry goes out at once.
	if got, want := c.deliverStages(1), []ConfStage{ConfJoint, ConfStable, ConfNone}; !slices.Equal(got, want) {
		t.Fatalf("stages %v, want %v", got, want)
	}
	for id := NodeID(1); id <= 4; id++ {
		if s := c.status(id); fmtConf(s.Conf) != "1,2,3,4" {
			t.Fatalf("node %d: conf %s, want 1,2,3,4", id, fmtConf(s.Conf))
		}
	}
}

// Raft paper §6: "the leader ... steps down (returns to follower state)
// once it has committed the C_new log entry"; the removed leader hands over
// with TimeoutNow to the most up-to-date remaining voter.
func TestRemoveLeader(t *testing.T) {
	c := replicating(t, 3, nil)
	c.mustPropose(1, "x")
	c.deliver(msgFilter{to: 2})
	c.deliver(msgFilter{from: 2}) // node 3 lags a little
	if err := c.do(1, func(n *Node) error { return n.RemovePeer(c.now, 1) }); err != nil {
		t.Fatal(err)
	}
	c.hold(msgFilter{typ: MsgTimeoutNow})
	c.deliverAll()
	s := c.status(1)
	if s.Role != Follower || s.Term != 1 || fmtConf(s.Conf) != "2,3" {
		t.Fatalf("removed leader is %s in term %d with conf %s, want a follower outside 2,3", s.Role, s.Term, fmtConf(s.Conf))
	}
	tn := c.take(msgFilter{typ: MsgTimeoutNow})
	if len(tn) != 1 || tn[0].From != 1 {
		t.Fatalf("sent %v, want one TimeoutNow from 1", tn)
	}
	c.queue = append(c.queue, tn...)
	c.release(msgFilter{typ: MsgTimeoutNow})
	c.deliverAll()
	lead := c.leader()
	if lead != tn[0].To || c.node(lead).Term() != 2 {
		t.Fatalf("leader %d, want %d (the TimeoutNow target) in term 2", lead, tn[0].To)
	}
	// The removed node never campaigns again.
	c.campaign(1)
	if n := c.count(msgFilter{from: 1}); n != 0 {
		t.Fatalf("removed node sent %d messages", n)
	}
}

// Seed §1: "a busy configuration context here is a bug": changes run one
// at a time, only on a leader that committed an entry of its term, and not
// during a leadership transfer.
func TestConfChangeRefused(t *testing.T) {
	tests := []struct {
		name  string
		setup func(c *cluster)
		on    NodeID
		want  error
	}{
		{"a change in progress", func(c *cluster) {
			c.do(1, func(n *Node) error { return n.RemovePeer(c.now, 3) })
		}, 1, ErrConfBusy},
		{"a transfer in progress", func(c *cluster) {
			c.hold(msgFilter{to: 3})
			c.mustPropose(1, "x")
			c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, 3) })
		}, 1, ErrTransferring},
		{"a follower", func(*cluster) {}, 2, ErrNotLeader},
		{"before the term's first entry commits", func(c *cluster) {
			c.hold(msgFilter{from: 2, typ: MsgApp})
			c.elect(2)
		}, 2, ErrNotReady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := replicating(t, 3, nil)
			c.addNode(4, nil)
			tt.setup(c)
			err := c.do(tt.on, func(n *Node) error { return n.AddPeer(c.now, 4) })
			if !errors.Is(err, tt.want) {
				t.Fatalf("AddPeer = %v, want %v", err, tt.want)
			}
		})
	}
	c := replicating(t, 3, nil)
	c.do(1, func(n *Node) error { return n.RemovePeer(c.now, 3) })
	if err := c.do(1, func(n *Node) error { return n.TransferLeadership(c.now, 2) }); !errors.Is(err, ErrConfBusy) {
		t.Fatalf("TransferLeadership during a change = %v, want ErrConfBusy", err)
	}
	if err := c.do(1, func(n *Node) error { return n.ChangePeers(c.now, []NodeID{1, 2, 3}, nil) }); !errors.Is(err, ErrConfBusy) {
		t.Fatalf("ChangePeers during a change = %v, want ErrConfBusy", err)
	}
}

// A new peer that does not catch up before the deadline fails the change
// (ErrCatchupFail) and leaves the configuration as it was. A peer that
// never answered is not caught up, however short the log (SOFAJRaft waits
// for a successful response before it counts the margin).
func TestCatchupFail(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	c.crash(4)
	if err := c.do(1, func(n *Node) error { return n.AddPeer(c.now, 4) }); err != nil {
		t.Fatal(err)
	}
	c.deliverAll()
	cc := c.status(1).ConfChange
	if cc.Stage != ConfCatchingUp {
		t.Fatalf("stage %s with a dead new peer and a %d-entry log, want catching-up", cc.Stage, c.status(1).LastIndex)
	}
	hb := c.node(1).cfg.HeartbeatInterval
	for c.now < cc.Deadline-hb {
		c.advance(hb)
		c.tick(1)
		c.deliverAll()
		if s := c.stageOf(1); s != ConfCatchingUp {
			t.Fatalf("stage %s at %v, before the deadline %v", s, c.now, cc.Deadline)
		}
	}
	c.advance(cc.Deadline - c.now)
	c.tick(1)
	s := c.status(1)
	if s.ConfChange.Stage != ConfNone || s.ConfChange.LastErr != ErrCatchupFail.Error() {
		t.Fatalf("after the deadline: %+v, want no change and %q", s.ConfChange, ErrCatchupFail)
	}
	if fmtConf(s.Conf) != "1,2,3" || len(s.Replicators) != 2 {
		t.Fatalf("conf %s with %d replicators, want 1,2,3 and two", fmtConf(s.Conf), len(s.Replicators))
	}
	if err := c.do(1, func(n *Node) error { return n.RemovePeer(c.now, 3) }); err != nil {
		t.Fatalf("the next change is refused: %v", err)
	}
}

// A new peer that keeps answering but gains nothing on the leader's log
// (its match index moves only as fast as the log grows, as under a load
// that fills its pipeline) is not catching up: at the deadline the change
// fails instead of waiting another round, which under a steady load was
// for ever, refusing every later change and transfer (swarm seed 65804).
// A peer that gets closer, however slowly, still gets its next round.
func TestCatchupFailsWhenTheGapDoesNotClose(t *testing.T) {
	for _, gain := range []uint64{0, 5} {
		c := replicating(t, 3, nil)
		for range 200 {
			if err := c.do(1, func(n *Node) error { _, _, err := n.Propose(c.now, []byte("x")); return err }); err != nil {
				t.Fatal(err)
			}
		}
		c.deliverAll()
		c.addNode(4, nil)
		c.crash(4) // its answers are made up below
		if err := c.do(1, func(n *Node) error { return n.AddPeer(c.now, 4) }); err != nil {
			t.Fatal(err)
		}
		n := c.node(1)
		r := n.replicator(4)
		// Round 1: the peer answered and stands 100 entries behind, far
		// closer than at the start (the whole log): another round.
		r.hasSucceeded, r.matchIndex = true, n.log.lastIndex()-100
		deadline := c.status(1).ConfChange.Deadline
		c.runTo(deadline)
		if s := c.stageOf(1); s != ConfCatchingUp {
			t.Fatalf("gain %d: stage %s after a round that closed the gap from the whole log to 100, want catching-up", gain, s)
		}
		// Round 2: ten more entries, and the peer moves 10+gain.
		for range 10 {
			if err := c.do(1, func(n *Node) error { _, _, err := n.Propose(c.now, []byte("x")); return err }); err != nil {
				t.Fatal(err)
			}
		}
		r.matchIndex += 10 + gain
		next := c.status(1).ConfChange.Deadline
		if next <= deadline {
			t.Fatalf("gain %d: deadline %v after the first round, want past %v", gain, next, deadline)
		}
		c.runTo(next)
		s := c.status(1)
		switch {
		case gain == 0 && (s.ConfChange.Stage != ConfNone || s.ConfChange.LastErr != ErrCatchupFail.Error()):
			t.Fatalf("a peer that moved with the log but gained nothing: %+v, want the change failed with %q", s.ConfChange, ErrCatchupFail)
		case gain > 0 && s.ConfChange.Stage != ConfCatchingUp:
			t.Fatalf("a peer that gained %d entries: %+v, want another round of catching up", gain, s.ConfChange)
		}
	}
}

// runTo keeps node 1 leading up to time at: heartbeats and their answers
// every heartbeat interval, then a tick at at.
func (c *cluster) runTo(at time.Duration) {
	c.t.Helper()
	hb := c.node(1).cfg.HeartbeatInterval
	for c.now+hb < at {
		c.advance(hb)
		c.tick(1)
		c.deliverAll()
	}
	c.advance(at - c.now)
	c.tick(1)
}

// Seed §1 ("A failed start ... retried later") and the joint-consensus
// rule of Raft §6: a leader that finds a joint configuration at the end of
// its log (its predecessor crashed mid-change) completes the change.
func TestNewLeaderFinishesJointChange(t *testing.T) {
	c := replicating(t, 3, nil)
	c.addNode(4, nil)
	c.do(1, func(n *Node) error { return n.AddPeer(c.now, 4) })
	for c.stageOf(1) == ConfCatchingUp {
		if !c.deliverOne(msgFilter{}) {
			t.Fatal("the new peer never caught up")
		}
	}
	// The joint entry reaches everyone, but node 1 never learns it.
	c.hold(msgFilter{to: 1})
	c.deliverAll()
	c.crash(1)
	c.release(msgFilter{})
	c.drop(msgFilter{})
	if s := c.status(2); !s.Conf.Joint() {
		t.Fatalf("node 2's conf %s, want the joint one", fmtConf(s.Conf))
	}
	c.hold(msgFilter{from: 2, typ: MsgApp})
	c.elect(2)
	c.release(msgFilter{})
	if cc := c.status(2).ConfChange; cc.Stage != ConfJoint || cc.Index != c.status(2).TermStart {
		t.Fatalf("new leader's change %+v, want joint, waiting for its first entry %d", cc, c.status(2).TermStart)
	}
	c.deliverAll()
	s := c.status(2)
	if s.ConfChange.Stage != ConfNone || fmtConf(s.Conf) != "1,2,3,4" || s.CommitIndex != s.LastIndex {
		t.Fatalf("after the change: %+v, conf %s, commit %d of %d", s.ConfChange, fmtConf(s.Conf), s.CommitIndex, s.LastIndex)
	}
}

// Raft §6: "a server always uses the latest configuration in its log,
// regardless of whether the entry is committed", so a follower that loses
// an uncommitted config entry when a new leader truncates its stale tail
// (seed §6) must use the one before it again. In real runs the entry that
// replaces a config entry is a newer term's opening config entry, which
// names the same configuration as the one restored
// (testdata/conf-rollback.txt); here the new leader's message carries a
// plain entry, or a different configuration, so the recomputation shows
// on its own.
func TestTruncatedConfigEntryRollsBack(t *testing.T) {
	all := []NodeID{1, 2, 3, 4, 5}
	joint := ConfigState{Voters: []NodeID{1, 2, 3, 4}, OldVoters: all}
	three := ConfigState{Voters: []NodeID{1, 2, 3}}
	tests := []struct {
		name     string
		with     Entry
		wantConf string
	}{
		{"a plain entry: the previous configuration", Entry{Index: 2, Term: 2, Data: []byte("y")}, "1,2,3,4,5"},
		{"a config entry: that configuration", Entry{Index: 2, Term: 2, Type: EntryConfig, Conf: &three}, "1,2,3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Node 2 holds node 1's term-1 joint entry 2, uncommitted.
			n, err := NewNode(0, DefaultConfig(2, all), DurableState{HardState: HardState{Term: 1}, Entries: []Entry{
				{Index: 1, Term: 1, Type: EntryConfig, Conf: &ConfigState{Voters: all}},
				{Index: 2, Term: 1, Type: EntryConfig, Conf: &joint},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if got := fmtConf(n.Status().Conf); got != "1,2,3,4 old:1,2,3,4,5" {
				t.Fatalf("conf %s before, want the joint one", got)
			}
			// Node 3, leader of term 2, overwrites entry 2.
			app := Message{Type: MsgApp, From: 3, To: 2, Term: 2, Index: 1, LogTerm: 1, Entries: []Entry{tt.with}}
			if err := n.Step(0, app); err != nil {
				t.Fatal(err)
			}
			s := n.Status()
			if n.LogTerm(2) != 2 || s.LastIndex != 2 {
				t.Fatalf("log ends at %d with term %d at 2, want entry 2/2", s.LastIndex, n.LogTerm(2))
			}
			if got := fmtConf(s.Conf); got != tt.wantConf {
				t.Fatalf("conf %s after the truncation, want %s", got, tt.wantConf)
			}
		})
	}
}
