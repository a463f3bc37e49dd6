package web

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// This file tests the event feed (issue 8, item 7): its sentences, its
// filters, paused reading, and that after a seek it lists that moment's
// events.

// TestFeedSentences phrases one record of every format the feed tells
// apart, as the trace records them (sim's Format* constants and their
// arguments).
func TestFeedSentences(t *testing.T) {
	app := &raft.Message{Type: raft.MsgApp, From: 1, To: 3, Term: 2, Index: 6, LogTerm: 2, Commit: 5, Entries: make([]raft.Entry, 2)}
	tests := []struct {
		rec  sim.Record
		kind FeedKind
		want string
	}{
		{rec(sim.EvWorld, 0, sim.FormatWorld, uint64(7), uint64(5)), FeedOther,
			"A cluster of 5 nodes starts, seed 7: everyone is a follower of term 0."},
		// Raft §5.2: a follower that hears no leader within its election
		// timeout becomes a candidate of the next term; with pre-vote
		// (thesis §9.6) it first asks without changing its term.
		{rec(sim.EvRole, 2, sim.FormatRole, "follower", uint64(3), "candidate", uint64(4)), FeedElections,
			"n2 timed out and started an election for term 4."},
		{rec(sim.EvRole, 2, sim.FormatRole, "follower", uint64(3), "precandidate", uint64(3)), FeedElections,
			"n2 timed out without hearing a leader and asks for pre-votes for term 4 (no term changes yet)."},
		{rec(sim.EvRole, 2, sim.FormatRole, "precandidate", uint64(3), "candidate", uint64(4)), FeedElections,
			"n2 won its pre-vote and started an election for term 4."},
		{rec(sim.EvRole, 1, sim.FormatElected, "candidate", uint64(4), "leader", uint64(4), "1 2 4"), FeedElections,
			"n1 became leader of term 4 with votes from n1, n2, n4."},
		// §5.1: a leader that sees a higher term steps down.
		{rec(sim.EvRole, 1, sim.FormatRole, "leader", uint64(4), "follower", uint64(5)), FeedElections,
			"n1 stepped down: it saw term 5 and follows it."},
		{rec(sim.EvRole, 3, sim.FormatRole, "candidate", uint64(4), "follower", uint64(4)), FeedElections,
			"n3 gave up its election and follows term 4."},
		{rec(sim.EvRole, 3, sim.FormatRole, "follower", uint64(4), "follower", uint64(5)), FeedElections,
			"n3 saw term 5 and follows it."},
		// Seed §5: the replicator's states, resets and nextIndex repairs.
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorStarted, uint64(1), uint64(3), "Probe"), FeedReplication,
			"n1 starts a replicator for n3 in Probe."},
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorState, uint64(1), uint64(3), "Probe", "Replicate"), FeedReplication,
			"n1 found where n3's log matches its own: it switches from Probe to Replicate and pipelines entries to n3."},
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorState, uint64(1), uint64(3), "Replicate", "Probe"), FeedReplication,
			"n1 lost track of n3's log: it switches from Replicate to Probe and sends one request at a time to find the match."},
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorReset, uint64(1), uint64(3), uint64(2), uint64(3)), FeedReplication,
			"n1 resets its replicator for n3 (version 2 → 3): answers to requests already sent will be ignored."},
		{rec(sim.EvReplicator, 1, sim.FormatRepair, uint64(1), uint64(3), uint64(8), uint64(5), "follower behind", uint64(7), uint64(2), uint64(4), uint64(0)), FeedReplication,
			"n3 rejected AppendEntries from n1: no entry 7 (its log ends at 4); n1 sets nextIndex for n3 to 5 (just after its last entry)."},
		{rec(sim.EvReplicator, 1, sim.FormatRepair, uint64(1), uint64(3), uint64(8), uint64(7), "step back", uint64(7), uint64(2), uint64(9), uint64(1)), FeedReplication,
			"n3 rejected AppendEntries from n1: no entry 7 of term 2 (its entry 7 is of term 1); n1 sets nextIndex for n3 to 7 (one entry back)."},
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorBlocked, uint64(1), uint64(3)), FeedReplication,
			"n1's request to n3 failed (no answer in time): its replicator waits a heartbeat interval before trying again."},
		{rec(sim.EvReplicator, 1, sim.FormatReplicatorDestroyed, uint64(1), uint64(3)), FeedReplication,
			"n1 stops replicating to n3."},
		{rec(sim.EvFault, 2, sim.FormatCrash), FeedFaults, "n2 crashed: it keeps only what is on its disk."},
		{rec(sim.EvFault, 2, sim.FormatCrashLost), FeedFaults, "n2 crashed, losing a write that was not yet on its disk."},
		{rec(sim.EvFault, 2, sim.FormatRestart), FeedFaults, "n2 restarts from its disk as a follower."},
		{rec(sim.EvFault, 1, sim.FormatLink, uint64(1), uint64(2), " down"), FeedFaults,
			"The link n1 → n2 is cut: nothing sent that way arrives."},
		{rec(sim.EvFault, 1, sim.FormatLink, uint64(1), uint64(2), " up"), FeedFaults, "The link n1 → n2 is healed."},
		{rec(sim.EvFault, 0, sim.FormatPartition, "[[1 2] [3 4 5]]"), FeedFaults, "The network splits into groups [1 2] [3 4 5]."},
		{rec(sim.EvFault, 4, sim.FormatIsolate, uint64(4)), FeedFaults, "n4 is cut off from every other node."},
		{rec(sim.EvFault, 0, sim.FormatHeal), FeedFaults, "Every link is healed."},
		{rec(sim.EvFault, 4, sim.FormatResponseDelay, raft.NodeID(4), 50*time.Millisecond), FeedFaults,
			"n4's responses are delayed by up to 50ms each."},
		{withMsg(rec(sim.EvFault, 1, sim.FormatHold, uint64(12)), app), FeedFaults,
			"Message #12, n1 → n3 AppendEntries after entry 6 of term 2 with 2 entries, commit 5, is held on the wire."},
		{rec(sim.EvFault, 1, sim.FormatTransfer, uint64(1), uint64(3)), FeedMembership,
			"n1 is asked to hand leadership to n3."},
		{rec(sim.EvFault, 1, sim.FormatChangePeers, "[1 2 3]", "[]"), FeedMembership,
			"n1 proposes a new configuration: voters n1, n2, n3, learners none."},
		{rec(sim.EvClient, 0, sim.FormatHandCall, uint64(6), uint64(1), "put", "k1", "1"), FeedClient,
			`You asked client 6 to put k1="1".`},
		{rec(sim.EvClient, 0, sim.FormatClientCall, uint64(2), uint64(3), "get", "k4", ""), FeedClient,
			"Client 2 calls get k4 (call 3)."},
		{rec(sim.EvClient, 0, sim.FormatClientReturn, uint64(2), uint64(3), "get", "k4", "x"), FeedClient,
			`Client 2's get k4 returned "x" (call 3).`},
		{rec(sim.EvClient, 0, sim.FormatClientReturn, uint64(6), uint64(1), "put", "k1", "1"), FeedClient,
			`Client 6's put k1="1" is done.`},
		{rec(sim.EvClient, 1, sim.FormatPropose, []byte("hello"), uint64(7), uint64(2)), FeedClient,
			`n1 accepts the command "hello" at index 7 of term 2.`},
		{withMsg(rec(sim.EvSend, 1, sim.FormatSend, uint64(12)), app), FeedMessages,
			"Sent: n1 → n3 AppendEntries after entry 6 of term 2 with 2 entries, commit 5."},
		{withMsg(rec(sim.EvDeliver, 1, sim.FormatDeliver, uint64(13)),
			&raft.Message{Type: raft.MsgVoteResp, From: 2, To: 1, Term: 4, Success: true}), FeedMessages,
			"Delivered: n2 → n1 VoteResp granted."},
		{rec(sim.EvViolation, 0, "%s", "safety violation: election safety at 1s (seed 3, event 9): nodes 1 and 2 both led in term 4"), FeedProblems,
			"Safety check failed: election safety at 1s (seed 3, event 9): nodes 1 and 2 both led in term 4"},
	}
	for _, tt := range tests {
		got := phrase(&tt.rec)
		if got.text != tt.want || got.kind != tt.kind {
			t.Errorf("%q %v:\n got %s %q\nwant %s %q", tt.rec.Format, tt.rec.Args, got.kind, got.text, tt.kind, tt.want)
		}
	}
}

