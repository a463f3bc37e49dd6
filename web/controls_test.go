package web

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"

	"github.com/raftplayground/raftplayground/raft"
)

// This file tests the controls panel: each control does what it says in
// the world, and the page shows it.

// stepUntil handles events one by one (as the Step button does) until
// cond holds, at most limit of them; it reports whether cond held.
func stepUntil(p *Playground, limit int, cond func(*LeaderView) bool) bool {
	for range limit {
		if lv := p.View().LeaderPanel; lv != nil && cond(lv) {
			return true
		}
		p.Step()
	}
	return false
}

// TestBurstPipelines: a burst proposes ten commands at once, and the
// leader's replicators pipeline them (seed, "Replicator": requests are sent
// without waiting for the previous response, each with the next seq).
func TestBurstPipelines(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	// Right after an election the replicators probe, and a burst then
	// goes out as one request; in Replicate state each entry is sent as
	// it is appended.
	run(p, time.Second)
	before := len(p.world.Proposals(-1))
	p.Burst()
	props := p.world.Proposals(-1)
	if len(props)-before != BurstSize {
		t.Fatalf("burst made %d proposals, want %d", len(props)-before, BurstSize)
	}
	for _, pr := range props[before:] {
		if pr.At != p.world.Now() {
			t.Errorf("proposal %q at %v, the burst was at %v", pr.Data, pr.At, p.world.Now())
		}
	}
	// Entries are appended one proposal at a time, so the first request
	// carries one entry and the next ones follow it before any response.
	if !stepUntil(p, 20, func(lv *LeaderView) bool {
		for _, r := range lv.Replicators {
			if r.Inflight >= 2 {
				return true
			}
		}
		return false
	}) {
		t.Fatalf("no replicator had two requests in flight after the burst: %+v", p.View().LeaderPanel.Replicators)
	}
	chips := render(t, p).all(func(n *html.Node) bool { v, _ := attr(n, "data-kind"); return v == "append" })
	if len(chips) < 2 {
		t.Errorf("the replicator table shows %d append requests in flight", len(chips))
	}
}

// TestResponseDelayBelowTimeoutReorders: with up to 50 ms of extra
// latency on a follower's responses (below the 150 ms RPC timeout), the
// responses to a burst arrive out of order and wait for their seq
// (seed, "Replicator": responses are handled in seq order, a later one
// waits in the pending-response queue).
func TestResponseDelayBelowTimeoutReorders(t *testing.T) {
	p := newPlayground(t)
	lead := leaderAfter(t, p, 2*time.Second)
	run(p, time.Second)
	if rpc := p.world.Options().RPCTimeout; !(50*time.Millisecond < rpc && Delays[3] > rpc) {
		t.Fatalf("the delays %v do not straddle the RPC timeout %v", Delays, rpc)
	}
	for id := 1; id <= 5; id++ {
		if id != lead {
			p.SetResponseDelay(id, 50*time.Millisecond)
		}
	}
	p.Burst()
	if !stepUntil(p, 2000, func(lv *LeaderView) bool {
		for _, r := range lv.Replicators {
			if r.Waiting != "" {
				return true
			}
		}
		return false
	}) {
		t.Fatal("no response waited for its seq after a burst with 50 ms response delays")
	}
	waiting := render(t, p).all(func(n *html.Node) bool {
		c, _ := attr(n, "class")
		return c == "waiting" && text(n) != ""
	})
	if len(waiting) == 0 {
		t.Error("the replicator table shows no waiting responses")
	}
	title := p.View().Nodes[0].DelayOptions()[2].Title()
	if !strings.Contains(title, "below the 150 ms RPC timeout") || !strings.Contains(title, "wait for their seq") {
		t.Errorf("the 50 ms button's title %q", title)
	}
}

