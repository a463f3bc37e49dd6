package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file tests the leader panel: the replicators' details, a pending
// TimeoutNow, and how its view formats them.

// replicatorRow returns the leader table's row for peer.
func replicatorRow(t *testing.T, pg *page, peer int) *html.Node {
	t.Helper()
	rows := pg.all(func(n *html.Node) bool { v, _ := attr(n, "data-peer"); return n.Data == "tr" && v == fmt.Sprint(peer) })
	if len(rows) != 1 {
		t.Fatalf("%d rows for peer %d", len(rows), peer)
	}
	return rows[0]
}

// cell returns the first element with class under n.
func cell(t *testing.T, n *html.Node, class string) *html.Node {
	t.Helper()
	var found *html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != nil {
			return
		}
		if c, _ := attr(n, "class"); n.Type == html.ElementNode && slices.Contains(strings.Fields(c), class) {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	if found == nil {
		t.Fatalf("no .%s in %q", class, text(n))
	}
	return found
}

// chips returns the texts of the elements with class chip under n.
func chips(n *html.Node) []string {
	var out []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if c, _ := attr(n, "class"); n.Type == html.ElementNode && c == "chip" {
			out = append(out, text(n))
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// leaderStatus returns the leader's status in the world now.
func leaderStatus(t *testing.T, p *Playground) *sim.NodeStatus {
	t.Helper()
	st := p.World().Status()
	for i := range st.Nodes {
		if st.Nodes[i].ID == st.Leader {
			return &st.Nodes[i]
		}
	}
	t.Fatal("no leader")
	return nil
}

func TestReplicatorDetails(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	advance(p, 200*time.Millisecond)
	slow := leader%5 + 1 // a follower
	// The slow follower answers up to 200 ms late, so requests pile up in
	// flight.
	p.SetResponseDelay(slow, 200*time.Millisecond)
	for range 6 {
		p.Propose()
		advance(p, 20*time.Millisecond)
	}
	st := leaderStatus(t, p)
	pg := render(t, p)
	var rs *raft.ReplicatorStatus
	for i := range st.Replicators {
		if int(st.Replicators[i].Peer) == slow {
			rs = &st.Replicators[i]
		}
	}
	if rs == nil || len(rs.Inflights) < 2 {
		t.Fatalf("want at least two requests in flight to n%d: %+v", slow, rs)
	}
	row := replicatorRow(t, pg, slow)
	var want []string
	for _, f := range rs.Inflights[:min(len(rs.Inflights), showInflights)] {
		if f.Count == 0 {
			want = append(want, fmt.Sprintf("#%d probe", f.Seq))
		} else {
			want = append(want, fmt.Sprintf("#%d %d+%d", f.Seq, f.StartIndex, f.Count))
		}
	}
	if got := chips(cell(t, row, "inflights")); !slices.Equal(got, want) {
		t.Errorf("in-flight chips %q, want %q", got, want)
	}
	if got, want := text(cell(t, row, "required-next-seq")), fmt.Sprint(rs.RequiredNextSeq); got != want {
		t.Errorf("requiredNextSeq %q, want %q", got, want)
	}
	if rs.RequiredNextSeq != rs.Inflights[0].Seq {
		t.Errorf("requiredNextSeq %d, oldest in flight %d", rs.RequiredNextSeq, rs.Inflights[0].Seq)
	}
	if got, want := text(cell(t, row, "version")), fmt.Sprint(rs.Version); got != want {
		t.Errorf("version %q, want %q", got, want)
	}
	if got := text(cell(t, row, "waiting")); got != seqList(rs.PendingResponses, showWaiting) {
		t.Errorf("waiting %q, pending responses %v", got, rs.PendingResponses)
	}

	// The ballot box: the last proposal's ballot is open, acknowledged by
	// the leader and the fast followers it reached so far.
	bb := st.BallotBox
	if got, want := text(pg.byID("ballot-pending-index")), fmt.Sprint(bb.PendingIndex); got != want {
		t.Errorf("pending index %q, want %q", got, want)
	}
	if got, want := text(pg.byID("ballot-open")), fmt.Sprint(bb.Pending); got != want {
		t.Errorf("open ballots %q, want %q", got, want)
	}
	if bb.Pending == 0 {
		t.Fatal("no open ballot right after a proposal")
	}
	want = nil
	for _, b := range bb.Ballots[:min(len(bb.Ballots), showBallots)] {
		want = append(want, fmt.Sprintf("%d: %d/%d", b.Index, len(b.Granted), len(b.Voters)))
	}
	if got := chips(pg.byID("ballots")); !slices.Equal(got, want) {
		t.Errorf("ballot chips %q, want %q", got, want)
	}

	// Once everything is answered, nothing is in flight and the ballot box
	// is empty.
	p.SetResponseDelay(slow, 0)
	advance(p, time.Second)
	pg = render(t, p)
	if got := chips(cell(t, replicatorRow(t, pg, slow), "inflights")); len(got) != 0 {
		t.Errorf("in flight after a quiet second: %q", got)
	}
	if got := text(pg.byID("ballots")); got != "none open" {
		t.Errorf("ballots after a quiet second: %q", got)
	}
}

func TestTimeoutNowShown(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	advance(p, 200*time.Millisecond)
	target := leader%5 + 1
	// The target misses the next entry, so the transfer waits for it.
	p.SetLink(leader, target, false)
	p.Propose()
	advance(p, 50*time.Millisecond)
	if err := p.World().TransferLeadership(raft.NodeID(target)); err != nil {
		t.Fatal(err)
	}
	st := leaderStatus(t, p)
	var index uint64
	for _, r := range st.Replicators {
		if int(r.Peer) == target {
			index = r.TimeoutNowIndex
		}
	}
	if index == 0 {
		t.Fatalf("no TimeoutNow index on the replicator of n%d: %+v", target, st.Replicators)
	}
	row := replicatorRow(t, render(t, p), target)
	if got, want := text(cell(t, row, "timeout-now")), fmt.Sprintf("TimeoutNow at %d", index); got != want {
		t.Errorf("TimeoutNow %q, want %q", got, want)
	}
	for peer := 1; peer <= 5; peer++ {
		if peer != leader && peer != target {
			if n := len(timeoutMarks(t, p, peer)); n != 0 {
				t.Errorf("n%d's row shows TimeoutNow", peer)
			}
		}
	}
}

// timeoutMarks returns the TimeoutNow marks in peer's row.
func timeoutMarks(t *testing.T, p *Playground, peer int) []*html.Node {
	row := replicatorRow(t, render(t, p), peer)
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if c, _ := attr(n, "class"); c == "timeout-now" {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(row)
	return out
}

// TestLeaderViewFormats covers what a short run rarely shows: probes,
// snapshots, long lists cut to "+N", waiting responses and joint ballots.
func TestLeaderViewFormats(t *testing.T) {
	s := &raft.Status{ID: 1, Role: raft.Leader, Term: 3, CommitIndex: 9,
		BallotBox: &raft.BallotBoxStatus{PendingIndex: 10, Pending: 6, Ballots: []raft.Ballot{
			{Index: 10, Voters: []raft.NodeID{1, 2, 3, 4, 5}, Granted: []raft.NodeID{1, 2}},
			{Index: 11, Voters: []raft.NodeID{1, 2, 3}, OldVoters: []raft.NodeID{1, 4, 5}, Granted: []raft.NodeID{1, 2, 4}},
			{Index: 12}, {Index: 13}, {Index: 14}, {Index: 15},
		}},
		Replicators: []raft.ReplicatorStatus{{
			Peer: 2, State: raft.StateReplicate, NextIndex: 20, MatchIndex: 9,
			Inflights: []raft.Inflight{
				{Seq: 12, StartIndex: 5, Count: 3}, {Seq: 13, StartIndex: 8},
				{Seq: 14, Type: raft.RequestSnapshot}, {Seq: 15, StartIndex: 8, Count: 1},
				{Seq: 16, StartIndex: 9, Count: 1}, {Seq: 17, StartIndex: 10, Count: 1},
			},
			Seq: 18, RequiredNextSeq: 12, Version: 4, PendingResponses: []uint64{13, 14, 15, 16, 17},
			TimeoutNowIndex: 19, BlockedUntil: 2 * time.Second,
		}},
	}
	lv := leaderView(time.Second, s)
	var ballots []string
	for _, b := range lv.Ballots {
		ballots = append(ballots, b.Text())
	}
	if want := []string{"10: 2/5", "11: 2/3 + old 2/3", "12: 0/0", "13: 0/0"}; !slices.Equal(ballots, want) {
		t.Errorf("ballots %q, want %q", ballots, want)
	}
	if lv.MoreText() != "+2" || lv.OpenBallots != 6 || lv.PendingIndex != 10 {
		t.Errorf("ballot box: more %q, open %d, pending index %d", lv.MoreText(), lv.OpenBallots, lv.PendingIndex)
	}
	r := lv.Replicators[0]
	var fl []string
	for _, f := range r.Inflights {
		fl = append(fl, f.Text())
	}
	if want := []string{"#12 5+3", "#13 probe", "#14 snap", "#15 8+1"}; !slices.Equal(fl, want) {
		t.Errorf("in flight %q, want %q", fl, want)
	}
	if r.MoreText() != "+2" || r.Inflight != 6 {
		t.Errorf("more in flight %q, count %d", r.MoreText(), r.Inflight)
	}
	if r.Waiting != "13 14 15 16 +1" || r.RequiredNextSeq != 12 || r.Version != 4 || r.Seq != 18 {
		t.Errorf("waiting %q, required %d, version %d, seq %d", r.Waiting, r.RequiredNextSeq, r.Version, r.Seq)
	}
	if r.TimeoutNowText() != "TimeoutNow at 19" || r.Blocked != "1000 ms" {
		t.Errorf("TimeoutNow %q, blocked %q", r.TimeoutNowText(), r.Blocked)
	}
}
