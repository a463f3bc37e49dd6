package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
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
	// NowMs and EndMs place the scrubber: the moment shown and the run's
	// end, in whole virtual milliseconds; End is the end as text. Behind
	// is set when the moment shown is before the end (playing replays
	// the run, acting forks it there).
	NowMs, EndMs int64
	End          string
	Behind       bool
	// Handled counts the events the world has handled (what a scenario's
	// "at T step N" counts; Step adds one).
	Handled uint64
	// Events counts the trace events so far.
	Events uint64

	// Nodes has one entry per node, by id.
	Nodes []NodeView
	// Links has one entry per directed link, row by row (from 1, to 2..n;
	// from 2, to 1, 3..n; ...); the page lays them out as an n×n matrix
	// with an empty diagonal.
	Links []LinkView
	// Cut counts the links that are down.
	Cut int
	// LeaderPanel is the leader's replication state, nil without a leader.
	LeaderPanel *LeaderView
	// Message is the message selected in the cluster view, nil for none.
	Message *MessageView
	// CopyStatus says what the last Copy link did ("" for nothing).
	CopyStatus string
	// Loading is set while a followed run link loads: Notice then says
	// how far it has come (news, not an error).
	Loading bool
	// Wire lists the messages on the wire while the page is paused (nil
	// while it plays: they come and go faster than a list can be read).
	Wire *WireList

	// Result answers the last proposal; ResultFailed marks an error.
	Result       string
	ResultFailed bool
	// Notice is the error of the last crash or restart, if any.
	Notice string
	// Violation explains a safety violation the checkers found; the run
	// stopped there.
	Violation string
	// Proposals are the latest proposals, newest first.
	Proposals []ProposalView

	// Feed is the event feed and the safety status.
	Feed FeedView

	// Controls is what the controls panel shows.
	Controls ControlsView
	// Tour is the guided tour's step shown, nil outside a tour.
	Tour *TourView
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
	// Delay is the most extra latency the page gave this node's responses.
	Delay time.Duration
	// RPCTimeout is the world's: a response later than that fails its
	// request.
	RPCTimeout time.Duration
	// Highlight lists the classes of the cells a tour step points at
	// (tour.go), "" for none.
	Highlight string
}

// DelayOptions are the response delays a node card offers.
func (n *NodeView) DelayOptions() []DelayOption {
	out := make([]DelayOption, len(Delays))
	for i, d := range Delays {
		out[i] = DelayOption{Node: n.ID, Delay: d, Selected: d == n.Delay, RPCTimeout: n.RPCTimeout}
	}
	return out
}

// DelayText is the response delay as the card shows it, e.g. "50 ms".
func (n *NodeView) DelayText() string { return delayText(n.Delay) }

// DelayOption is one response delay a node card offers.
type DelayOption struct {
	Node     int
	Delay    time.Duration
	Selected bool
	// RPCTimeout is the world's, which Title compares the delay with.
	RPCTimeout time.Duration
}

// Title says what the delay will show.
func (o DelayOption) Title() string {
	switch {
	case o.Delay == 0:
		return "no extra delay on responses"
	case o.Delay < o.RPCTimeout:
		return fmt.Sprintf("up to %s, below the %s RPC timeout: pipelined responses come back out of order and wait for their seq", formatMillis(o.Delay), formatMillis(o.RPCTimeout))
	}
	return fmt.Sprintf("up to %s, above the %s RPC timeout: some requests time out, the replicator blocks and probes again", formatMillis(o.Delay), formatMillis(o.RPCTimeout))
}

// Millis is the delay in whole milliseconds, for data-ms.
func (o DelayOption) Millis() int64 { return o.Delay.Milliseconds() }

// Label is the button's text, e.g. "50".
func (o DelayOption) Label() string { return strconv.FormatInt(o.Millis(), 10) }

func delayText(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return formatMillis(d)
}

