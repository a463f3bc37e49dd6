package raft

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// This file is the configuration context: membership changes one at a time,
// through catching up, a joint configuration, then the stable one.

// ConfStage is where a membership change stands.
type ConfStage uint8

const (
	// ConfNone: no change in progress.
	ConfNone ConfStage = iota
	// ConfCatchingUp: new peers receive the log until they are within
	// CatchupMargin entries of the leader, or the deadline passes.
	ConfCatchingUp
	// ConfJoint: the joint configuration (old and new voters) is in the
	// log; the change waits for it to commit.
	ConfJoint
	// ConfStable: the new configuration is in the log; the change waits for
	// it to commit.
	ConfStable
)

// String returns the stage's name.
func (s ConfStage) String() string {
	return [...]string{"none", "catching-up", "joint", "stable"}[s]
}

// MarshalText makes stages readable in JSON.
func (s ConfStage) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Errors a membership change or a proposal can be refused with.
var (
	ErrConfBusy     = errors.New("raft: a configuration change is in progress")
	ErrNotReady     = errors.New("raft: the leader has not committed an entry of its term yet")
	ErrTransferring = errors.New("raft: leadership transfer in progress")
	ErrCatchupFail  = errors.New("raft: new peers did not catch up in time")
)

// confCtx tracks the membership change in progress on a leader.
type confCtx struct {
	stage ConfStage
	// target is the configuration the change leads to.
	target ConfigState
	// newPeers are the peers being caught up (ConfCatchingUp): those new
	// to the configuration and learners the change makes voters.
	newPeers []NodeID
	// deadline of the catching-up stage; it moves on while the new peers
	// get closer to the leader's log.
	deadline time.Duration
	// behind holds, per new peer, how far its match index was behind the
	// leader's last index at the last deadline (at the start of the change
	// for the first one).
	// Invariant: len(behind) == len(newPeers).
	behind []uint64
	// index of the config entry the stage waits to see committed.
	index uint64
	// result of the last finished change (nil on success); for Status.
	lastErr error
}

// ConfChangeStatus is the observable state of the configuration context.
type ConfChangeStatus struct {
	// Stage is where the change stands (ConfNone when there is none).
	Stage ConfStage `json:"stage"`
	// Target is the configuration the change leads to, nil without one.
	Target *ConfigState `json:"target,omitempty"`
	// NewPeers are the peers being caught up before the joint stage.
	NewPeers []NodeID `json:"new_peers,omitempty"`
	// Deadline is when catching up fails with ErrCatchupFail.
	Deadline time.Duration `json:"deadline_ns,omitempty"`
	// Index is the config entry the current stage waits to see committed.
	Index uint64 `json:"index,omitempty"`
	// LastErr is the error the last finished change ended with, if any.
	LastErr string `json:"last_error,omitempty"`
}

// statusInto fills s, reusing its NewPeers and Target.
func (c *confCtx) statusInto(s *ConfChangeStatus) {
	target := s.Target
	*s = ConfChangeStatus{Stage: c.stage, NewPeers: append(s.NewPeers[:0], c.newPeers...), Deadline: c.deadline, Index: c.index}
	if len(s.NewPeers) == 0 {
		s.NewPeers = nil
	}
	if c.stage != ConfNone {
		if target == nil {
			target = &ConfigState{}
		}
		*target = c.target.cloneInto(*target)
		s.Target = target
	}
	if c.lastErr != nil {
		s.LastErr = c.lastErr.Error()
	}
}

// AddPeer adds a voter.
func (n *Node) AddPeer(now time.Duration, id NodeID) error {
	c := n.conf.Clone()
	if slices.Contains(c.Voters, id) {
		return fmt.Errorf("raft: node %d is already a voter", id)
	}
	c.Learners = slices.DeleteFunc(c.Learners, func(l NodeID) bool { return l == id })
	return n.ChangePeers(now, append(c.Voters, id), c.Learners)
}

