package web

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// View is what the page shows of a playground at one moment. It is plain
// data taken from one state of the world, so the components only format it
// and the page never mixes two moments.
type View struct {
	// Now is the virtual time, e.g. "1.234 s".
	Now string
	// Term is the leader's term or, without a leader, the highest term of
	// a running node.
	Term uint64
	// Leader is the leader's id, 0 when there is none.
	Leader int
	// Up is how many nodes run, out of len(Nodes).
	Up int
	// Speed and Paused describe the clock.
	Speed  float64
	Paused bool
	// Events counts the trace events so far.
	Events uint64

	// Nodes has one entry per node, by id.
	Nodes []NodeView
	// LeaderPanel is the leader's replication state, nil without a leader.
	LeaderPanel *LeaderView

	// Result answers the last proposal; ResultFailed marks an error.
	Result       string
	ResultFailed bool
	// Notice is the error of the last crash or restart, if any.
	Notice string
	// Proposals are the latest proposals, newest first.
	Proposals []ProposalView

	// AllEvents is set when RecentEvents lists every event, not only the
	// notable ones.
	AllEvents bool
	// RecentEvents are the latest events, newest first.
	RecentEvents []EventView
}

// LeaderText is the leader as the header shows it.
func (v *View) LeaderText() string {
	if v.Leader == 0 {
		return "none"
	}
	return fmt.Sprintf("n%d", v.Leader)
}

// UpText is how many nodes run, e.g. "4/5".
func (v *View) UpText() string { return fmt.Sprintf("%d/%d", v.Up, len(v.Nodes)) }

// NodeView is one node as its card shows it.
type NodeView struct {
	// ID is the node's id, 1..n.
	ID int
	// Up is false while the node is crashed; its numbers then come from
	// its disk (term, vote, log) and commit and applied are zero.
	Up bool
	// Role is "leader", "follower", "precandidate", "candidate", or "down".
	Role string
	// Term and Vote (0: none) are the node's hard state.
	Term uint64
	Vote int
	// Leader is the leader this node knows of, 0 if none.
	Leader int
	// LastIndex is the index of the last log entry (the log length
	// without compaction), CommitIndex and AppliedIndex how far it is
	// committed and applied.
	LastIndex    uint64
	CommitIndex  uint64
	AppliedIndex uint64
}

// VoteText is the vote as the card shows it.
func (n *NodeView) VoteText() string { return nodeName(n.Vote) }

// LeaderText is the known leader as the card shows it.
func (n *NodeView) LeaderText() string { return nodeName(n.Leader) }

// CommitText is the commit index as the card shows it: "–" while down,
// since a crashed node keeps no commit index.
func (n *NodeView) CommitText() string { return indexWhileUp(n.Up, n.CommitIndex) }

// AppliedText is the applied index as the card shows it: "–" while down.
func (n *NodeView) AppliedText() string { return indexWhileUp(n.Up, n.AppliedIndex) }

func indexWhileUp(up bool, index uint64) string {
	if !up {
		return "–"
	}
	return strconv.FormatUint(index, 10)
}

// Name is the node's short name, e.g. "n3".
func (n *NodeView) Name() string { return nodeName(n.ID) }

// RoleText is the role as the card shows it.
func (n *NodeView) RoleText() string {
	if n.Role == "precandidate" {
		return "pre-candidate"
	}
	return n.Role
}

// LeaderView is the state of the leader's replicators and ballot box.
type LeaderView struct {
	// ID and Term of the leader.
	ID   int
	Term uint64
	// PendingIndex is the first index the ballot box waits on; entries
	// below it are committed.
	PendingIndex uint64
	// CommitIndex is the leader's commit index.
	CommitIndex uint64
	// Replicators has one row per peer, by peer id.
	Replicators []ReplicatorView
}

// ReplicatorView is one replicator as the leader table shows it.
type ReplicatorView struct {
	// Peer is the follower this replicator feeds.
	Peer int
	// State is "Probe", "Replicate" or "Snapshot".
	State string
	// NextIndex is the next entry to send, MatchIndex the last one known
	// to match the leader's log.
	NextIndex  uint64
	MatchIndex uint64
	// Inflight counts requests sent and not yet answered.
	Inflight int
	// Errors counts consecutive failed requests.
	Errors int
	// Blocked is how much longer the replicator waits before retrying, or
	// "" when it is not blocked.
	Blocked string
}

// ProposalView is a proposed command and how far it got.
type ProposalView struct {
	// Index and Term the leader gave the command.
	Index uint64
	Term  uint64
	// Command is the proposed command.
	Command string
	// Committed counts the running nodes that committed the command, out
	// of Nodes; Majority is set once a majority of all nodes did.
	Committed int
	Nodes     int
	Majority  bool
	// Lost is set when another entry was committed at Index: the leader
	// lost the command before it reached a majority.
	Lost bool
}