// LinkView is one directed link as the fault matrix shows it.
type LinkView struct {
	// From and To are the node ids.
	From, To int
	// Cut is set while the link is down.
	Cut bool
}

// Label is the button's text, e.g. "1→2".
func (l *LinkView) Label() string { return fmt.Sprintf("%d→%d", l.From, l.To) }

// Title describes what a click does, e.g. "Cut the link n1 → n2".
func (l *LinkView) Title() string {
	verb := "Cut"
	if l.Cut {
		verb = "Heal"
	}
	return fmt.Sprintf("%s the link n%d → n%d", verb, l.From, l.To)
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
	// OpenBallots is how many ballots are open (indexes PendingIndex on).
	OpenBallots int
	// Ballots are the first open ballots (at most [showBallots]), and
	// MoreBallots how many more are open.
	Ballots     []BallotView
	MoreBallots int
	// Replicators has one row per peer, by peer id.
	Replicators []ReplicatorView
}

// BallotView is one open ballot: its index and who acknowledged it.
type BallotView struct {
	Index uint64
	// Acks of the Voters (of the current configuration) acknowledged it.
	Acks, Voters int
	// OldAcks of OldVoters, during a joint change only (OldVoters > 0).
	OldAcks, OldVoters int
}

// Text is the ballot as the panel shows it, e.g. "7: 2/5", or during a
// joint change "7: 2/5 + old 1/3".
func (b *BallotView) Text() string {
	s := fmt.Sprintf("%d: %d/%d", b.Index, b.Acks, b.Voters)
	if b.OldVoters > 0 {
		s += fmt.Sprintf(" + old %d/%d", b.OldAcks, b.OldVoters)
	}
	return s
}

// MoreText is "+N" for N more ballots than listed, "" when none.
func (l *LeaderView) MoreText() string { return moreText(l.MoreBallots) }

// moreText is "+N" for n > 0, else "".
func moreText(n int) string {
	if n <= 0 {
		return ""
	}
	return "+" + strconv.Itoa(n)
}

// ReplicatorView is one replicator as the leader table shows it.
type ReplicatorView struct {
	// Peer is the follower this replicator feeds.
	Peer int
	// State is "Probe", "Replicate" or "Snapshot".
	State string
	// NextIndex is the next entry the follower needs once every request
	// in flight has succeeded (not the next one sent: that follows the
	// last request in flight), MatchIndex the last one known to match the
	// leader's log.
	NextIndex  uint64
	MatchIndex uint64
	// Inflight counts requests sent and not yet answered.
	Inflight int
	// Inflights are the oldest of them (at most [showInflights]), and
	// MoreInflights how many more there are.
	Inflights     []InflightView
	MoreInflights int
	// Seq is the seq the next request gets; RequiredNextSeq the seq of
	// the only response that may be handled next.
	Seq             uint64
	RequiredNextSeq uint64
	// Waiting lists the seqs of responses that arrived before their turn,
	// e.g. "13 14 +2"; "" when none.
	Waiting string
	// Version is bumped by every reset of the replicator.
	Version uint64
	// TimeoutNowIndex, when non-zero, is the index a leadership transfer
	// waits for this peer to reach.
	TimeoutNowIndex uint64
	// Errors counts consecutive failed requests.
	Errors int
	// Blocked is how much longer the replicator waits before retrying, or
	// "" when it is not blocked.
	Blocked string
	// Bytes is the weight of the entries in flight.
	Bytes int
	// Succeeded: the follower has accepted a request of this replicator
	// (SOFAJRaft's hasSucceeded; until then it is not caught up).
	Succeeded bool
	// Heartbeat is how long until the next heartbeat, e.g. "42 ms".
	Heartbeat string
	// Contact is how long ago the newest request the follower answered
	// was sent, e.g. "12 ms ago", or "never".
	Contact string
	// Repairs counts the times a rejection moved NextIndex back; Repair
	// describes the latest ("" before any).
	Repairs int
	Repair  string
	// Highlight lists the classes of the cells a tour step points at
	// (tour.go), "" for none.
	Highlight string
}