// RemovePeer removes a voter (or a learner).
func (n *Node) RemovePeer(now time.Duration, id NodeID) error {
	c := n.conf.Clone()
	if !slices.Contains(c.Voters, id) && !slices.Contains(c.Learners, id) {
		return fmt.Errorf("raft: node %d is not in the configuration", id)
	}
	del := func(l NodeID) bool { return l == id }
	return n.ChangePeers(now, slices.DeleteFunc(c.Voters, del), slices.DeleteFunc(c.Learners, del))
}

// AddLearner adds a node that receives the log but never votes.
func (n *Node) AddLearner(now time.Duration, id NodeID) error {
	c := n.conf.Clone()
	if c.IsVoter(id) || slices.Contains(c.Learners, id) {
		return fmt.Errorf("raft: node %d is already in the configuration", id)
	}
	return n.ChangePeers(now, c.Voters, append(c.Learners, id))
}

// PromoteLearner turns a learner into a voter. Like a new peer, the learner
// first catches up to within CatchupMargin of the leader's log; only then
// does the joint configuration enter the log (see ChangePeers).
func (n *Node) PromoteLearner(now time.Duration, id NodeID) error {
	if !slices.Contains(n.conf.Learners, id) {
		return fmt.Errorf("raft: node %d is not a learner", id)
	}
	return n.AddPeer(now, id)
}

// ChangePeers starts a change to the given voters and learners. Only one
// change runs at a time; it proceeds as the log commits (see ConfStage).
// Every peer that joins, and every learner that becomes a voter, must
// catch up first; if one makes no progress for a whole catch-up deadline
// the change ends with ErrCatchupFail and the configuration is unchanged.
func (n *Node) ChangePeers(now time.Duration, voters, learners []NodeID) error {
	if err := n.checkLeaderCanChange(); err != nil {
		return err
	}
	target := ConfigState{Voters: sortedSet(voters), Learners: sortedSet(learners)}
	if len(target.Voters) == 0 {
		return errors.New("raft: a configuration needs at least one voter")
	}
	if len(target.Voters) > MaxVoters {
		return fmt.Errorf("raft: a configuration has at most %d voters, got %d", MaxVoters, len(target.Voters))
	}
	for _, l := range target.Learners {
		if slices.Contains(target.Voters, l) {
			return fmt.Errorf("raft: node %d cannot be both voter and learner", l)
		}
	}
	if slices.Equal(target.Voters, n.conf.Voters) && slices.Equal(target.Learners, n.conf.Learners) {
		return errors.New("raft: the configuration is unchanged")
	}
	n.confCtx = confCtx{stage: ConfCatchingUp, target: target, deadline: now + n.cfg.ElectionTimeout*4}
	for _, p := range target.Peers() {
		if p == n.id {
			continue
		}
		if n.replicator(p) == nil {
			n.addReplicator(now, p)
		} else if n.conf.IsVoter(p) || !target.IsVoter(p) {
			continue // a voter that stays one, or a learner that stays one
		}
		// A peer new to the configuration, or a learner about to vote:
		// both catch up before the joint entry, as SOFAJRaft's
		// ConfigurationCtx does for every adding peer, so that a voter far
		// behind never holds up the joint quorum.
		n.confCtx.newPeers = append(n.confCtx.newPeers, p)
		n.confCtx.behind = append(n.confCtx.behind, n.log.lastIndex()-n.replicator(p).matchIndex)
	}
	n.advanceConfChange(now)
	return nil
}

func (n *Node) checkLeaderCanChange() error {
	switch {
	case n.role != Leader:
		return &NotLeaderError{Leader: n.leader}
	case n.transferee != None:
		return ErrTransferring
	case n.confCtx.stage != ConfNone:
		return ErrConfBusy
	case n.commitIndex < n.termStart:
		return ErrNotReady
	}
	return nil
}

