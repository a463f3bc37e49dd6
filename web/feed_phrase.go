package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file phrases the world's trace records as sentences for the event
// feed: "n2 timed out and started an election for term 4". It reads the
// values a record was made of (sim.Record), never its formatted text.

// phrased is one record put in words.
type phrased struct {
	// kind is the feed category the event belongs to.
	kind FeedKind
	// nodes has bit id set for every node the event is about.
	nodes uint64
	// text is the sentence.
	text string
}

// phrase puts r in words. An event the feed does not tell apart gets the
// trace's own text, in the category of its kind.
func phrase(r *sim.Record) phrased {
	a := args(r.Args)
	me := nodeName(int(r.Node))
	about := func(kind FeedKind, text string, ids ...uint64) phrased {
		p := phrased{kind: kind, text: text}
		p.nodes = bit(uint64(r.Node))
		for _, id := range ids {
			p.nodes |= bit(id)
		}
		return p
	}
	switch r.Format {
	case sim.FormatWorld:
		return about(FeedOther, fmt.Sprintf("A cluster of %d nodes starts, seed %d: everyone is a follower of term 0.", a.u(1), a.u(0)))
	case sim.FormatRole, sim.FormatElected:
		return about(FeedElections, roleSentence(me, a))
	case sim.FormatReplicatorStarted:
		return about(FeedReplication, fmt.Sprintf("%s starts a replicator for %s in %s.", me, name(a.u(1)), a.s(2)), a.u(1))
	case sim.FormatReplicatorState:
		return about(FeedReplication, stateSentence(me, name(a.u(1)), a.s(2), a.s(3)), a.u(1))
	case sim.FormatReplicatorReset:
		return about(FeedReplication, fmt.Sprintf("%s resets its replicator for %s (version %d → %d): answers to requests already sent will be ignored.",
			me, name(a.u(1)), a.u(2), a.u(3)), a.u(1))
	case sim.FormatRepair:
		return about(FeedReplication, repairSentence(me, name(a.u(1)), a), a.u(1))
	case sim.FormatReplicatorBlocked:
		return about(FeedReplication, fmt.Sprintf("%s's request to %s failed (no answer in time): its replicator waits a heartbeat interval before trying again.", me, name(a.u(1))), a.u(1))
	case sim.FormatReplicatorDestroyed:
		return about(FeedReplication, fmt.Sprintf("%s stops replicating to %s.", me, name(a.u(1))), a.u(1))
	case sim.FormatCrash:
		return about(FeedFaults, me+" crashed: it keeps only what is on its disk.")
	case sim.FormatCrashLost:
		return about(FeedFaults, me+" crashed, losing a write that was not yet on its disk.")
	case sim.FormatRestart:
		return about(FeedFaults, me+" restarts from its disk as a follower.")
	case sim.FormatLink:
		return about(FeedFaults, linkSentence(a.u(0), a.u(1), a.s(2)), a.u(0), a.u(1))
	case sim.FormatPartition:
		return about(FeedFaults, "The network splits into groups "+strings.TrimSuffix(strings.TrimPrefix(a.s(0), "["), "]")+".")
	case sim.FormatIsolate:
		return about(FeedFaults, fmt.Sprintf("%s is cut off from every other node.", name(a.u(0))), a.u(0))
	case sim.FormatHeal:
		return about(FeedFaults, "Every link is healed.")
	case sim.FormatResponseDelay:
		return about(FeedFaults, delaySentence(me, r.Args))
	case sim.FormatHold, sim.FormatRelease:
		verb := "is held on the wire"
		if r.Format == sim.FormatRelease {
			verb = "is released"
		}
		return msgAbout(r, FeedFaults, fmt.Sprintf("Message #%d, %s, %s.", a.u(0), msgText(r.Msg), verb))
	case sim.FormatTransfer:
		return about(FeedMembership, fmt.Sprintf("%s is asked to hand leadership to %s.", name(a.u(0)), name(a.u(1))), a.u(1))
	case sim.FormatChangePeers:
		return about(FeedMembership, fmt.Sprintf("%s proposes a new configuration: voters %s, learners %s.", me, idNames(r.Args, 0), idNames(r.Args, 1)))
	case sim.FormatClientCall, sim.FormatHandCall, sim.FormatClientReturn:
		return about(FeedClient, clientSentence(r.Format, a))
	case sim.FormatPropose:
		return about(FeedClient, proposeSentence(me, r.Args))
	}
	switch r.Kind {
	case sim.EvSend, sim.EvDeliver, sim.EvDrop, sim.EvDuplicate, sim.EvRPCError:
		return msgAbout(r, FeedMessages, messageSentence(r))
	case sim.EvViolation:
		return about(FeedProblems, "Safety check failed: "+strings.TrimPrefix(traceText(r), "safety violation: "))
	case sim.EvError:
		return about(FeedProblems, me+": "+traceText(r))
	case sim.EvPersist, sim.EvApply, sim.EvTimer:
		return about(FeedOther, me+": "+traceText(r))
	case sim.EvFault:
		return about(FeedFaults, traceText(r)) // a scenario's own note
	}
	return about(FeedOther, traceText(r))
}

