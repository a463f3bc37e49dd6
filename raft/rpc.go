package raft

import "time"

// This file is what happens to a request that gets no answer: the caller
// reports it (ReportRPCError), or it times out in the node (RPCTimeout).

// ReportRPCError tells the node that a request it sent got no response.
func (n *Node) ReportRPCError(now time.Duration, req Message) {
	if req.Type == MsgVote && n.role == Candidate && req.Term == n.term {
		// "Servers retry RPCs if they do not receive a response in a
		// timely manner" (§5.1): ask again while the election lasts.
		if _, answered := n.votes[req.To]; !answered {
			n.send(&Message{Type: MsgVote, To: req.To, Term: n.term, Index: n.log.lastIndex(), LogTerm: n.log.lastTerm()})
		}
		return
	}
	if n.role != Leader || (req.Type != MsgApp && req.Type != MsgSnap) || req.Term != n.term {
		return
	}
	if req.Heartbeat {
		// A heartbeat is not in flight, so nothing waits for it: count the
		// error and carry on. SOFAJRaft's onHeartbeatReturned also marks
		// the replicator Probe, but its sendEntries does not read that
		// mark, so its pipeline goes on; ours would stop in Probe until
		// everything in flight came back, round trips lost for nothing
		// (TestHeartbeatTroubleCostsNoRoundTrips).
		if r := n.replicator(req.To); r != nil {
			r.consecutiveErrors++
		}
		return
	}
	f := failure(req.Type.Response(), req.To, req.Term, req.Index, req.Seq, req.Version)
	n.handleResponse(now, &f, true)
}

// expireRequests fails, exactly as ReportRPCError would, the oldest
// request of each replicator once it has been in flight for RPCTimeout.
// Failing it resets the replicator (a new version), so its answer, should
// it come after all, is stale.
func (n *Node) expireRequests(now time.Duration) {
	timeout := n.cfg.rpcTimeout()
	for _, r := range n.replicators {
		if e := r.expiry(timeout); e != 0 && now >= e {
			in := r.inflights[0]
			typ := MsgAppResp
			if in.Type == RequestSnapshot {
				typ = MsgSnapResp
			}
			f := failure(typ, r.peer, n.term, in.StartIndex-1, in.Seq, r.version)
			n.handleResponse(now, &f, true)
		}
	}
}

// failure is the stand-in response handleResponse gets for a request that
// failed: it matches the request as a real response would.
func failure(typ MsgType, peer NodeID, term, index, seq, version uint64) Message {
	return Message{Type: typ, From: peer, Term: term, Index: index, Seq: seq, Version: version}
}
