package raft

import (
	"fmt"
	"strconv"
	"strings"
)

// This file prints what the harness traces: messages, entries, id sets,
// configurations and node status, one line each.

// fmtMsg prints a message with the fields its type uses.
func fmtMsg(m Message) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d->%d %s term=%d", m.From, m.To, m.Type, m.Term)
	ok := func(yes, no string) string {
		if m.Success {
			return yes
		}
		return no
	}
	switch m.Type {
	case MsgPreVote, MsgVote:
		fmt.Fprintf(&b, " last=%d/%d", m.Index, m.LogTerm)
		if m.TransferFrom != None {
			fmt.Fprintf(&b, " transfer-from=%d", m.TransferFrom)
		}
	case MsgPreVoteResp, MsgVoteResp, MsgTimeoutNowResp:
		b.WriteString(ok(" granted", " rejected"))
	case MsgApp:
		switch {
		case m.Heartbeat:
			fmt.Fprintf(&b, " heartbeat prev=%d/%d commit=%d", m.Index, m.LogTerm, m.Commit)
			if m.Context != 0 {
				fmt.Fprintf(&b, " round=%d", m.Context)
			}
			return b.String()
		case len(m.Entries) == 0:
			fmt.Fprintf(&b, " probe prev=%d/%d commit=%d", m.Index, m.LogTerm, m.Commit)
		default:
			fmt.Fprintf(&b, " prev=%d/%d [%s] commit=%d", m.Index, m.LogTerm, fmtEntries(m.Entries), m.Commit)
		}
		fmt.Fprintf(&b, " seq=%d v=%d", m.Seq, m.Version)
	case MsgAppResp, MsgSnapResp:
		fmt.Fprintf(&b, " %s last=%d", ok("ok", "reject"), m.LastLogIndex)
		if m.RejectHint != 0 {
			fmt.Fprintf(&b, " hint=%d/%d", m.RejectHint, m.LogTerm)
		}
		if m.Heartbeat {
			b.WriteString(" heartbeat")
			if m.Context != 0 {
				fmt.Fprintf(&b, " round=%d", m.Context)
			}
			return b.String()
		}
		fmt.Fprintf(&b, " seq=%d v=%d", m.Seq, m.Version)
	case MsgSnap:
		fmt.Fprintf(&b, " snapshot=%d/%d commit=%d seq=%d v=%d", m.Index, m.LogTerm, m.Commit, m.Seq, m.Version)
	case MsgReadIndex:
		fmt.Fprintf(&b, " id=%d", m.Context)
	case MsgReadIndexResp:
		if m.Success {
			fmt.Fprintf(&b, " id=%d index=%d", m.Context, m.Index)
		} else {
			fmt.Fprintf(&b, " id=%d refused", m.Context)
		}
	}
	return b.String()
}

// fmtEntries prints entries as index/term, config entries with their
// configuration and normal ones with their data.
func fmtEntries(ents []Entry) string {
	parts := make([]string, len(ents))
	for i, e := range ents {
		s := fmt.Sprintf("%d/%d", e.Index, e.Term)
		if e.Type == EntryConfig && e.Conf != nil {
			s += " conf:" + fmtConf(*e.Conf)
		} else if len(e.Data) > 0 {
			s += " " + string(e.Data)
		}
		parts[i] = s
	}
	return strings.Join(parts, ", ")
}

func fmtIDs(ids []NodeID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ",")
}

func fmtConf(c ConfigState) string {
	s := fmtIDs(c.Voters)
	if len(c.OldVoters) > 0 {
		s += " old:" + fmtIDs(c.OldVoters)
	}
	if len(c.Learners) > 0 {
		s += " learners:" + fmtIDs(c.Learners)
	}
	return s
}

// fmtStatus prints a node's status over several lines: what the
// playground shows, in the seed's vocabulary.
func fmtStatus(s Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d: %s term=%d vote=%d leader=%d\n", s.ID, s.Role, s.Term, s.Vote, s.Leader)
	fmt.Fprintf(&b, "  log=[%d,%d] last-term=%d stable=%d commit=%d applied=%d", s.FirstIndex, s.LastIndex, s.LastLogTerm, s.StableIndex, s.CommitIndex, s.AppliedIndex)
	if s.SnapshotIndex != 0 {
		fmt.Fprintf(&b, " snapshot=%d/%d", s.SnapshotIndex, s.SnapshotTerm)
	}
	fmt.Fprintf(&b, "\n  conf=%s", fmtConf(s.Conf))
	if s.Role != Leader {
		fmt.Fprintf(&b, " election-due=%v", s.ElectionDue)
		return b.String()
	}
	fmt.Fprintf(&b, " term-start=%d step-down-due=%v", s.TermStart, s.StepDownDue)
	if cc := s.ConfChange; cc != nil && (cc.Stage != ConfNone || cc.LastErr != "") {
		fmt.Fprintf(&b, "\n  conf-change: stage=%s", cc.Stage)
		if cc.Target != nil {
			fmt.Fprintf(&b, " target=%s", fmtConf(*cc.Target))
		}
		if len(cc.NewPeers) > 0 {
			fmt.Fprintf(&b, " new-peers=%s deadline=%v", fmtIDs(cc.NewPeers), cc.Deadline)
		}
		if cc.Index != 0 {
			fmt.Fprintf(&b, " index=%d", cc.Index)
		}
		if cc.LastErr != "" {
			fmt.Fprintf(&b, " last-error=%q", cc.LastErr)
		}
	}
	if s.Transferee != None {
		fmt.Fprintf(&b, "\n  transferee=%d transfer-due=%v", s.Transferee, s.TransferDue)
	}
	if s.PendingReads > 0 {
		fmt.Fprintf(&b, "\n  pending-reads=%d", s.PendingReads)
	}
	if bb := s.BallotBox; bb != nil {
		fmt.Fprintf(&b, "\n  ballot-box: pending-index=%d last-committed=%d", bb.PendingIndex, bb.LastCommittedIndex)
		for _, bl := range bb.Ballots {
			fmt.Fprintf(&b, " %d:{%s}", bl.Index, fmtIDs(bl.Granted))
		}
	}
	for _, r := range s.Replicators {
		fmt.Fprintf(&b, "\n  replicator %d: %s next=%d match=%d seq=%d required=%d version=%d",
			r.Peer, r.State, r.NextIndex, r.MatchIndex, r.Seq, r.RequiredNextSeq, r.Version)
		var in []string
		for _, f := range r.Inflights {
			kind := "append"
			if f.Type == RequestSnapshot {
				kind = "snapshot"
			}
			in = append(in, fmt.Sprintf("%d:%s@%d+%d", f.Seq, kind, f.StartIndex, f.Count))
		}
		fmt.Fprintf(&b, " inflights=[%s]", strings.Join(in, " "))
		pend := make([]string, len(r.PendingResponses))
		for i, p := range r.PendingResponses {
			pend[i] = strconv.FormatUint(p, 10)
		}
		fmt.Fprintf(&b, " pending=[%s]", strings.Join(pend, " "))
		if r.ConsecutiveErrors != 0 {
			fmt.Fprintf(&b, " errors=%d", r.ConsecutiveErrors)
		}
		if r.BlockedUntil != 0 {
			fmt.Fprintf(&b, " blocked-until=%v", r.BlockedUntil)
		}
		if r.TimeoutNowIndex != 0 {
			fmt.Fprintf(&b, " timeout-now-index=%d", r.TimeoutNowIndex)
		}
	}
	return b.String()
}