// traceText is the trace's own text of r.
func traceText(r *sim.Record) string {
	args := r.Args
	if r.Msg != nil {
		args = append(args[:len(args):len(args)], *r.Msg)
	}
	return fmt.Sprintf(r.Format, args...)
}

// msgAbout is an event about message r.Msg: it concerns its sender and
// receiver.
func msgAbout(r *sim.Record, kind FeedKind, text string) phrased {
	p := phrased{kind: kind, text: text, nodes: bit(uint64(r.Node))}
	if r.Msg != nil {
		p.nodes |= bit(uint64(r.Msg.From)) | bit(uint64(r.Msg.To))
	}
	return p
}

// roleSentence tells a role change: an election started or won, a step
// down, a new term learned.
func roleSentence(me string, a args) string {
	from, oldTerm, to, term := a.s(0), a.u(1), a.s(2), a.u(3)
	switch to {
	case "precandidate":
		return fmt.Sprintf("%s timed out without hearing a leader and asks for pre-votes for term %d (no term changes yet).", me, term+1)
	case "candidate":
		if from == "precandidate" {
			return fmt.Sprintf("%s won its pre-vote and started an election for term %d.", me, term)
		}
		return fmt.Sprintf("%s timed out and started an election for term %d.", me, term)
	case "leader":
		if len(a) > 4 {
			return fmt.Sprintf("%s became leader of term %d with votes from %s.", me, term, names(a.s(4)))
		}
		return fmt.Sprintf("%s became leader of term %d.", me, term)
	}
	switch {
	case from == "leader" && term > oldTerm:
		return fmt.Sprintf("%s stepped down: it saw term %d and follows it.", me, term)
	case from == "leader":
		return fmt.Sprintf("%s stepped down as leader of term %d.", me, term)
	case from == "candidate" || from == "precandidate":
		if term > oldTerm {
			return fmt.Sprintf("%s gave up its election: it saw term %d and follows it.", me, term)
		}
		return fmt.Sprintf("%s gave up its election and follows term %d.", me, term)
	}
	return fmt.Sprintf("%s saw term %d and follows it.", me, term)
}

// stateSentence tells a replicator's change of state.
func stateSentence(me, peer, from, to string) string {
	switch to {
	case "Replicate":
		return fmt.Sprintf("%s found where %s's log matches its own: it switches from %s to Replicate and pipelines entries to %s.", me, peer, from, peer)
	case "Probe":
		return fmt.Sprintf("%s lost track of %s's log: it switches from %s to Probe and sends one request at a time to find the match.", me, peer, from)
	case "Snapshot":
		return fmt.Sprintf("%s no longer has the entries %s needs: it sends %s a snapshot.", me, peer, peer)
	}
	return fmt.Sprintf("%s's replicator for %s: %s → %s.", me, peer, from, to)
}

// repairSentence tells a rejected append and the nextIndex repair it led
// to (sim.FormatRepair's arguments).
func repairSentence(me, peer string, a args) string {
	to, reason := a.u(3), a.s(4)
	prevIndex, prevTerm, followerLast, followerTerm := a.u(5), a.u(6), a.u(7), a.u(8)
	why := "it refused"
	switch {
	case prevIndex > followerLast:
		why = fmt.Sprintf("no entry %d (its log ends at %d)", prevIndex, followerLast)
	case followerTerm != 0 && prevTerm != 0:
		why = fmt.Sprintf("no entry %d of term %d (its entry %d is of term %d)", prevIndex, prevTerm, prevIndex, followerTerm)
	case prevTerm != 0:
		why = fmt.Sprintf("no entry %d of term %d", prevIndex, prevTerm)
	}
	how := map[string]string{
		"follower behind":  "just after its last entry",
		"conflicting term": "before the conflicting term",
		"step back":        "one entry back",
	}[reason]
	if how == "" {
		how = reason
	}
	return fmt.Sprintf("%s rejected AppendEntries from %s: %s; %s sets nextIndex for %s to %d (%s).", peer, me, why, me, peer, to, how)
}

// linkSentence tells a change of the link from → to; settings is
// sim.LinkConfig's text, e.g. " down" or " latency=5ms..10ms".
func linkSentence(from, to uint64, settings string) string {
	link := fmt.Sprintf("The link %s → %s", name(from), name(to))
	switch strings.TrimSpace(settings) {
	case "down":
		return link + " is cut: nothing sent that way arrives."
	case "up":
		return link + " is healed."
	}
	return link + " now has" + settings + "."
}

