package raft

import "time"

// This file is what happens to a request that gets no answer.

// ReportRPCError tells the node that a request it sent got no response.
func (n *Node) ReportRPCError(now time.Duration, req Message) {
	if req.Type == MsgVote && n.role == Candidate && req.Term == n.term {
		// "Servers retry RPCs if they do not receive a response in a
		// timely manner" (§5.1): ask again while the election lasts.
		if _, answered := n.votes[req.To]; !answered {
			n.send(Message{Type: MsgVote, To: req.To, Term: n.term, Index: n.log.lastIndex(), LogTerm: n.log.lastTerm()})
		}
		return
	}
	if n.role != Leader || (req.Type != MsgApp && req.Type != MsgSnap) || req.Term != n.term {
		return
	}
	if req.Heartbeat {
		if r := n.replicator(req.To); r != nil {
			r.consecutiveErrors++
			r.state = StateProbe
		}
		return
	}
	n.handleResponse(now, Message{Type: req.Type.Response(), From: req.To, Term: req.Term, Index: req.Index,
		Seq: req.Seq, Version: req.Version}, true)
}
