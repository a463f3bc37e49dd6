package raft

import (
	"errors"
	"slices"
	"time"
)

// This file is the read-only service: linearizable reads without writing
// to the log (ReadIndex), confirmed by a heartbeat round or by the lease.

// ReadOnlyOption chooses how a leader confirms it still leads before a read.
type ReadOnlyOption uint8

const (
	// ReadSafe confirms leadership with a round of heartbeats.
	ReadSafe ReadOnlyOption = iota
	// ReadLeaseBased trusts the leader lease instead (dissertation §6.4.1):
	// no other node can win an election while it holds, by the rule and
	// invariant in lease.go. It needs pre-vote (Config.validate) and clocks
	// that drift less than a tenth of ElectionTimeout apart.
	// Refused (ErrLeaseExpired) while the lease does not hold.
	ReadLeaseBased
)

// ErrLeaseExpired refuses a lease-based read when the lease ran out.
var ErrLeaseExpired = errors.New("raft: leader lease expired")

// ReadState answers a ReadIndex call: once the state machine has applied
// Index, a read sees every write committed before the call. Err is set
// (and Index zero) when the read failed.
type ReadState struct {
	// ID is the id given to ReadIndex.
	ID uint64 `json:"id"`
	// Index is the read index: the leader's commit index when the read
	// was confirmed.
	Index uint64 `json:"index"`
	// Err says why the read failed; empty on success.
	Err string `json:"error,omitempty"`
}

// pendingRead is a read waiting for its heartbeat round on a leader.
type pendingRead struct {
	id    uint64
	from  NodeID // the follower that forwarded it, or this node
	call  uint64 // the forwarded request's Call, echoed in the answer
	index uint64
	round uint64
}

// ReadIndex asks for a read index for read id. On a follower the request is
// forwarded to the leader. The answer comes back as a ReadState in a Ready
// (at once when it can be refused or answered immediately).
func (n *Node) ReadIndex(now time.Duration, id uint64) error {
	if n.role != Leader {
		if n.leader == None {
			return &NotLeaderError{}
		}
		n.send(&Message{Type: MsgReadIndex, To: n.leader, Context: id})
		return nil
	}
	index, err := n.leaderRead(now, id, n.id, 0)
	if err != nil {
		return err
	}
	if index != 0 {
		n.readStates = append(n.readStates, ReadState{ID: id, Index: index})
	}
	return nil
}

// leaderRead starts a read on the leader. It returns the read index when
// the read can be answered at once, 0 when it waits for a heartbeat round.
func (n *Node) leaderRead(now time.Duration, id uint64, from NodeID, call uint64) (uint64, error) {
	if canary(CanaryReadUnconfirmed) {
		// Planted bug: answer at once, without a heartbeat round and
		// without waiting for an entry of this term to commit.
		return n.commitIndex, nil
	}
	switch {
	case n.commitIndex < n.termStart:
		return 0, ErrNotReady
	case n.transferee != None:
		return 0, ErrTransferring
	}
	if n.cfg.ReadOnly == ReadLeaseBased {
		if !n.leaseValid(now) {
			return 0, ErrLeaseExpired
		}
		return n.commitIndex, nil
	}
	self := newBallot(0, &n.conf)
	self.grant(n.id)
	if self.isGranted() {
		// This node alone is a quorum (learners never count): no round.
		return n.commitIndex, nil
	}
	n.readRound++
	n.reads = append(n.reads, pendingRead{id: id, from: from, call: call, index: n.commitIndex, round: n.readRound})
	for _, r := range n.replicators {
		n.sendHeartbeat(now, r)
	}
	return 0, nil
}

// onReadAck records that peer answered heartbeat round and releases the
// reads a quorum has confirmed.
func (n *Node) onReadAck(r *replicator, round uint64) {
	r.readAck = max(r.readAck, round)
	done := 0
	for _, p := range n.reads {
		b := newBallot(0, &n.conf)
		b.grant(n.id)
		for _, q := range n.replicators {
			if q.readAck >= p.round {
				b.grant(q.peer)
			}
		}
		if !b.isGranted() {
			break
		}
		n.answerRead(p.id, p.from, p.call, p.index, nil)
		done++
	}
	n.reads = slices.Delete(n.reads, 0, done)
}

func (n *Node) answerRead(id uint64, from NodeID, call, index uint64, err error) {
	if from == n.id {
		rs := ReadState{ID: id, Index: index}
		if err != nil {
			rs = ReadState{ID: id, Err: err.Error()}
		}
		n.readStates = append(n.readStates, rs)
		return
	}
	m := Message{Type: MsgReadIndexResp, To: from, Context: id, Index: index, Success: err == nil, Call: call}
	n.send(&m)
}

// failReads refuses every pending read (the node stopped leading).
func (n *Node) failReads() {
	for _, p := range n.reads {
		n.answerRead(p.id, p.from, p.call, 0, &NotLeaderError{})
	}
	n.reads = nil
}

// handleReadIndex serves a read forwarded by a follower.
func (n *Node) handleReadIndex(now time.Duration, m Message) {
	if n.role != Leader {
		n.send(&Message{Type: MsgReadIndexResp, To: m.From, Context: m.Context, Call: m.Call})
		return
	}
	index, err := n.leaderRead(now, m.Context, m.From, m.Call)
	if err != nil || index != 0 {
		n.answerRead(m.Context, m.From, m.Call, index, err)
	}
}

// handleReadIndexResp passes the leader's answer to the application.
func (n *Node) handleReadIndexResp(m Message) {
	rs := ReadState{ID: m.Context, Index: m.Index}
	if !m.Success {
		rs = ReadState{ID: m.Context, Err: "raft: the leader refused the read"}
	}
	n.readStates = append(n.readStates, rs)
}