// delaySentence tells a response delay set on a node (boxed arguments:
// node, time.Duration).
func delaySentence(me string, args []any) string {
	if len(args) == 2 {
		if d, ok := args[1].(time.Duration); ok {
			if d == 0 {
				return me + "'s responses are no longer delayed."
			}
			return fmt.Sprintf("%s's responses are delayed by up to %v each.", me, d)
		}
	}
	return me + "'s response delay changed."
}

// clientSentence tells a client call or its return.
func clientSentence(format string, a args) string {
	client, call, op, key, value := a.u(0), a.u(1), a.s(2), a.s(3), a.s(4)
	what := fmt.Sprintf("%s %s=%q", op, key, value)
	if op == "get" {
		what = "get " + key
	}
	switch format {
	case sim.FormatHandCall:
		return fmt.Sprintf("You asked client %d to %s.", client, what)
	case sim.FormatClientReturn:
		if op == "get" {
			return fmt.Sprintf("Client %d's get %s returned %q%s.", client, key, value, callNumber(call))
		}
		return fmt.Sprintf("Client %d's %s is done%s.", client, what, callNumber(call))
	}
	return fmt.Sprintf("Client %d calls %s%s.", client, what, callNumber(call))
}

// callNumber is " (call n)" for a client's n-th call, "" for its first
// (every call by hand is its client's first and only).
func callNumber(n uint64) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (call %d)", n)
}

// proposeSentence tells a command proposed to a leader (boxed arguments:
// data, index, term).
func proposeSentence(me string, args []any) string {
	if len(args) == 3 {
		return fmt.Sprintf("%s accepts the command %q at index %v of term %v.", me, args[0], args[1], args[2])
	}
	return me + " accepts a command."
}

// messageSentence tells a message sent, delivered, lost or refused.
func messageSentence(r *sim.Record) string {
	if r.Msg == nil {
		return traceText(r)
	}
	m := msgText(r.Msg)
	switch r.Kind {
	case sim.EvSend:
		return "Sent: " + m + "."
	case sim.EvDeliver:
		return "Delivered: " + m + "."
	case sim.EvDuplicate:
		return "Duplicated: " + m + "."
	case sim.EvRPCError:
		return fmt.Sprintf("%s got no answer in time: %s.", nodeName(int(r.Msg.From)), m)
	}
	return "Lost: " + m + "."
}

// msgText describes a message briefly, e.g. "n1 → n3 AppendEntries after
// entry 6 of term 2 with 2 entries, commit 5".
func msgText(m *raft.Message) string {
	head := fmt.Sprintf("%s → %s %s", nodeName(int(m.From)), nodeName(int(m.To)), m.Type)
	switch m.Type {
	case raft.MsgApp:
		if m.Heartbeat {
			return head + fmt.Sprintf(" (heartbeat of term %d, commit %d)", m.Term, m.Commit)
		}
		return head + fmt.Sprintf(" after entry %d of term %d with %d entries, commit %d", m.Index, m.LogTerm, len(m.Entries), m.Commit)
	case raft.MsgAppResp, raft.MsgSnapResp:
		if m.Success {
			return head + fmt.Sprintf(" accepted (last index %d)", m.LastLogIndex)
		}
		return head + fmt.Sprintf(" rejected (last index %d)", m.LastLogIndex)
	case raft.MsgVote, raft.MsgPreVote:
		return head + fmt.Sprintf(" for term %d (last entry %d of term %d)", m.Term, m.Index, m.LogTerm)
	case raft.MsgVoteResp, raft.MsgPreVoteResp:
		if m.Success {
			return head + " granted"
		}
		return head + " refused"
	}
	return head + fmt.Sprintf(" (term %d)", m.Term)
}

// args reads a record's arguments by position; a missing or mistyped one
// reads as zero, so an event recorded differently still reads.
type args []any

func (a args) u(i int) uint64 {
	if i < len(a) {
		if v, ok := a[i].(uint64); ok {
			return v
		}
	}
	return 0
}

func (a args) s(i int) string {
	if i < len(a) {
		if v, ok := a[i].(string); ok {
			return v
		}
	}
	return ""
}

// name is nodeName for a trace argument.
func name(id uint64) string { return nodeName(int(id)) }

// names turns "1 2 4" into "n1, n2, n4".
func names(ids string) string {
	f := strings.Fields(ids)
	for i, id := range f {
		f[i] = "n" + id
	}
	return strings.Join(f, ", ")
}

// idNames is names for a boxed argument printed with %v, e.g. "[1 2 3]";
// "none" for an empty list.
func idNames(args []any, i int) string {
	if i >= len(args) {
		return "none"
	}
	s := strings.Trim(fmt.Sprint(args[i]), "[]")
	if s == "" {
		return "none"
	}
	return names(s)
}

// bit is the node set holding only id (ids above 63 are not told apart).
func bit(id uint64) uint64 {
	if id == 0 || id > 63 {
		return 0
	}
	return 1 << id
}