// MoreText is "+N" for N more requests in flight than listed.
func (r *ReplicatorView) MoreText() string { return moreText(r.MoreInflights) }

// TimeoutNowText is the pending leadership transfer, e.g. "TimeoutNow at 9".
func (r *ReplicatorView) TimeoutNowText() string {
	return fmt.Sprintf("TimeoutNow at %d", r.TimeoutNowIndex)
}

// InflightView is one request in flight.
type InflightView struct {
	Seq uint64
	// Kind is "append", "probe" or "snapshot".
	Kind       string
	StartIndex uint64
	Count      int
}

// Text is the request as a chip shows it: "#12 5+3" (seq 12, entries 5
// to 7), "#12 probe" or "#12 snap".
func (f *InflightView) Text() string {
	switch f.Kind {
	case "probe":
		return fmt.Sprintf("#%d probe", f.Seq)
	case "snapshot":
		return fmt.Sprintf("#%d snap", f.Seq)
	}
	return fmt.Sprintf("#%d %d+%d", f.Seq, f.StartIndex, f.Count)
}

// Title describes the request in words, for the chip's tooltip.
func (f *InflightView) Title() string {
	switch f.Kind {
	case "probe":
		return fmt.Sprintf("seq %d: probe (no entries) at index %d", f.Seq, f.StartIndex)
	case "snapshot":
		return fmt.Sprintf("seq %d: snapshot", f.Seq)
	}
	return fmt.Sprintf("seq %d: %d entries from index %d", f.Seq, f.Count, f.StartIndex)
}

// ProposalView is a proposed command and how far it got.
type ProposalView struct {
	// Index and Term the leader gave the command.
	Index uint64
	Term  uint64
	// Command is the proposed command.
	Command string
	// Stored counts the nodes whose log (or, for a node that is down, its
	// disk) holds the command, out of Nodes.
	Stored int
	Nodes  int
	// Majority is set once the command is committed: some node knows its
	// index committed with the command there. Being stored on few nodes
	// does not make a committed command uncommitted (a crashed node's copy
	// still counts on its disk; a new node catches up later).
	Majority bool
	// Lost is set when another entry was committed at Index: the leader
	// lost the command before it reached a majority.
	Lost bool
}

// Text describes the proposal, e.g. "index 7: on 3/5 nodes, committed".
func (p *ProposalView) Text() string {
	switch {
	case p.Lost:
		return fmt.Sprintf("index %d: lost (another entry was committed there)", p.Index)
	case p.Majority:
		return fmt.Sprintf("index %d: on %d/%d nodes, committed", p.Index, p.Stored, p.Nodes)
	}
	return fmt.Sprintf("index %d: on %d/%d nodes, not committed yet", p.Index, p.Stored, p.Nodes)
}