// TestResponseDelayAboveTimeoutBlocks: with up to 200 ms on a follower's
// responses (above the 150 ms RPC timeout) some requests time out, and the
// replicator counts the error and blocks before it probes again (seed,
// "Replicator": on an RPC error it blocks, then restarts in Probe).
func TestResponseDelayAboveTimeoutBlocks(t *testing.T) {
	p := newPlayground(t)
	lead := leaderAfter(t, p, 2*time.Second)
	peer := lead%5 + 1
	p.SetResponseDelay(peer, 200*time.Millisecond)
	p.Burst()
	if !stepUntil(p, 20000, func(lv *LeaderView) bool {
		for _, r := range lv.Replicators {
			if r.Peer == peer && (r.Errors > 0 || r.Blocked != "") {
				return true
			}
		}
		return false
	}) {
		t.Fatal("the replicator never failed a request with 200 ms response delays")
	}
	title := p.View().Nodes[0].DelayOptions()[3].Title()
	if !strings.Contains(title, "above the 150 ms RPC timeout") || !strings.Contains(title, "blocks") {
		t.Errorf("the 200 ms button's title %q", title)
	}
}

// TestResetWithOptions: a reset builds a new world with the form's
// options from time zero; the same seed elects the same first leader at
// the same time; bad input is refused with a notice and changes nothing.
func TestResetWithOptions(t *testing.T) {
	p := newPlayground(t)
	run(p, time.Second)
	p.Crash(1)
	form := ResetForm{Nodes: "7", Seed: "42", ElectionMs: "500", HeartbeatMs: "100", PreVote: false, LeaseReads: false}
	p.Reset(form)
	o := p.world.Options()
	if o.Nodes != 7 || o.Seed != 42 || o.ElectionTimeout != 500*time.Millisecond || o.HeartbeatInterval != 100*time.Millisecond || !o.DisablePreVote || o.ReadOnly != raft.ReadSafe {
		t.Fatalf("options after reset: %+v", o)
	}
	if p.world.Now() != 0 || p.head.Now() != 0 || p.world.InterventionCount() != 0 {
		t.Fatalf("reset world at %v with %d interventions", p.world.Now(), p.world.InterventionCount())
	}
	if n := len(render(t, p).roles()); n != 7 {
		t.Errorf("%d node cards after a reset to 7 nodes", n)
	}
	first := func() (int, time.Duration) {
		lead := leaderAfter(t, p, 5*time.Second)
		return lead, p.world.Now()
	}
	lead, at := first()
	p.Reset(form)
	if l2, at2 := first(); l2 != lead || at2 != at {
		t.Errorf("the same seed elected n%d at %v, first n%d at %v", l2, at2, lead, at)
	}

	// The form shows the world's options.
	if f := FormOf(p.world.Options()); f != form {
		t.Errorf("form of the reset world %+v, want %+v", f, form)
	}
	for _, bad := range []struct {
		f    ResetForm
		want string
	}{
		{ResetForm{Nodes: "10", Seed: "1", ElectionMs: "300", HeartbeatMs: "60", PreVote: true}, "nodes: give a number from 1 to 9"},
		{ResetForm{Nodes: "3", Seed: "-1", ElectionMs: "300", HeartbeatMs: "60", PreVote: true}, "seed"},
		{ResetForm{Nodes: "3", Seed: "1", ElectionMs: "300", HeartbeatMs: "300", PreVote: true}, "heartbeat interval"},
		{ResetForm{Nodes: "3", Seed: "1", ElectionMs: "x", HeartbeatMs: "60", PreVote: true}, "election timeout"},
		{ResetForm{Nodes: "3", Seed: "1", ElectionMs: "300", HeartbeatMs: "60", LeaseReads: true}, "lease reads need pre-vote"},
	} {
		p.Reset(bad.f)
		if got := text(render(t, p).byID("notice")); !strings.Contains(got, bad.want) {
			t.Errorf("reset with %+v: notice %q, want %q", bad.f, got, bad.want)
		}
		if p.world.Options().Nodes != 7 {
			t.Fatalf("a refused reset changed the world to %+v", p.world.Options())
		}
	}
	p.Reset(ResetForm{Nodes: "3", Seed: "9", ElectionMs: "300", HeartbeatMs: "60", PreVote: true, LeaseReads: true})
	if o := p.world.Options(); o.Nodes != 3 || o.ReadOnly != raft.ReadLeaseBased || o.DisablePreVote {
		t.Errorf("options after a reset with lease reads: %+v", o)
	}
}