// Text describes the proposal, e.g. "index 7: committed on 3/5".
func (p *ProposalView) Text() string {
	if p.Lost {
		return fmt.Sprintf("index %d: lost (another entry was committed there)", p.Index)
	}
	return fmt.Sprintf("index %d: committed on %d/%d", p.Index, p.Committed, p.Nodes)
}

// EventView is one trace event.
type EventView struct {
	// N numbers the event in the whole run.
	N uint64
	// At is the virtual time, e.g. "1.234".
	At string
	// Kind is the event kind, e.g. "role".
	Kind string
	// Node is the node's name, e.g. "n2".
	Node string
	// Text describes the event.
	Text string
}

// View returns what the page shows of the playground now.
func (p *Playground) View() View {
	st := p.world.Status()
	v := View{
		Now:          formatSeconds(st.Now) + " s",
		Leader:       int(st.Leader),
		Speed:        p.speed,
		Paused:       p.paused,
		Events:       st.Events,
		Result:       p.result,
		ResultFailed: p.resultFailed,
		Notice:       p.notice,
		AllEvents:    p.allEvents,
		Nodes:        make([]NodeView, 0, len(st.Nodes)),
	}
	for i := range st.Nodes {
		ns := &st.Nodes[i]
		nv := NodeView{
			ID: int(ns.ID), Up: ns.Up, Role: ns.Role.String(),
			Term: ns.Term, Vote: int(ns.Vote), Leader: int(ns.Leader),
			LastIndex: ns.LastIndex, CommitIndex: ns.CommitIndex, AppliedIndex: ns.AppliedIndex,
		}
		if !ns.Up {
			nv.Role = "down"
			nv.Leader = 0
		} else {
			v.Up++
			v.Term = max(v.Term, ns.Term)
		}
		if ns.ID == st.Leader {
			v.Term = ns.Term
			v.LeaderPanel = leaderView(st.Now, &ns.Status)
		}
		v.Nodes = append(v.Nodes, nv)
	}
	v.Proposals = p.proposalViews(st.Nodes)
	v.RecentEvents = p.eventViews()
	return v
}

func leaderView(now time.Duration, s *raft.Status) *LeaderView {
	lv := &LeaderView{ID: int(s.ID), Term: s.Term, CommitIndex: s.CommitIndex}
	if s.BallotBox != nil {
		lv.PendingIndex = s.BallotBox.PendingIndex
	}
	for _, r := range s.Replicators {
		rv := ReplicatorView{
			Peer: int(r.Peer), State: r.State.String(),
			NextIndex: r.NextIndex, MatchIndex: r.MatchIndex,
			Inflight: len(r.Inflights), Errors: r.ConsecutiveErrors,
		}
		if r.BlockedUntil > now {
			rv.Blocked = formatMillis(r.BlockedUntil - now)
		}
		lv.Replicators = append(lv.Replicators, rv)
	}
	return lv
}

// proposalViews says, for each proposal, on how many running nodes it is
// committed. A node committed the command if it applied an entry at its
// index with its term; every committed entry is applied at once in the
// simulator, so applied and committed only differ between two steps.
func (p *Playground) proposalViews(nodes []sim.NodeStatus) []ProposalView {
	if len(p.proposals) == 0 {
		return nil
	}
	applied := make([][]raft.Entry, len(nodes))
	for i := range nodes {
		if nodes[i].Up {
			applied[i], _ = p.world.Applied(nodes[i].ID)
		}
	}
	out := make([]ProposalView, 0, len(p.proposals))
	for _, pr := range slices.Backward(p.proposals) {
		pv := ProposalView{Index: pr.Index, Term: pr.Term, Command: pr.command, Nodes: len(nodes)}
		for _, entries := range applied {
			i, found := slices.BinarySearchFunc(entries, pr.Index, func(e raft.Entry, idx uint64) int {
				return cmp.Compare(e.Index, idx)
			})
			switch {
			case !found:
			case entries[i].Term == pr.Term:
				pv.Committed++
			default:
				pv.Lost = true
			}
		}
		pv.Majority = !pv.Lost && pv.Committed > len(nodes)/2
		out = append(out, pv)
	}
	return out
}

func (p *Playground) eventViews() []EventView {
	events := p.notable
	if p.allEvents {
		events = p.world.Trace().Recent(keepEvents)
	}
	out := make([]EventView, 0, len(events))
	for _, ev := range slices.Backward(events) {
		out = append(out, EventView{
			N: ev.N, At: formatSeconds(ev.At), Kind: ev.Kind.String(),
			Node: nodeName(int(ev.Node)), Text: ev.Text,
		})
	}
	return out
}

// nodeName is "n<id>", or "–" for no node.
func nodeName(id int) string {
	if id == 0 {
		return "–"
	}
	return fmt.Sprintf("n%d", id)
}

// formatSeconds shows d in seconds with millisecond precision.
func formatSeconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}

// formatMillis shows d in whole milliseconds, rounded up.
func formatMillis(d time.Duration) string {
	return fmt.Sprintf("%d ms", (d+time.Millisecond-1)/time.Millisecond)
}