// View returns what the page shows of the playground now.
func (p *Playground) View() View {
	// One Status kept across frames: filling it again allocates nothing.
	p.world.StatusInto(&p.status)
	st := &p.status
	v := View{
		Now:          formatSeconds(st.Now) + " s",
		Leader:       int(st.Leader),
		Speed:        p.speed,
		Paused:       p.paused,
		Events:       st.Events,
		Handled:      p.world.Handled(),
		Result:       p.failed,
		ResultFailed: p.failed != "",
		NowMs:        st.Now.Milliseconds(),
		EndMs:        p.head.Now().Milliseconds(),
		End:          formatSeconds(p.head.Now()) + " s",
		Behind:       p.Behind(),
		Notice:       p.notice,
		Violation:    st.Violation,
		Nodes:        make([]NodeView, 0, len(st.Nodes)),
		Controls:     p.controlsView(),
	}
	for i := range st.Nodes {
		ns := &st.Nodes[i]
		nv := NodeView{
			ID: int(ns.ID), Up: ns.Up, Role: ns.Role.String(),
			Term: ns.Term, Vote: int(ns.Vote), Leader: int(ns.Leader),
			LastIndex: ns.LastIndex, CommitIndex: ns.CommitIndex, AppliedIndex: ns.AppliedIndex,
			Delay: ns.ResponseDelay, RPCTimeout: v.Controls.Options.RPCTimeout,
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
	v.Links, v.Cut = linkViews(len(st.Nodes), st.Cut)
	v.Proposals = p.proposalViews(st.Nodes)
	v.Feed = p.feedView()
	v.Message = p.messageView()
	v.Loading = p.Loading()
	v.CopyStatus = p.copied
	if p.paused {
		v.Wire = p.wireList(st)
	}
	p.tourView(&v)
	if v.Result == "" {
		v.Result = p.resultText()
	}
	return v
}

// resultText answers the last client call by hand: accepted by a leader
// at an index (the latest proposal of it), or still looking for one.
func (p *Playground) resultText() string {
	var last sim.Intervention
	calls := 0
	for _, iv := range p.world.Interventions() {
		if iv.Kind == "put" || iv.Kind == "append" || iv.Kind == "get" {
			last, calls = iv, calls+1
		}
	}
	proposals := p.world.Proposals(1)
	if calls == 0 {
		if len(proposals) == 1 {
			pr := proposals[0]
			return fmt.Sprintf("%q accepted by n%d at index %d, term %d", pr.Data, pr.Leader, pr.Index, pr.Term)
		}
		return ""
	}
	id := sim.ClientCall(p.world.Options().Clients + calls)
	if op, ok := p.world.Call(id); ok && op.Done {
		return callView(last, op).Text
	}
	if len(proposals) == 1 && proposals[0].Call == id {
		pr := proposals[0]
		return fmt.Sprintf("%s accepted by n%d at index %d, term %d", pr.Data, pr.Leader, pr.Index, pr.Term)
	}
	return callView(last, sim.HistoryOp{}).Text + " (no leader has accepted it yet; the client retries)"
}

// How many open ballots, requests in flight and waiting responses the
// leader panel lists before it only counts the rest ("+N").
const (
	showBallots   = 4
	showInflights = 4
	showWaiting   = 4
)

func leaderView(now time.Duration, s *raft.Status) *LeaderView {
	lv := &LeaderView{ID: int(s.ID), Term: s.Term, CommitIndex: s.CommitIndex}
	if bb := s.BallotBox; bb != nil {
		lv.PendingIndex, lv.OpenBallots = bb.PendingIndex, bb.Pending
		for _, b := range bb.Ballots[:min(len(bb.Ballots), showBallots)] {
			lv.Ballots = append(lv.Ballots, BallotView{
				Index: b.Index,
				Acks:  countIn(b.Granted, b.Voters), Voters: len(b.Voters),
				OldAcks: countIn(b.Granted, b.OldVoters), OldVoters: len(b.OldVoters),
			})
		}
		lv.MoreBallots = bb.Pending - len(lv.Ballots)
	}
	for _, r := range s.Replicators {
		rv := ReplicatorView{
			Peer: int(r.Peer), State: r.State.String(),
			NextIndex: r.NextIndex, MatchIndex: r.MatchIndex,
			Inflight: len(r.Inflights), Errors: r.ConsecutiveErrors,
			Seq: r.Seq, RequiredNextSeq: r.RequiredNextSeq, Version: r.Version,
			TimeoutNowIndex: r.TimeoutNowIndex,
			MoreInflights:   max(0, len(r.Inflights)-showInflights),
			Waiting:         seqList(r.PendingResponses, showWaiting),
		}
		for _, f := range r.Inflights[:min(len(r.Inflights), showInflights)] {
			iv := InflightView{Seq: f.Seq, Kind: "append", StartIndex: f.StartIndex, Count: f.Count}
			switch {
			case f.Type == raft.RequestSnapshot:
				iv.Kind = "snapshot"
			case f.Count == 0:
				iv.Kind = "probe"
			}
			rv.Inflights = append(rv.Inflights, iv)
		}
		if r.BlockedUntil > now {
			rv.Blocked = formatMillis(r.BlockedUntil - now)
		}
		for _, f := range r.Inflights {
			rv.Bytes += f.Bytes
		}
		rv.Succeeded = r.HasSucceeded
		rv.Heartbeat = formatMillis(max(0, r.HeartbeatDue-now))
		rv.Contact = "never"
		if r.LastContactSent > 0 {
			rv.Contact = formatMillis(now-r.LastContactSent) + " ago"
		}
		rv.Repairs = int(r.Repairs)
		if rp := r.LastRepair; rp.Reason != 0 {
			rv.Repair = fmt.Sprintf("last at %s s: nextIndex %d → %d, %s (the follower's last index was %d)",
				formatSeconds(rp.At), rp.From, rp.To, rp.Reason, rp.FollowerLast)
		}
		lv.Replicators = append(lv.Replicators, rv)
	}
	return lv
}

// countIn counts the ids of granted that are in voters.
func countIn(granted, voters []raft.NodeID) int {
	n := 0
	for _, id := range granted {
		if slices.Contains(voters, id) {
			n++
		}
	}
	return n
}

// seqList is the first show seqs separated by spaces, then "+N" for the
// rest; "" for none.
func seqList(seqs []uint64, show int) string {
	var b strings.Builder
	for i, s := range seqs[:min(len(seqs), show)] {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(s, 10))
	}
	if more := len(seqs) - show; more > 0 {
		b.WriteString(" " + moreText(more))
	}
	return b.String()
}

// linkViews lists the n×(n-1) directed links, row by row, marking the cut
// ones, and counts those.
func linkViews(n int, cut []sim.Link) ([]LinkView, int) {
	out := make([]LinkView, 0, n*(n-1))
	for from := 1; from <= n; from++ {
		for to := 1; to <= n; to++ {
			if from != to {
				out = append(out, LinkView{From: from, To: to})
			}
		}
	}
	for _, l := range cut {
		f, t := int(l.From), int(l.To)
		if f < 1 || f > n || t < 1 || t > n || f == t {
			continue
		}
		// Row f holds n-1 links; to's column skips the diagonal.
		i := (f-1)*(n-1) + t - 1
		if t > f {
			i--
		}
		out[i].Cut = true
	}
	return out, len(cut)
}

// proposalViews says, for each proposal, on how many nodes it is stored
// and whether it is committed (or lost).
func (p *Playground) proposalViews(nodes []sim.NodeStatus) []ProposalView {
	proposals := p.world.Proposals(keepProposals)
	if len(proposals) == 0 {
		return nil
	}
	out := make([]ProposalView, 0, len(proposals))
	for _, pr := range slices.Backward(proposals) {
		pv := ProposalView{Index: pr.Index, Term: pr.Term, Command: pr.Data, Nodes: len(nodes)}
		compacted := 0
		for i := range nodes {
			term, folded, committed, err := p.world.EntryAt(nodes[i].ID, pr.Index)
			switch {
			case err != nil:
			case folded:
				compacted++
			case term == pr.Term:
				pv.Stored++
				pv.Majority = pv.Majority || committed
			case term != 0 && committed:
				pv.Lost = true
			}
		}
		if pv.Majority && !pv.Lost {
			// A snapshot holds only committed entries: this one.
			pv.Stored += compacted
		}
		pv.Majority = pv.Majority && !pv.Lost
		out = append(out, pv)
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

// noticeClass is the notice's class: an error's colour, except for the
// progress of a run link loading.
func noticeClass(loading bool) string {
	if loading {
		return "notice progress"
	}
	return "notice"
}