// rec is a record as the trace would hold it.
func rec(kind sim.EventKind, node raft.NodeID, format string, args ...any) sim.Record {
	return sim.Record{TraceEvent: sim.TraceEvent{Kind: kind, Node: node}, Format: format, Args: args}
}

func withMsg(r sim.Record, m *raft.Message) sim.Record { r.Msg = m; return r }

// TestFeedFromRun: a real run's feed tells the first election with its
// voters, newest first.
func TestFeedFromRun(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	items := p.View().Feed.Items
	want := fmt.Sprintf("n%d became leader of term ", leader)
	i := slices.IndexFunc(items, func(e FeedItem) bool { return strings.HasPrefix(e.Text, want) })
	if i < 0 || !strings.Contains(items[i].Text, " with votes from n") {
		t.Fatalf("no election of n%d with its voters in %+v", leader, items)
	}
	for j := 1; j < len(items); j++ {
		if items[j].N >= items[j-1].N {
			t.Fatalf("items not newest first: %d after %d", items[j].N, items[j-1].N)
		}
	}
	if s := p.View().Feed.Safety; !s.OK || !strings.HasPrefix(s.Text, "All safety checks pass") {
		t.Errorf("safety status %+v", s)
	}
}

// TestFeedFilters: the node filter keeps the events about that node; a
// category toggled off disappears, Messages toggled on lists messages.
func TestFeedFilters(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	other := leader%5 + 1
	p.Crash(other)
	p.SetLink(leader, other%5+1, false)
	advance(p, 100*time.Millisecond)

	p.SetFeedNode(fmt.Sprint(other))
	items := p.View().Feed.Items
	crash := fmt.Sprintf("n%d crashed: it keeps only what is on its disk.", other)
	if !slices.ContainsFunc(items, func(e FeedItem) bool { return e.Text == crash }) {
		t.Fatalf("n%d's feed %+v lacks its crash", other, items)
	}
	for _, e := range items {
		if !strings.Contains(e.Text, fmt.Sprintf("n%d", other)) {
			t.Errorf("an event not about n%d: %q", other, e.Text)
		}
	}
	p.SetFeedNode("0")

	p.ToggleFeedKind(string(FeedFaults))
	for _, e := range p.View().Feed.Items {
		if e.Kind == FeedFaults {
			t.Errorf("faults hidden, yet listed: %q", e.Text)
		}
	}
	p.ToggleFeedKind(string(FeedFaults))
	if !slices.ContainsFunc(p.View().Feed.Items, func(e FeedItem) bool { return e.Kind == FeedFaults }) {
		t.Error("faults shown again, yet none listed")
	}

	if slices.ContainsFunc(p.View().Feed.Items, func(e FeedItem) bool { return e.Kind == FeedMessages }) {
		t.Error("messages listed by default")
	}
	p.ToggleFeedKind(string(FeedMessages))
	v := p.View().Feed
	if len(v.Items) != maxFeedRows || !slices.ContainsFunc(v.Items, func(e FeedItem) bool { return strings.HasPrefix(e.Text, "Delivered: ") }) {
		t.Errorf("with messages: %d items, want %d with deliveries", len(v.Items), maxFeedRows)
	}
	pg := render(t, p)
	if n := len(listItems(pg, "feed-list")); n != maxFeedRows {
		t.Errorf("%d rows rendered, want %d", n, maxFeedRows)
	}
	if b := pg.byAttr("data-kind", string(FeedMessages)); len(b) == 0 {
		t.Error("no Messages toggle")
	} else if pressed, _ := attr(b[0], "aria-pressed"); pressed != "true" {
		t.Errorf("Messages toggle aria-pressed=%q", pressed)
	}
}