// catchupProgressed reports whether any new peer got closer to the leader's
// last index since the last deadline, and remembers where they stand now.
// Closer, not merely moved: under a load that fills the pipeline to the new
// peer, its match index moves as fast as the log grows and the gap never
// closes, and a change that waited for it would hold every later change
// and transfer (ErrConfBusy) for as long as the load lasts (swarm seed
// 65804).
func (n *Node) catchupProgressed() bool {
	c := &n.confCtx
	closer := false
	last := n.log.lastIndex()
	for i, p := range c.newPeers {
		r := n.replicator(p)
		if r == nil {
			continue
		}
		gap := last - min(r.matchIndex, last)
		if r.hasSucceeded && gap < c.behind[i] {
			closer = true
		}
		c.behind[i] = gap
	}
	return closer
}

// caughtUp reports whether peer has answered and its log is within
// CatchupMargin of the leader's.
func (n *Node) caughtUp(peer NodeID) bool {
	r := n.replicator(peer)
	return r != nil && r.hasSucceeded && r.matchIndex+uint64(n.cfg.CatchupMargin) >= n.log.lastIndex()
}

// advanceConfChange moves the change on when its stage is done. It is called
// when the commit index moves, when a replicator makes progress, and on Tick.
func (n *Node) advanceConfChange(now time.Duration) {
	c := &n.confCtx
	switch c.stage {
	case ConfCatchingUp:
		if !slices.ContainsFunc(c.newPeers, func(p NodeID) bool { return !n.caughtUp(p) }) {
			// Learners and unchanged voters need no joint stage.
			if slices.Equal(c.target.Voters, n.conf.Voters) {
				n.enterStable(now)
			} else {
				c.stage = ConfJoint
				joint := ConfigState{Voters: c.target.Voters, Learners: c.target.Learners, OldVoters: slices.Clone(n.conf.Voters)}
				c.index = n.appendEntry(Entry{Type: EntryConfig, Conf: &joint})
			}
			n.replicateAll(now)
		} else if now >= c.deadline {
			if n.catchupProgressed() {
				// Still getting closer: wait another round. (SOFAJRaft
				// waits again for any replicator that keeps succeeding,
				// which under a steady load can be for ever.)
				c.deadline = now + n.cfg.ElectionTimeout*4
			} else {
				n.finishConfChange(now, ErrCatchupFail)
			}
		}
	case ConfJoint:
		if n.commitIndex >= c.index {
			n.enterStable(now)
			n.replicateAll(now)
		}
	case ConfStable:
		if n.commitIndex >= c.index {
			n.finishConfChange(now, nil)
		}
	}
}

func (n *Node) enterStable(now time.Duration) {
	c := &n.confCtx
	c.stage = ConfStable
	stable := c.target.Clone()
	c.index = n.appendEntry(Entry{Type: EntryConfig, Conf: &stable})
}

// finishConfChange ends the change: replicators of peers no longer in the
// configuration go; a leader that removed itself steps down and wakes a
// successor.
func (n *Node) finishConfChange(now time.Duration, err error) {
	n.confCtx = confCtx{lastErr: err}
	peers := n.conf.Peers()
	for _, r := range slices.Clone(n.replicators) {
		if !slices.Contains(peers, r.peer) {
			n.removeReplicator(r.peer)
		}
	}
	if !n.conf.IsVoter(n.id) {
		if next := n.mostUpToDate(); next != None {
			// SentAt lets the target tell it from a stale one (lease.go).
			n.send(&Message{Type: MsgTimeoutNow, To: next, SentAt: now})
		}
		n.becomeFollower(now, n.term, None)
	}
}

// mostUpToDate is the voter (other than this node) with the highest match index.
func (n *Node) mostUpToDate() NodeID {
	best, bestMatch := None, uint64(0)
	for _, r := range n.replicators {
		if n.conf.IsVoter(r.peer) && (best == None || r.matchIndex > bestMatch) {
			best, bestMatch = r.peer, r.matchIndex
		}
	}
	return best
}

func (n *Node) replicateAll(now time.Duration) {
	for _, r := range n.replicators {
		n.sendEntries(now, r)
	}
}
