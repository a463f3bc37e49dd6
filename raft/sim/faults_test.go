package sim

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// settle runs w until it has a leader and returns it.
func settle(t *testing.T, w *World) raft.NodeID {
	t.Helper()
	for range 300 {
		w.RunFor(10 * time.Millisecond)
		if id := w.Leader(); id != raft.None {
			w.RunFor(200 * time.Millisecond)
			if id := w.Leader(); id != raft.None {
				return id
			}
		}
	}
	t.Fatalf("no leader by %v", w.Now())
	return raft.None
}

// countEvents counts trace events of kind whose text contains substr.
func countEvents(w *World, kind EventKind, substr string) int {
	n := 0
	for _, ev := range w.Trace().Recent(traceKeep) {
		if ev.Kind == kind && strings.Contains(ev.Text, substr) {
			n++
		}
	}
	return n
}

func TestOneWayCutDropsOneDirectionOnly(t *testing.T) {
	w := newWorld(t, 3, 1)
	lead := settle(t, w)
	other := lead%3 + 1
	if err := w.SetLink(lead, other, false); err != nil {
		t.Fatal(err)
	}
	sentBefore := w.nextMsg // messages sent before the cut may still arrive
	w.RunFor(100 * time.Millisecond)
	if n := countEvents(w, EvDrop, "link down"); n == 0 {
		t.Fatal("no message was dropped on the cut link")
	}
	for _, ev := range w.Trace().Recent(traceKeep) {
		var id MsgID
		if _, err := fmt.Sscanf(ev.Text, "#%d", &id); err != nil && ev.Kind == EvDeliver {
			t.Fatalf("deliver event without a message id: %s", ev.Text)
		}
		if ev.Kind == EvDeliver && id > sentBefore && strings.Contains(ev.Text, "AppendEntries "+itoa(lead)+"->"+itoa(other)+" ") {
			t.Fatalf("a message crossed the cut link: %s", ev.Text)
		}
	}
	// The other direction still works: the follower's timer fires and its
	// pre-votes reach the leader.
	w.RunFor(time.Second)
	if countEvents(w, EvDeliver, "PreVote "+itoa(other)+"->"+itoa(lead)) == 0 {
		t.Fatal("no pre-vote crossed the healthy direction")
	}
}

func itoa(id raft.NodeID) string { return itoaU(uint64(id)) }

func TestPartitionIsolateHeal(t *testing.T) {
	w := newWorld(t, 5, 2)
	lead := settle(t, w)
	if err := w.Isolate(lead); err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)
	next := w.Leader()
	if next == lead || next == raft.None {
		t.Fatalf("after isolating leader %d the leader is %d", lead, next)
	}
	// The isolated old leader stepped down (it no longer hears a quorum).
	if st := w.Status().Nodes[lead-1]; st.Role == raft.Leader {
		t.Fatalf("isolated node %d still leads: %+v", lead, st.Role)
	}
	minority := []raft.NodeID{next, next%5 + 1}
	var majority []raft.NodeID
	for id := raft.NodeID(1); id <= 5; id++ {
		if id != minority[0] && id != minority[1] {
			majority = append(majority, id)
		}
	}
	if err := w.Partition(minority, majority); err != nil {
		t.Fatal(err)
	}
	w.RunFor(3 * time.Second)
	if l := w.Leader(); l == raft.None || l == minority[0] || l == minority[1] {
		t.Fatalf("the majority side %v has no leader (leader %d)", majority, l)
	}
	if len(w.Status().Cut) != 12 {
		t.Fatalf("a 2/3 partition cuts 12 directed links, status shows %d", len(w.Status().Cut))
	}
	w.HealAll()
	w.RunFor(2 * time.Second)
	st := w.Status()
	if len(st.Cut) != 0 {
		t.Fatalf("links still cut after HealAll: %v", st.Cut)
	}
	for _, n := range st.Nodes {
		if n.Term != st.Nodes[st.Leader-1].Term || n.CommitIndex != st.Nodes[st.Leader-1].CommitIndex {
			t.Fatalf("node %d did not converge after healing: term %d commit %d, leader has %d/%d", n.ID, n.Term, n.CommitIndex, st.Nodes[st.Leader-1].Term, st.Nodes[st.Leader-1].CommitIndex)
		}
	}
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
}