// TestSteadyLoad: the switch rebuilds the world with workload clients,
// which then make calls on their own; switching off removes them.
func TestSteadyLoad(t *testing.T) {
	p := newPlayground(t)
	p.SetLoad(true)
	if o := p.world.Options(); o.Clients != loadClients || o.Seed != 1 || p.world.Now() != 0 {
		t.Fatalf("load on: options %+v at %v", o, p.world.Now())
	}
	run(p, 3*time.Second)
	done := 0
	for _, h := range p.world.History() {
		if h.Done {
			done++
		}
	}
	if done < 10 {
		t.Errorf("%d client calls answered in 3 s of steady load", done)
	}
	p.OpenControls("client")
	if b := render(t, p).byID("load"); attrOr(b, "aria-pressed") != "true" {
		t.Errorf("load switch not pressed while on")
	}
	p.SetLoad(false)
	if o := p.world.Options(); o.Clients != 0 {
		t.Errorf("load off: %d clients", o.Clients)
	}
}

func attrOr(n *html.Node, key string) string { v, _ := attr(n, key); return v }

// TestClientCallsByHand: put, append and get by hand are answered, and the
// client section lists each call with its answer from the history; after a
// seek back, the list shows what was answered then.
func TestClientCallsByHand(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	p.OpenControls("client")
	p.Call("put", "", "x", "1")
	run(p, 300*time.Millisecond)
	p.Call("append", "", "x", "2")
	run(p, 300*time.Millisecond)
	mark := p.world.Now()
	p.Call("get", "", "x", "")
	pending := listItems(render(t, p), "calls")
	if len(pending) != 3 || !strings.Contains(text(pending[0]), "get x → waiting for an answer") {
		t.Fatalf("calls right after the get: %d %q", len(pending), text(pending[0]))
	}
	run(p, 300*time.Millisecond)
	items := listItems(render(t, p), "calls")
	want := []string{`get x → "12", at index`, `append x="2" → ok, at index`, `put x="1" → ok, at index`}
	if len(items) != len(want) {
		t.Fatalf("%d calls listed, want %d", len(items), len(want))
	}
	for i, w := range want {
		if got := text(items[i]); !strings.Contains(got, w) || attrOr(items[i], "class") != "done" {
			t.Errorf("call %d: %q (class %q), want %q", i, got, attrOr(items[i], "class"), w)
		}
	}
	p.Seek(mark - time.Millisecond)
	if items := listItems(render(t, p), "calls"); len(items) != 2 {
		t.Errorf("%d calls listed before the get was made", len(items))
	}
	for _, bad := range []struct{ op, via, key, want string }{
		{"put", "", " ", "needs a key"},
		{"put", "8", "x", "via: give a node from 1 to 5"},
		{"delete", "", "x", "unknown client operation"},
	} {
		p.Call(bad.op, bad.via, bad.key, "v")
		if got := text(render(t, p).byID("notice")); !strings.Contains(got, bad.want) {
			t.Errorf("call %+v: notice %q", bad, got)
		}
	}
}

