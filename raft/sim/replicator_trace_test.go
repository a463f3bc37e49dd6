package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestTraceShowsRepairs: a follower that missed entries while down makes
// the next leader's replicator repair its nextIndex (seed §5: a new leader
// starts every replicator after its own last entry; the follower rejects,
// and the leader moves nextIndex to after the follower's last entry and
// probes). The trace says so, with the reason, and shows the reset of the
// pipeline with its version bump; the replicator's status counts it.
func TestTraceShowsRepairs(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	if lead == raft.None {
		t.Fatal("no leader")
	}
	behind := lead%5 + 1
	if err := w.Crash(behind); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := w.Propose([]byte{byte('a' + i)}); err != nil {
			t.Fatal(err)
		}
		w.RunFor(50 * time.Millisecond)
	}
	if err := w.Crash(lead); err != nil {
		t.Fatal(err)
	}
	if err := w.Restart(behind); err != nil {
		t.Fatal(err)
	}
	var next raft.NodeID
	for end := w.Now() + 3*time.Second; w.Now() < end && next == raft.None; w.RunFor(time.Millisecond) {
		next = w.Leader()
	}
	if next == raft.None || next == behind {
		t.Fatalf("leader after the crash: %d", next)
	}
	w.RunFor(300 * time.Millisecond)
	prefix := fmt.Sprintf("replicator %d->%d ", next, behind)
	var repair, reset string
	for _, ev := range w.Trace().Recent(256) {
		switch {
		case ev.Kind != EvReplicator:
		case strings.HasPrefix(ev.Text, prefix+"nextIndex"):
			repair = ev.Text
		case strings.HasPrefix(ev.Text, prefix+"reset: version"):
			reset = ev.Text
		}
	}
	if !strings.Contains(repair, "follower behind") {
		t.Errorf("no repair of the follower's nextIndex in the trace (last: %q)", repair)
	}
	if reset == "" {
		t.Error("no reset of the follower's replicator in the trace")
	}
	// The same event as values (what the page's feed reads): the
	// rejected request asked after an entry past the follower's last, and
	// nextIndex moved to just after that last entry.
	var rec *Record
	for _, r := range w.Trace().NotableRecords(notableKeep) {
		if r.Format == FormatRepair && r.Node == next && r.Args[1] == uint64(behind) {
			rec = &r
		}
	}
	if rec == nil {
		t.Fatal("no repair among the notable records")
	}
	to, prevIndex, prevTerm, last, followerTerm := rec.Args[3], rec.Args[5], rec.Args[6], rec.Args[7], rec.Args[8]
	if prevIndex.(uint64) <= last.(uint64) || followerTerm != uint64(0) || to != last.(uint64)+1 || prevTerm == uint64(0) {
		t.Errorf("repair record %v: want an entry past the follower's last (its term there 0), nextIndex after its last", rec.Args)
	}
	st := w.Status()
	for _, r := range st.Nodes[next-1].Replicators {
		if r.Peer == behind && (r.Repairs == 0 || r.LastRepair.Reason != raft.RepairFollowerBehind || r.LastRepair.To >= r.LastRepair.From || !r.HasSucceeded) {
			t.Errorf("the replicator's status: %+v", r)
		}
	}
}

// TestTraceNamesVoters: the event of a node becoming leader names the
// voters whose votes elected it, a majority of the cluster including
// itself (Raft §5.2: a candidate wins with votes from a majority).
func TestTraceNamesVoters(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	var rec *Record
	for _, r := range w.Trace().NotableRecords(notableKeep) {
		if r.Format == FormatElected && r.Node == lead {
			rec = &r
		}
	}
	if rec == nil {
		t.Fatalf("no election of n%d among %v", lead, w.Trace().Notable(notableKeep))
	}
	voters := strings.Fields(rec.Args[4].(string))
	if len(voters) < 3 || !slices.Contains(voters, fmt.Sprint(lead)) || !slices.IsSortedFunc(voters, strings.Compare) {
		t.Errorf("n%d elected by %q: want a majority of 5 including itself, by id", lead, voters)
	}
	// The text is the record's values in its format.
	for _, ev := range w.Trace().Notable(notableKeep) {
		if ev.N == rec.N && ev.Text != fmt.Sprintf(FormatElected, rec.Args...) {
			t.Errorf("text %q, record %v", ev.Text, rec.Args)
		}
	}
}