func TestHoldReleaseDropDuplicate(t *testing.T) {
	w := newWorld(t, 3, 3)
	settle(t, w)
	if _, err := w.Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	var requests []WireStatus
	for _, m := range w.Status().Wire {
		if m.Type == raft.MsgApp {
			requests = append(requests, m)
		}
	}
	if len(requests) < 2 {
		t.Fatalf("want at least 2 AppendEntries in flight, have %d", len(requests))
	}
	held, dropped := requests[0], requests[1]
	if err := w.Hold(held.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Drop(dropped.ID); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Second)
	still := false
	for _, m := range w.Status().Wire {
		if m.ID == held.ID {
			still = m.Held
		}
		if m.ID == dropped.ID {
			t.Fatal("a dropped message is still in flight")
		}
	}
	if !still {
		t.Fatal("the held message was delivered or lost while held")
	}
	if err := w.Release(held.ID); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Millisecond)
	if countEvents(w, EvDeliver, "#"+itoaU(uint64(held.ID))+" ") != 1 {
		t.Fatal("the released message was not delivered at once")
	}
	if err := w.Release(held.ID); err == nil {
		t.Fatal("releasing a delivered message succeeded")
	}
	if _, err := w.Propose([]byte("y")); err != nil {
		t.Fatal(err)
	}
	m := w.Status().Wire[0]
	dup, err := w.Duplicate(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Second)
	if countEvents(w, EvDeliver, "#"+itoaU(uint64(m.ID))+" ")+countEvents(w, EvDeliver, "#"+itoaU(uint64(dup))+" ") != 2 {
		t.Fatal("a duplicated message was not delivered twice")
	}
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
}

func itoaU(v uint64) string {
	s := ""
	for {
		s = string(rune('0'+v%10)) + s
		v /= 10
		if v == 0 {
			return s
		}
	}
}