// TestNetworkControls: split puts the leader in a minority and the
// majority elects another; a link's latency and loss are set through the
// world; bad input gives a notice.
func TestNetworkControls(t *testing.T) {
	p := newPlayground(t)
	old := leaderAfter(t, p, 2*time.Second)
	p.Split()
	if st := p.world.Status(); len(st.Cut) != 2*2*3 {
		t.Errorf("split 5 nodes into 2 and 3: %d directed links cut, want 12", len(st.Cut))
	}
	run(p, 2*time.Second)
	lead := 0
	for _, n := range p.View().Nodes {
		if n.Role == "leader" && n.ID != old {
			lead = n.ID
		}
	}
	if lead == 0 {
		t.Errorf("the majority elected no leader of its own after the split")
	}
	p.HealAll()
	p.SetLinkProps("1", "2", "80", "25")
	ivs := p.world.Interventions()
	last := ivs[len(ivs)-1]
	if last.Kind != "link" || last.From != 1 || last.To != 2 || *last.Link.LatencyMin != 80*time.Millisecond || *last.Link.LatencyMax != 80*time.Millisecond || *last.Link.Loss != 0.25 {
		t.Errorf("link intervention %+v", last)
	}
	for _, bad := range [][4]string{{"1", "1", "5", ""}, {"0", "2", "5", ""}, {"1", "2", "", ""}, {"1", "2", "-3", ""}, {"1", "2", "", "101"}} {
		p.SetLinkProps(bad[0], bad[1], bad[2], bad[3])
		if p.View().Notice == "" {
			t.Errorf("link %v accepted", bad)
		}
	}
	p.Reset(ResetForm{Nodes: "2", Seed: "1", ElectionMs: "300", HeartbeatMs: "60", PreVote: true})
	p.Split()
	if got := p.View().Notice; !strings.Contains(got, "no minority") {
		t.Errorf("split of 2 nodes: notice %q", got)
	}
}

// TestNodeControls: transfer leadership, isolate, snapshot now, and the
// membership changes (remove, add a learner, promote it; Raft
// dissertation §4.2.1: a learner catches up before it votes).
func TestNodeControls(t *testing.T) {
	p := newPlayground(t)
	lead := leaderAfter(t, p, 2*time.Second)
	run(p, time.Second) // a leader transfers once it committed an entry of its term
	to := lead%5 + 1
	p.NodeAction("transfer", "n"+string(rune('0'+to)))
	// The leader sends TimeoutNow and the target starts an election at
	// once (Raft dissertation §3.10). Whether it wins depends on the
	// followers' lease promises (raft/lease.go), so the test checks the
	// target's election, not its outcome.
	started := false
	for range 200 {
		if r := p.View().Nodes[to-1].Role; r == "candidate" || r == "leader" {
			started = true
			break
		}
		p.Step()
	}
	if !started {
		t.Fatalf("n%d started no election after a transfer to it (notice %q)", to, p.View().Notice)
	}
	p.TogglePause() // Step paused the clock
	run(p, time.Second)
	for range 3 {
		p.Propose()
	}
	run(p, 500*time.Millisecond)
	first := p.world.Status().Nodes[0].FirstIndex
	p.NodeAction("snapshot", "1")
	if got := p.world.Status().Nodes[0].FirstIndex; got <= first || p.View().Notice != "" {
		t.Errorf("snapshot now: n1's first index %d → %d, notice %q", first, got, p.View().Notice)
	}

	victim := int(p.world.Leader())%5 + 1
	p.OpenControls("cluster")
	step := func(action string, want string) {
		t.Helper()
		p.NodeAction(action, string(rune('0'+victim)))
		if n := p.View().Notice; n != "" {
			t.Fatalf("%s n%d: %s", action, victim, n)
		}
		run(p, time.Second)
		if got := text(render(t, p).byID("config")); !strings.Contains(got, want) {
			t.Errorf("after %s n%d: %q, want %q", action, victim, got, want)
		}
	}
	step("remove", "learners none")
	if conf, _ := p.leaderConf(); len(conf.Voters) != 4 {
		t.Fatalf("voters after remove: %v", conf.Voters)
	}
	step("learner", "learners n"+string(rune('0'+victim)))
	p.NodeAction("add", string(rune('0'+victim)))
	if n := p.View().Notice; !strings.Contains(n, "already a learner") {
		t.Errorf("adding a learner as a voter: notice %q", n)
	}
	step("promote", "learners none")
	if conf, _ := p.leaderConf(); len(conf.Voters) != 5 {
		t.Errorf("voters after promote: %v", conf.Voters)
	}

	p.NodeAction("isolate", "3")
	if cut := len(p.world.Status().Cut); cut != 8 {
		t.Errorf("isolating n3 cut %d links, want 8", cut)
	}
	for _, bad := range []string{"", "x", "6", "0"} {
		p.NodeAction("isolate", bad)
		if !strings.Contains(p.View().Notice, "give a node from 1 to 5") {
			t.Errorf("isolate %q: notice %q", bad, p.View().Notice)
		}
	}
}

