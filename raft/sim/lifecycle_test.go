package sim

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// TestMessageLogFollowsEveryMessage: each message's record says where it
// went and how its life ended, for every way a life can end, and agrees
// with the wire while the message is on it.
func TestMessageLogFollowsEveryMessage(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	if lead == raft.None {
		t.Fatal("no leader after 2 s")
	}
	log := w.MessageLog(0, nil)
	delivered := 0
	for _, r := range log {
		switch r.Outcome {
		case Delivered:
			delivered++
			if r.ID == 0 || r.End != r.Arrive || r.Arrive <= r.Sent {
				t.Errorf("delivered message: %+v", r)
			}
		case InFlight:
			m, rec, ok := w.InFlight(r.ID)
			if !ok || rec != r || m.From != r.From || m.To != r.To || m.Type != r.Type {
				t.Errorf("in-flight record %+v, wire has %+v (%v)", r, rec, ok)
			}
		}
	}
	if delivered == 0 {
		t.Fatalf("no delivered message in %d records", len(log))
	}
	// A heartbeat and its response are both of kind heartbeat.
	if !slices.ContainsFunc(log, func(r MsgRecord) bool { return r.Kind == KindHeartbeat && r.Response && r.Success }) {
		t.Error("no accepted heartbeat response in the log")
	}

	// Hold, release, drop: the record follows.
	follower := lead%3 + 1
	id := waitForMessage(t, w, lead, follower)
	if err := w.Hold(id); err != nil {
		t.Fatal(err)
	}
	if _, rec, _ := w.InFlight(id); !rec.Held {
		t.Errorf("held message's record: %+v", rec)
	}
	w.RunFor(100 * time.Millisecond)
	if err := w.Release(id); err != nil {
		t.Fatal(err)
	}
	if _, rec, _ := w.InFlight(id); rec.Held || rec.Arrive != w.Now() {
		t.Errorf("released message's record (now %v): %+v", w.Now(), rec)
	}
	if err := w.Drop(id); err != nil {
		t.Fatal(err)
	}
	if r := lastRecord(w, id); r.Outcome != DroppedByHand || r.End != w.Now() {
		t.Errorf("dropped message's record: %+v", r)
	}

	// A cut link: messages never get on the wire.
	if err := w.SetLink(lead, follower, false); err != nil {
		t.Fatal(err)
	}
	since := w.Now()
	w.RunFor(200 * time.Millisecond)
	cut := 0
	for _, r := range w.MessageLog(since, nil) {
		if r.From == lead && r.To == follower && r.Sent >= since {
			if r.Outcome != LinkDown || r.ID != 0 || r.End != r.Sent {
				t.Errorf("message over a cut link: %+v", r)
			}
			cut++
		}
	}
	if cut == 0 {
		t.Error("the leader sent nothing over the cut link in 200 ms")
	}
	w.HealAll()

	// A crashed receiver.
	id = waitForMessage(t, w, lead, follower)
	if err := w.Crash(follower); err != nil {
		t.Fatal(err)
	}
	w.RunFor(100 * time.Millisecond)
	if r := lastRecord(w, id); r.Outcome != ReceiverDown {
		t.Errorf("message to a crashed node: %+v", r)
	}
}

// waitForMessage runs w until a message from → to is on the wire.
func waitForMessage(t *testing.T, w *World, from, to raft.NodeID) MsgID {
	t.Helper()
	for end := w.Now() + time.Second; w.Now() < end; w.RunFor(time.Millisecond) {
		for _, ws := range w.Status().Wire {
			if ws.From == from && ws.To == to {
				return ws.ID
			}
		}
	}
	t.Fatalf("no message %d→%d on the wire for a second", from, to)
	return 0
}

func lastRecord(w *World, id MsgID) MsgRecord {
	log := w.MessageLog(0, nil)
	i := slices.IndexFunc(log, func(r MsgRecord) bool { return r.ID == id })
	if i < 0 {
		return MsgRecord{}
	}
	return log[i]
}