// TestResponseDelayMakesResponsesWait: responses delayed at random reach
// the leader out of order and wait for their seq in the replicator.
func TestResponseDelayMakesResponsesWait(t *testing.T) {
	o := DefaultOptions()
	o.Nodes, o.Seed, o.MaxInflight = 3, 4, 8
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	lead := settle(t, w)
	slow := lead%3 + 1
	if err := w.SetResponseDelay(slow, 40*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	waited := false
	for i := range 400 {
		if _, err := w.ProposeTo(lead, []byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
		w.RunFor(2 * time.Millisecond)
		for _, r := range w.Status().Nodes[lead-1].Replicators {
			if r.Peer == slow && len(r.PendingResponses) > 0 {
				waited = true
			}
		}
	}
	if !waited {
		t.Fatal("no response ever waited for its turn")
	}
	w.RunFor(time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	st := w.Status()
	if st.Nodes[slow-1].CommitIndex != st.Nodes[lead-1].CommitIndex {
		t.Fatalf("the slow follower did not catch up: commit %d vs leader %d", st.Nodes[slow-1].CommitIndex, st.Nodes[lead-1].CommitIndex)
	}
}

// TestCrashLosesUnsyncedWrites: with disk latency, a crash before the sync
// loses the write, and the restarted node is built from its disk only.
func TestCrashLosesUnsyncedWrites(t *testing.T) {
	o := DefaultOptions()
	o.Nodes, o.Seed, o.DiskLatency = 3, 5, 20*time.Millisecond
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	lead := settle(t, w)
	before := w.Status().Nodes[lead-1].LastIndex
	if _, err := w.ProposeTo(lead, []byte("lost")); err != nil {
		t.Fatal(err)
	}
	w.RunFor(time.Millisecond) // the write is still syncing
	if err := w.Crash(lead); err != nil {
		t.Fatal(err)
	}
	if countEvents(w, EvFault, "unsynced write is lost") != 1 {
		t.Fatal("the crash did not lose the unsynced write")
	}
	if got := w.Status().Nodes[lead-1].LastIndex; got != before {
		t.Fatalf("the crashed node's disk has %d entries, want the %d synced before", got, before)
	}
	if err := w.Restart(lead); err != nil {
		t.Fatal(err)
	}
	if got := w.Status().Nodes[lead-1]; got.LastIndex != before || got.Role != raft.Follower {
		t.Fatalf("restarted node: last index %d role %s, want %d follower", got.LastIndex, got.Role, before)
	}
	w.RunFor(3 * time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
}

// TestClientsAreLinearizable runs the KV workload with both read paths
// through crashes and checks the history with porcupine.
func TestClientsAreLinearizable(t *testing.T) {
	for _, readIndex := range []bool{false, true} {
		o := DefaultOptions()
		o.Seed, o.Clients, o.ClientRate, o.Keys, o.ReadIndexReads = 11, 5, 150, 3, readIndex
		w, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			w.RunFor(2 * time.Second)
			if l := w.Leader(); l != raft.None && i%2 == 0 {
				_ = w.Crash(l)
			} else if d := firstDown(w); d != raft.None {
				_ = w.Restart(d)
			}
		}
		w.RunFor(3 * time.Second)
		if err := w.Violation(); err != nil {
			t.Fatal(err)
		}
		done, gets := 0, 0
		for _, h := range w.History() {
			if h.Done {
				done++
				if h.Op.String() == "get" {
					gets++
				}
			}
		}
		if done < 200 || gets == 0 {
			t.Fatalf("read-index=%v: only %d calls (%d gets) answered", readIndex, done, gets)
		}
		if err := w.CheckLinearizability(10 * time.Second); err != nil {
			t.Fatalf("read-index=%v: %v", readIndex, err)
		}
	}
}

// TestLinearizabilityCheckCatchesAStaleRead: a forged history in which a
// read misses a write that finished before it started is rejected.
func TestLinearizabilityCheckCatchesAStaleRead(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate = 1, 1
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.workload.clients = nil
	w.workload.history.Append(
		HistoryOp{Client: 1, Seq: 1, Op: 1, Key: "a", Value: "x", Call: 0, Return: 10, Done: true},
		HistoryOp{Client: 2, Seq: 1, Op: 3, Key: "a", Value: "", Call: 20, Return: 30, Done: true},
	)
	if err := w.CheckLinearizability(time.Second); err == nil {
		t.Fatal("a stale read passed the linearizability check")
	}
	read := *w.workload.history.At(1)
	read.Value = "x"
	w.workload.history.Set(1, read)
	if err := w.CheckLinearizability(time.Second); err != nil {
		t.Fatalf("a correct history failed: %v", err)
	}
}

func TestBadInputIsRefused(t *testing.T) {
	w := newWorld(t, 3, 1)
	bad := -0.5
	for name, err := range map[string]error{
		"crash 0":      w.Crash(0),
		"restart up":   w.Restart(1),
		"link to self": w.SetLink(2, 2, false),
		"link 9":       w.SetLink(1, 9, false),
		"loss -0.5":    w.SetLinkConfig(1, 2, LinkConfig{Loss: &bad}),
		"two groups":   w.Partition([]raft.NodeID{1, 2}, []raft.NodeID{2, 3}),
		"release 999":  w.Release(999),
		"delay -1":     w.SetResponseDelay(1, -1),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := New(Options{Nodes: 12}); err == nil || !strings.Contains(err.Error(), "nodes") {
		t.Errorf("12 nodes: %v", err)
	}
	// The world still runs.
	settle(t, w)
}

// TestLinkConfig: latency, loss, duplication and reordering set on one link
// act on that link.
func TestLinkConfig(t *testing.T) {
	w := newWorld(t, 3, 6)
	lead := settle(t, w)
	to := lead%3 + 1
	lo, hi := 40*time.Millisecond, 50*time.Millisecond
	if err := w.SetLinkConfig(lead, to, LinkConfig{LatencyMin: &lo, LatencyMax: &hi}); err != nil {
		t.Fatal(err)
	}
	w.RunFor(200 * time.Millisecond)
	for _, m := range w.Status().Wire {
		if m.From == lead && m.To == to {
			if d := m.Arrive - m.Sent; d < lo || d > hi {
				t.Fatalf("a message on the slowed link takes %v, want %v..%v", d, lo, hi)
			}
		}
	}
	one, zero := 1.0, 0.0
	if err := w.SetLinkConfig(lead, to, LinkConfig{Loss: &one}); err != nil {
		t.Fatal(err)
	}
	before := countEvents(w, EvDrop, "lost")
	w.RunFor(300 * time.Millisecond)
	if countEvents(w, EvDrop, "lost") <= before {
		t.Fatal("a link with loss 1 lost nothing")
	}
	if err := w.SetLinkConfig(lead, to, LinkConfig{Loss: &zero, Duplicate: &one}); err != nil {
		t.Fatal(err)
	}
	w.RunFor(300 * time.Millisecond)
	if countEvents(w, EvDuplicate, "duplicated") == 0 {
		t.Fatal("a link with duplicate 1 duplicated nothing")
	}
	// With reordering, some message overtakes one sent before it.
	if err := w.SetLinkConfig(lead, to, LinkConfig{Duplicate: &zero, Reorder: &one}); err != nil {
		t.Fatal(err)
	}
	overtaken := false
	for range 100 {
		if _, err := w.ProposeTo(lead, []byte("r")); err != nil {
			t.Fatal(err)
		}
		w.RunFor(time.Millisecond)
		var lastArrive time.Duration
		for _, m := range w.Status().Wire {
			if m.From == lead && m.To == to {
				if m.Arrive < lastArrive {
					overtaken = true
				}
				lastArrive = m.Arrive
			}
		}
	}
	if !overtaken {
		t.Fatal("a link with reorder 1 kept every message in order")
	}
	w.RunFor(2 * time.Second)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
}

// TestTraceShowsReplicators: a new leader's replicators are traced as
// started, and destroyed when it steps down.
func TestTraceShowsReplicators(t *testing.T) {
	w := newWorld(t, 3, 8)
	lead := settle(t, w)
	if countEvents(w, EvReplicator, "started in Probe") == 0 {
		t.Fatal("no replicator start was traced")
	}
	if err := w.Isolate(lead); err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	if countEvents(w, EvReplicator, "destroyed") < 2 {
		t.Fatal("the isolated leader stepped down without its replicators traced as destroyed")
	}
}

// TestViolationStopsTheRunAndShows: after a violation the world no longer
// moves, and its status says why.
func TestViolationStopsTheRunAndShows(t *testing.T) {
	w := newWorld(t, 3, 1)
	settle(t, w)
	w.fail(&Violation{Property: "election safety", Detail: "nodes 1 and 2 both led in term 3"})
	at, events := w.Now(), w.Trace().Len()
	w.RunFor(time.Second)
	if w.Now() != at || w.Trace().Len() != events {
		t.Fatalf("the world moved on after a violation: %v -> %v, %d -> %d events", at, w.Now(), events, w.Trace().Len())
	}
	st := w.Status().Violation
	if !strings.Contains(st, "election safety") || !strings.Contains(st, "seed 1") || !strings.Contains(st, "event ") {
		t.Fatalf("status violation %q lacks the property, the seed or the event", st)
	}
}