// TestSharedRunAfterReset: a run made on a reset world (other node count,
// seed, timing, pre-vote, load) and every new control is written as a
// scenario whose settings carry the options, and rebuilding it gives the
// same run.
func TestSharedRunAfterReset(t *testing.T) {
	p := newPlayground(t)
	run(p, time.Second)
	p.Reset(ResetForm{Nodes: "7", Seed: "77", ElectionMs: "400", HeartbeatMs: "80", PreVote: false})
	p.SetLoad(true)
	run(p, 2*time.Second)
	p.Burst()
	p.Call("put", "", "a", "b")
	p.SetLinkProps("2", "3", "40", "10")
	run(p, 500*time.Millisecond)
	p.NodeAction("snapshot", "2")
	p.NodeAction("transfer", "")
	run(p, 500*time.Millisecond)
	p.Split()
	run(p, time.Second)
	if n := len(p.world.Interventions()); n < 5 {
		t.Fatalf("only %d interventions recorded", n)
	}

	text, err := p.RunText()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"nodes 7", "seed 77", "election-timeout 400ms", "heartbeat-interval 80ms", "pre-vote off", "clients 3"} {
		if !strings.Contains(text, s) {
			t.Errorf("run text lacks %q:\n%s", s, text)
		}
	}
	q, err := NewFromRun(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	a, b := p.world, q.world
	if a.Options() != b.Options() {
		t.Errorf("options %+v, rebuilt %+v", a.Options(), b.Options())
	}
	for name, pair := range map[string][2]any{
		"status":        {a.Status(), b.Status()},
		"interventions": {a.Interventions(), b.Interventions()},
		"history":       {a.History(), b.History()},
		"trace":         {a.Trace().Recent(256), b.Trace().Recent(256)},
	} {
		if !reflect.DeepEqual(pair[0], pair[1]) {
			ja, _ := json.Marshal(pair[0])
			jb, _ := json.Marshal(pair[1])
			t.Errorf("%s differs:\n%s\n%s", name, ja, jb)
		}
	}
}

// TestElementCountWithControlsOpen: with any section of the controls open
// on a busy page, the page stays under the maxElements TestElementCount
// keeps it to.
func TestElementCountWithControlsOpen(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	for id := 1; id <= 5; id++ {
		p.SetResponseDelay(id, 200*time.Millisecond)
	}
	p.SetLink(1, 2, false)
	for range 5 {
		p.Call("put", "", "k", "v")
	}
	for range 10 {
		p.Burst()
		advance(p, TickInterval)
	}
	for _, tab := range ControlTabs {
		p.OpenControls(tab.ID)
		pg := render(t, p)
		if b := pg.byAttr("data-tab", tab.ID); len(b) != 1 || attrOr(b[0], "aria-pressed") != "true" {
			t.Fatalf("tab %s not shown open", tab.ID)
		}
		n := len(pg.all(func(*html.Node) bool { return true })) - 3
		t.Logf("%s open: %d elements", tab.ID, n)
		if n > maxElements {
			t.Errorf("%s open: %d elements; keep the page under %d", tab.ID, n, maxElements)
		}
	}
	p.OpenControls("reset")
	if p.View().Controls.Tab != "" {
		t.Errorf("a second click did not close the section")
	}
}
