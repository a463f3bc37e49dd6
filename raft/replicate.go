package raft

import "time"

// This file is the leader side of log replication: how a replicator builds
// requests and handles their responses (seed §§2–5).

// appendPrev returns prevLogIndex = index-1 and its term for an
// AppendEntries whose entries start at index (fillCommonFields). ok is
// false when that entry was compacted and the request is not a heartbeat:
// the follower then needs a snapshot.
func (n *Node) appendPrev(index uint64, heartbeat bool) (prev, prevTerm uint64, ok bool) {
	prev = index - 1
	prevTerm = n.log.term(prev)
	if prev < n.log.snapIndex || (prevTerm == 0 && prev != 0) {
		if !heartbeat {
			return 0, 0, false
		}
		// A heartbeat then only refreshes the follower's leader timestamp.
		prev = 0
	}
	return prev, prevTerm, true
}

// fillCommon adds to the outbox an AppendEntries to r with prevLogIndex
// prev of term prevTerm (appendPrev), stamped as send stamps a message,
// and returns it for the caller to complete in place: an AppendEntries is
// sent for every proposal to every follower, and building it aside copied
// it twice more. The pointer is valid until the next message is sent.
func (n *Node) fillCommon(r *replicator, prev, prevTerm uint64, heartbeat bool) *Message {
	n.msgs = append(n.msgs, Message{})
	m := &n.msgs[len(n.msgs)-1]
	m.Type, m.From, m.To, m.Term = MsgApp, n.id, r.peer, n.term
	m.Index, m.LogTerm, m.Commit, m.Heartbeat = prev, prevTerm, n.commitIndex, heartbeat
	return m
}

// sendHeartbeat sends an empty AppendEntries that is never recorded in flight.
func (n *Node) sendHeartbeat(now time.Duration, r *replicator) {
	prev, prevTerm, _ := n.appendPrev(r.nextIndex, true)
	m := n.fillCommon(r, prev, prevTerm, true)
	m.Version, m.SentAt, m.Context = r.version, now, n.readRound
}

// sendProbe sends an empty AppendEntries to learn where the follower's log
// stands (sendEmptyEntries(false)), unless something is in flight already.
func (n *Node) sendProbe(now time.Duration, r *replicator) {
	if len(r.inflights) > 0 || r.blockedUntil != 0 {
		return
	}
	prev, prevTerm, ok := n.appendPrev(r.nextIndex, false)
	if !ok {
		n.sendSnapshot(now, r)
		return
	}
	n.sendRequest(now, r, n.fillCommon(r, prev, prevTerm, false), 0)
}

// sendRequest stamps m, in the outbox already (fillCommon), with the next
// seq, the replicator's version and its send time, and records it in
// flight.
func (n *Node) sendRequest(now time.Duration, r *replicator, m *Message, bytes int) {
	m.Seq, m.Version, m.SentAt = r.seq, r.version, now
	r.seq++
	r.addInflight(Inflight{Type: RequestAppend, StartIndex: m.Index + 1, Count: len(m.Entries), Bytes: bytes, Seq: m.Seq, Sent: now})
}

// sendEntries sends what r may send now: a probe in StateProbe state, pipelined
// appends in StateReplicate state, bounded by MaxInflight, MaxEntriesPerRequest
// and MaxBytesPerRequest.
func (n *Node) sendEntries(now time.Duration, r *replicator) {
	if r.blockedUntil != 0 {
		return
	}
	switch r.state {
	case StateProbe:
		n.sendProbe(now, r)
		return
	case StateSnapshot:
		n.sendSnapshot(now, r)
		return
	}
	for {
		next := r.nextSendIndex(n.cfg.MaxInflight)
		if next == 0 || next > n.log.lastIndex() {
			return
		}
		prev, prevTerm, ok := n.appendPrev(next, false)
		if !ok {
			n.sendSnapshot(now, r)
			return
		}
		last := min(n.log.lastIndex(), next+uint64(n.cfg.MaxEntriesPerRequest)-1)
		bytes := 0
		for i := next; i <= last; i++ {
			sz := n.log.entry(i).Size()
			if i > next && bytes+sz > n.cfg.MaxBytesPerRequest {
				last = i - 1
				break
			}
			bytes += sz
		}
		m := n.fillCommon(r, prev, prevTerm, false)
		m.Entries = n.log.slice(next, last)
		n.sendRequest(now, r, m, bytes)
	}
}