// TestRoleLog: every start, role change and crash is kept in order.
func TestRoleLog(t *testing.T) {
	w, err := New(DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(2 * time.Second)
	lead := w.Leader()
	if err := w.Crash(lead); err != nil {
		t.Fatal(err)
	}
	log := w.RoleLog(nil)
	for i, id := range NodeIDs(w) {
		if want := (RoleChange{Node: id, Up: true, Role: raft.Follower}); log[i] != want {
			t.Errorf("start of node %d: %+v, want %+v", id, log[i], want)
		}
	}
	if !slices.ContainsFunc(log, func(rc RoleChange) bool { return rc.Node == lead && rc.Role == raft.Leader && rc.Up }) {
		t.Errorf("the leader's election is not in the log: %+v", log)
	}
	if last := log[len(log)-1]; last.Node != lead || last.Up || last.At != w.Now() || last.Role != raft.Leader {
		t.Errorf("the crash: %+v", last)
	}
	if !slices.IsSortedFunc(log, func(a, b RoleChange) int { return int(a.At - b.At) }) {
		t.Errorf("role changes out of order: %+v", log)
	}
}

// TestRoleLogKeepsTheLatest: past roleKeep changes the log keeps the
// latest roleKeep, in order, and a clone (as a checkpoint holds) keeps
// what it had while the original goes on.
func TestRoleLogKeepsTheLatest(t *testing.T) {
	var h history
	add := func(from, to int) {
		for i := from; i < to; i++ {
			h.addRole(RoleChange{Term: uint64(i)})
		}
	}
	terms := func(h *history) []uint64 {
		var out []uint64
		for _, rc := range (&World{hist: *h}).RoleLog(nil) {
			out = append(out, rc.Term)
		}
		return out
	}
	want := func(from, to int) []uint64 {
		var out []uint64
		for i := from; i < to; i++ {
			out = append(out, uint64(i))
		}
		return out
	}
	add(0, 300)
	if got := terms(&h); !slices.Equal(got, want(300-roleKeep, 300)) {
		t.Fatalf("after 300 changes the log holds terms %v", got)
	}
	c := h.clone()
	add(300, 1100)
	if got := terms(&h); !slices.Equal(got, want(1100-roleKeep, 1100)) {
		t.Fatalf("after 1100 changes the log holds terms %v", got)
	}
	if got := terms(&c); !slices.Equal(got, want(300-roleKeep, 300)) {
		t.Fatalf("the clone made after 300 changes holds terms %v", got)
	}
}

// TestSeekRestoresHistory: a world rebuilt by Seek has the message and role
// history of a world run straight to that time (issue 8: what a view
// shows after a seek is derived from the world, so it equals a fresh run).
func TestSeekRestoresHistory(t *testing.T) {
	o := DefaultOptions()
	o.Clients, o.ClientRate = 4, 100
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	w.RunFor(7 * time.Second)
	if err := w.Crash(w.Leader()); err != nil {
		t.Fatal(err)
	}
	w.RunFor(6 * time.Second)
	// A copy (a checkpoint) keeps the newest msgCloned message records, as
	// they were; running the original on must not change them.
	c := w.clone()
	all := w.MessageLog(0, nil)
	before := c.MessageLog(0, nil)
	if !reflect.DeepEqual(before, all[len(all)-msgCloned:]) || c.hist.complete() {
		t.Fatalf("a clone keeps %d message records (complete: %v), not the newest %d of %d",
			len(before), c.hist.complete(), msgCloned, len(all))
	}
	w.RunFor(time.Second)
	if after := c.MessageLog(0, nil); !reflect.DeepEqual(before, after) {
		t.Fatal("running a world changed its clone's message history")
	}
	at := 11*time.Second + 123*time.Millisecond
	s, err := w.Seek(at)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := Replay(o, w.Interventions(), at)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.MessageLog(at-2*time.Second, nil), fresh.MessageLog(at-2*time.Second, nil); !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("message log after seek: %d records, fresh run: %d (equal: %v)", len(got), len(want), reflect.DeepEqual(got, want))
	}
	if got, want := s.RoleLog(nil), fresh.RoleLog(nil); !reflect.DeepEqual(got, want) {
		t.Errorf("role log after seek:\n%+v\nfresh run:\n%+v", got, want)
	}
}