// TestFeedPausedReading: scrolled away from the newest events, the list
// stays as it was while the run goes on and counts what is new; back at
// the top (or with the button) it lists the newest again.
func TestFeedPausedReading(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	before := p.View().Feed.Items
	p.FeedScrolled(120)
	p.Burst()
	advance(p, 300*time.Millisecond)
	v := p.View().Feed
	if !v.Paused || v.New == 0 {
		t.Fatalf("paused %v with %d new events, want paused with some new", v.Paused, v.New)
	}
	if !slices.Equal(v.Items, before) {
		t.Errorf("the list moved while reading was paused:\n%+v\nwas\n%+v", v.Items, before)
	}
	pg := render(t, p)
	if got, want := text(pg.byID("feed-new")), fmt.Sprintf("%d new events ↑", v.New); got != want {
		t.Errorf("button %q, want %q", got, want)
	}
	p.FeedScrolled(300) // reading further down keeps the pause where it began
	if got := p.View().Feed.Items; !slices.Equal(got, before) {
		t.Error("scrolling further moved the pause")
	}
	p.FeedLive()
	v = p.View().Feed
	if v.Paused || v.New != 0 || v.Items[0].N <= before[0].N {
		t.Errorf("after the button: paused %v, %d new, newest %d (was %d)", v.Paused, v.New, v.Items[0].N, before[0].N)
	}
	p.FeedScrolled(120)
	p.FeedScrolled(0)
	if p.View().Feed.Paused {
		t.Error("back at the top, reading is still paused")
	}
}