// handleResponse is onRpcReturned: responses (and RPC failures) wait
// in seq order and are handled only when their turn comes (seed §4).
func (n *Node) handleResponse(now time.Duration, m *Message, failed bool) {
	r := n.replicator(m.From)
	if r == nil {
		return
	}
	if !failed {
		n.heardFrom(r, m)
	}
	if m.Heartbeat {
		n.onHeartbeatReturned(now, r, m)
		return
	}
	if m.Version != r.version || m.Seq < r.requiredNextSeq {
		// Sent before the last reset, or a duplicate of a response
		// already handled: stale.
		return
	}
	if len(r.pending) == 0 && m.Seq == r.requiredNextSeq {
		// Its turn, and nothing waits: no need to queue it.
		if n.handleInTurn(now, r, m.Seq, m, failed) {
			n.sendEntries(now, r)
		}
		return
	}
	r.queueResponse(pendingResponse{seq: m.Seq, msg: *m, failed: failed})
	if len(r.pending) > n.cfg.MaxInflight {
		// The queue overflowed: start over from a probe.
		n.resetToProbe(now, r)
		return
	}
	for len(r.pending) > 0 && r.pending[0].seq <= r.requiredNextSeq {
		p := r.popPending()
		if p.seq < r.requiredNextSeq {
			continue // a duplicate of the response just handled
		}
		if !n.handleInTurn(now, r, p.seq, &p.msg, p.failed) {
			return
		}
	}
	n.sendEntries(now, r)
}

// handleInTurn handles response m (failed: a stand-in for a request that
// failed), whose turn it is (its seq is requiredNextSeq), against the
// oldest request in flight. It returns whether more may be handled and
// sent. Messages go by pointer along the response path: each is read,
// never kept, and copying one costs as much as the checks it goes to.
func (n *Node) handleInTurn(now time.Duration, r *replicator, seq uint64, m *Message, failed bool) bool {
	r.requiredNextSeq++
	if len(r.inflights) == 0 {
		return true // the in-flight requests were cleared
	}
	in := r.popInflight()
	if in.Seq != seq {
		n.resetToProbe(now, r)
		return false
	}
	var more bool
	if in.Type == RequestSnapshot {
		more = n.onInstallSnapshotReturned(now, r, in, m, failed)
	} else {
		more = n.onAppendEntriesReturned(now, r, in, m, failed)
	}
	return more && n.role == Leader
}

func (n *Node) resetToProbe(now time.Duration, r *replicator) {
	r.resetInflights()
	r.setState(StateProbe)
	n.sendProbe(now, r)
}

// onAppendEntriesReturned handles one response in its turn (seed §5). It
// returns whether more may be sent.
func (n *Node) onAppendEntriesReturned(now time.Duration, r *replicator, in Inflight, m *Message, failed bool) bool {
	// 1. The record does not match the request.
	if in.StartIndex != m.Index+1 {
		n.resetToProbe(now, r)
		return false
	}
	// 3. The RPC failed: back off for a heartbeat interval.
	if failed {
		r.setState(StateProbe)
		r.consecutiveErrors++
		r.resetInflights()
		r.block(now + n.cfg.HeartbeatInterval)
		return false
	}
	r.consecutiveErrors = 0
	// 4. Rejected.
	if !m.Success {
		if m.Term > n.term {
			n.staleLeader(now, r, m.Term)
			return false
		}
		r.resetInflights()
		rep := Repair{At: now, From: r.nextIndex, FollowerLast: m.LastLogIndex,
			PrevIndex: m.Index, PrevTerm: n.log.term(m.Index), FollowerTerm: m.LogTerm}
		switch {
		case m.LastLogIndex+1 < r.nextIndex:
			// The follower is behind.
			r.nextIndex = m.LastLogIndex + 1
			rep.Reason = RepairFollowerBehind
		case n.cfg.BacktrackByTerm && m.RejectHint > 0:
			// Skip the follower's whole conflicting term at once.
			r.nextIndex = n.backtrackByTerm(m.LogTerm, m.RejectHint, r.nextIndex)
			rep.Reason, rep.ConflictTerm = RepairConflictTerm, m.LogTerm
		case r.nextIndex > 1:
			// The follower holds a stale tail: step back one entry.
			r.nextIndex--
			rep.Reason = RepairStepBack
		}
		if rep.Reason != 0 {
			rep.To = r.nextIndex
			r.repairs++
			r.changes++
			r.lastRepair = rep
		}
		r.matchIndex = min(r.matchIndex, r.nextIndex-1)
		r.setState(StateProbe)
		n.sendProbe(now, r)
		return false
	}
	// 5. Accepted, but in another term: unreachable here, so not checked.
	// A follower accepts only in the term of the request, so a success
	// carries this leader's term or an older one of this node; Step drops
	// every response of a lower term, and hands the replicator a
	// higher-term response only when it is a rejection (4. above), so a
	// forged higher-term success steps the node down in Step instead (see
	// TestAcceptedInAnotherTerm and testdata/seed-5-5-other-term.txt).
	// 6. Accepted. The replicator moves on before the ballot box is told:
	// a commit can start the next configuration stage, which sends on
	// this replicator too.
	first := r.nextIndex
	r.nextIndex += uint64(in.Count)
	r.matchIndex = r.nextIndex - 1
	r.hasSucceeded = true
	if in.Count > 0 {
		n.commitAt(now, first, r.nextIndex-1, r.peer)
	} else {
		r.setState(StateReplicate)
		if canary(CanaryCommitOldTerm) {
			// Planted bug: a matching probe counts for the older entries.
			n.commitAt(now, 1, r.matchIndex, r.peer)
		}
	}
	if r.timeoutNowIndex > 0 && r.timeoutNowIndex < r.nextIndex {
		// The transfer target has caught up (seed §5.6).
		n.sendTimeoutNow(now, r)
	}
	if n.confCtx.stage == ConfCatchingUp {
		n.advanceConfChange(now)
	}
	return true
}

// backtrackByTerm picks the next index to probe after a rejection that
// named the follower's conflicting term and its first index there: past the
// leader's own entries of that term if it has any, else that first index.
func (n *Node) backtrackByTerm(conflictTerm, firstOfTerm, next uint64) uint64 {
	for i := min(next-1, n.log.lastIndex()); i > n.log.snapIndex; i-- {
		t := n.log.term(i)
		if t == conflictTerm {
			return i + 1
		}
		if t < conflictTerm {
			break
		}
	}
	return max(1, min(firstOfTerm, next-1))
}

// heardFrom records that r's peer answered a request sent at m.SentAt.
// Any answer in this term counts, accepted or rejected, handled in its
// turn or stale: the follower took this node as the term's leader and
// reset its election timer when the request arrived (acceptLeader), and
// that is all check-quorum and the lease rest on. SOFAJRaft refreshes
// lastRpcSendTimestamp only on success; counting only successes made a new
// leader whose followers rejected its heartbeats on a log mismatch (while
// its probes' replies were late) step down in its own term again and
// again. An answer in this term to a request of an earlier term (the
// follower rejects it with its newer term) promises nothing: the follower
// did not take this node as its leader. Such a request left before this
// node became leader, so its echoed send time tells it apart (the caller's
// clock never goes backwards, also across restarts: see doc.go).
func (n *Node) heardFrom(r *replicator, m *Message) {
	if m.Term == n.term && m.SentAt >= n.electedAt {
		r.lastRPCSend = max(r.lastRPCSend, m.SentAt)
	}
}

// onHeartbeatReturned handles a heartbeat's response (SOFAJRaft's
// onHeartbeatReturned): step down on a higher term; otherwise it is
// contact (heardFrom), a read acknowledgement if accepted, and never a
// reason to stall the pipeline.
func (n *Node) onHeartbeatReturned(now time.Duration, r *replicator, m *Message) {
	if m.Term > n.term {
		n.staleLeader(now, r, m.Term)
		return
	}
	r.consecutiveErrors = 0
	if m.Success {
		n.onReadAck(r, m.Context)
		return
	}
	// Rejected: the follower lacks prevLogIndex in this term. In Replicate
	// that is old news: a heartbeat sent in Replicate names an entry the
	// follower acknowledged, durably, and only a higher term could have
	// truncated it, so this one left before the probe found the match and
	// its answer came late. SOFAJRaft queues a probe behind the pipeline
	// here, which holds new appends back for a round trip; ignoring it
	// costs nothing. In Probe the probe in flight (or the one after the
	// block) answers the same question; send it if neither is under way.
	if r.state == StateProbe {
		n.sendProbe(now, r)
	}
}

// commitAt records that peer holds [first, last] and moves the commit index
// when a quorum does.
func (n *Node) commitAt(now time.Duration, first, last uint64, peer NodeID) {
	if !n.ballots.commitAt(first, last, peer) {
		return
	}
	n.commitIndex = n.ballots.lastCommittedIndex
	n.advanceConfChange(now)
}

// staleLeader handles a peer's answer from a higher term (seed §5.4): this
// leader is stale. Its replicator for the peer is destroyed and the node
// steps down to that term, with no leader known yet.
func (n *Node) staleLeader(now time.Duration, r *replicator, term uint64) {
	n.removeReplicator(r.peer)
	n.becomeFollower(now, term, None)
}