// TestFeedAfterSeek: the feed is read from the world shown, so after a
// seek back it lists exactly what it listed at that moment of the run,
// and reading paused at a later moment does not hide it.
func TestFeedAfterSeek(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	p.Crash(leader)
	advance(p, 500*time.Millisecond)
	at := p.World().Now()
	then := p.View().Feed
	advance(p, 50*time.Millisecond) // acting at the very moment would be part of it
	p.Restart(leader)
	p.Burst()
	advance(p, time.Second)
	p.FeedScrolled(50)
	p.Seek(at)
	now := p.View().Feed
	if !slices.Equal(now.Items, then.Items) || now.Paused {
		t.Errorf("after seeking to %v the feed lists\n%+v\nat that moment it listed\n%+v", at, now.Items, then.Items)
	}
}

// TestFeedFoldsRepeats: a leader whose requests to a crashed follower
// keep failing says so once, counting the repeats, rather than filling
// the feed with the same two sentences every heartbeat interval.
func TestFeedFoldsRepeats(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	down := leader%5 + 1
	p.Crash(down)
	advance(p, 2*time.Second)
	failed := fmt.Sprintf("n%d's request to n%d failed", leader, down)
	var rows []FeedItem
	for _, e := range p.View().Feed.Items {
		if strings.HasPrefix(e.Text, failed) {
			rows = append(rows, e)
		}
	}
	if len(rows) != 1 || rows[0].Repeats < 5 || !strings.HasSuffix(rows[0].Text, fmt.Sprintf("(and %d more like it since %s s)", rows[0].Repeats, rows[0].Since)) {
		t.Fatalf("rows of failed requests: %+v, want one that counts at least 5 repeats", rows)
	}
	crash := fmt.Sprintf("n%d crashed: it keeps only what is on its disk.", down)
	if !slices.ContainsFunc(p.View().Feed.Items, func(e FeedItem) bool { return e.Text == crash }) {
		t.Error("the crash fell out of the feed behind the repeats")
	}
}
