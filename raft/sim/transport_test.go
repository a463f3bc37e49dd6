package sim

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// slowTransport is the RPC layer issue 7 describes: calls to a down peer
// fail only after 0 to 7 s, and 60% of replies arrive 0.2 to 2.2 s late
// while requests do not. The transport's own timeout is long enough for
// the late replies to arrive.
func slowTransport(o *Options) {
	o.DownFailMax = 7 * time.Second
	o.LateReplies, o.LateReplyMin, o.LateReplyMax = 0.6, 200*time.Millisecond, 2200*time.Millisecond
	o.RPCTimeout = 10 * time.Second
}

func slowWorld(t *testing.T, nodes int, seed uint64, set func(*Options)) *World {
	t.Helper()
	o := DefaultOptions()
	o.Nodes, o.Seed = nodes, seed
	slowTransport(&o)
	if set != nil {
		set(&o)
	}
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Options.LateReplies: replies, and only replies, take up to LateReplyMax
// longer, about as often as asked; the draws come from the network stream,
// so the same seed gives the same run.
func TestLateRepliesDelayRepliesOnly(t *testing.T) {
	run := func() (*World, map[MsgID]WireStatus) {
		w := slowWorld(t, 3, 3, nil)
		transit := map[MsgID]WireStatus{}
		for w.Now() < 20*time.Second {
			if w.Leader() != raft.None {
				_, _ = w.Propose([]byte("x"))
			}
			w.RunFor(5 * time.Millisecond)
			for _, m := range w.Status().Wire {
				transit[m.ID] = m
			}
		}
		return w, transit
	}
	w, transit := run()
	if again, _ := run(); again.Trace().Len() != w.Trace().Len() || again.Status().Leader != w.Status().Leader {
		t.Errorf("the same seed ran differently: %d events and leader %d, then %d and %d",
			w.Trace().Len(), w.Status().Leader, again.Trace().Len(), again.Status().Leader)
	}
	lo, hi := w.opts.LatencyMin, w.opts.LatencyMax
	replies, late := 0, 0
	for _, m := range transit {
		d := m.Arrive - m.Sent
		if m.Type.IsRequest() {
			if d < lo || d > hi {
				t.Fatalf("request %s took %v, want %v..%v", m.Summary, d, lo, hi)
			}
			continue
		}
		replies++
		switch {
		case d > hi+w.opts.LateReplyMax || d < lo:
			t.Fatalf("reply %s took %v, want at most %v", m.Summary, d, hi+w.opts.LateReplyMax)
		case d >= lo+w.opts.LateReplyMin:
			late++
		}
	}
	if replies < 500 {
		t.Fatalf("only %d replies seen", replies)
	}
	// 60% asked; a binomial over hundreds of replies stays well inside.
	if frac := float64(late) / float64(replies); frac < 0.5 || frac > 0.7 {
		t.Fatalf("%d of %d replies late (%.2f), want about 0.6", late, replies, frac)
	}
}

// LinkConfig.LateReplies makes replies late on one link only.
func TestLateRepliesPerLink(t *testing.T) {
	w := slowWorld(t, 3, 5, func(o *Options) {
		o.LateReplies, o.LateReplyMin, o.LateReplyMax = 0, 500*time.Millisecond, 500*time.Millisecond
	})
	lead := settle(t, w)
	slow := lead%3 + 1
	one := 1.0
	if err := w.SetLinkConfig(slow, lead, LinkConfig{LateReplies: &one}); err != nil {
		t.Fatal(err)
	}
	replies := map[MsgID]WireStatus{}
	for end := w.Now() + 2*time.Second; w.Now() < end; w.RunFor(5 * time.Millisecond) {
		for _, m := range w.Status().Wire {
			if m.To == lead && !m.Type.IsRequest() {
				replies[m.ID] = m
			}
		}
	}
	seen := map[raft.NodeID]int{}
	for _, m := range replies {
		seen[m.From]++
		if late := m.Arrive-m.Sent >= w.opts.LateReplyMin; late != (m.From == slow) {
			t.Fatalf("a reply from %d takes %v (slow link %d->%d)", m.From, m.Arrive-m.Sent, slow, lead)
		}
	}
	if seen[slow] == 0 || len(seen) != 2 {
		t.Fatalf("replies seen per sender: %v", seen)
	}
}

// Options.DownFailMax: a call to a crashed peer fails after a delay drawn
// from [0, DownFailMax], mostly far past RPCTimeout; without it, at
// RPCTimeout exactly.
func TestDownPeerFailsSlowly(t *testing.T) {
	for _, downFail := range []time.Duration{0, 7 * time.Second} {
		w := slowWorld(t, 3, 4, func(o *Options) {
			o.DownFailMax, o.LateReplies, o.RPCTimeout = downFail, 0, 150*time.Millisecond
		})
		lead := settle(t, w)
		down := lead%3 + 1
		if err := w.Crash(down); err != nil {
			t.Fatal(err)
		}
		delays := map[uint64]time.Duration{}
		for end := w.Now() + 3*time.Second; w.Now() < end; w.RunFor(10 * time.Millisecond) {
			for _, ev := range append(slices.Clone(w.queue), w.timeouts.items()...) {
				if c := w.calls.get(ev.id); ev.kind == evRPCTimeout && c != nil && c.req.To == down {
					delays[ev.id] = ev.at - c.sent
				}
			}
		}
		if len(delays) < 10 {
			t.Fatalf("DownFailMax %v: only %d calls to the crashed node", downFail, len(delays))
		}
		longer := 0
		for _, d := range delays {
			if downFail == 0 && d != w.opts.RPCTimeout {
				t.Fatalf("a call to a crashed node fails after %v, want RPCTimeout %v", d, w.opts.RPCTimeout)
			}
			if d < 0 || d > max(downFail, w.opts.RPCTimeout) {
				t.Fatalf("DownFailMax %v: a call fails after %v", downFail, d)
			}
			if d > w.opts.RPCTimeout {
				longer++
			}
		}
		if downFail > 0 && longer < len(delays)*3/4 {
			t.Fatalf("only %d of %d calls to a crashed node failed after more than RPCTimeout", longer, len(delays))
		}
	}
}

// roleLog counts, from the trace, the leaders elected and the leaders that
// stepped down without a higher term.
type roleLog struct{ elected, steppedDown int }

func (l *roleLog) Write(p []byte) (int, error) {
	var ev struct{ Kind, Text string }
	if err := json.Unmarshal(p, &ev); err != nil {
		return 0, err
	}
	if ev.Kind == EvRole.String() {
		var from, to string
		var a, b uint64
		if _, err := fmt.Sscanf(ev.Text, "%s term %d -> %s term %d", &from, &a, &to, &b); err != nil {
			return 0, err
		}
		switch {
		case to == "leader":
			l.elected++
		case from == "leader" && a == b:
			l.steppedDown++
		}
	}
	return len(p), nil
}

// The goal of issue 7: with the core's default settings, a 300 ms
// election timeout and a 100 ms heartbeat, a five-node cluster under the
// slow transport, every node connected, keeps its leader and commits
// steadily. Before the core had its own RPC timeout, counted rejected
// heartbeats as contact and gave check-quorum a window of its own, the same
// worlds saw 35 to 73 terms a minute, leaders stepping down in their own
// term 19 to 41 times, and commit standing still for up to 48 s (seed 4:
// index 17 from 9 s to the end). Measured now, over 60 s and four seeds:
// one or two terms, one leader, no step-down, commit up every 3 s (about
// 150 entries a minute, as fast as three clients that wait for each
// answer go).
func TestSlowTransportCommitsSteadily(t *testing.T) {
	const (
		run    = 60 * time.Second
		window = 3 * time.Second
	)
	for seed := uint64(1); seed <= 4; seed++ {
		{
			w := slowWorld(t, 5, seed, func(o *Options) {
				o.ElectionTimeout, o.HeartbeatInterval = 300*time.Millisecond, 100*time.Millisecond
				o.Clients, o.ClientRate, o.Keys, o.ClientTimeout = 3, 30, 5, 3*time.Second
			})
			roles := &roleLog{}
			w.Trace().SetSink(roles)
			var commits []uint64
			for w.Now() < run {
				w.RunFor(window)
				var c uint64
				for _, sn := range w.nodes {
					c = max(c, sn.node.CommitIndex())
				}
				commits = append(commits, c)
			}
			if err := cmp.Or(w.Violation(), w.Trace().Err()); err != nil {
				t.Fatal(err)
			}
			var term uint64
			for _, sn := range w.nodes {
				term = max(term, sn.node.Term())
			}
			name := fmt.Sprintf("seed %d", seed)
			t.Logf("%s: %d terms, %d elected, %d stepped down; commit index every %v: %v", name, term, roles.elected, roles.steppedDown, window, commits)
			if roles.steppedDown > 0 || roles.elected > 2 || term > 4 {
				t.Errorf("%s: %d terms, %d leaders elected, %d stepped down in their term; want at most 4, 2 and none", name, term, roles.elected, roles.steppedDown)
			}
			for i := 1; i < len(commits); i++ {
				if commits[i] <= commits[i-1] {
					t.Errorf("%s: commit index stuck at %d from %v to %v", name, commits[i], time.Duration(i)*window, time.Duration(i+1)*window)
				}
			}
			if total := commits[len(commits)-1]; total < 100 {
				t.Errorf("%s: %d entries committed in %v, want at least 100", name, total, run)
			}
		}
	}
}

// A follower that comes back is caught up although the calls made while
// it was down fail only up to 7 s later: the core fails them itself at its
// RPCTimeout (10 election timeouts, 3 s, by default) instead of holding
// the pipeline until the transport reports them. Measured from the restart
// until the leader knows the follower holds its log: 0.4 to 3.8 s; with
// the core's timeout out of the way (an hour), 2.0 to 4.8 s.
func TestRejoinedFollowerCatchesUp(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		w := slowWorld(t, 5, seed, func(o *Options) {
			o.ElectionTimeout, o.HeartbeatInterval = 300*time.Millisecond, 100*time.Millisecond
			o.Clients, o.ClientRate, o.Keys, o.ClientTimeout = 3, 30, 5, 3*time.Second
		})
		lead := settle(t, w)
		down := lead%5 + 1
		if err := w.Crash(down); err != nil {
			t.Fatal(err)
		}
		w.RunFor(3 * time.Second)
		if err := w.Restart(down); err != nil {
			t.Fatal(err)
		}
		back, target := w.Now(), w.nodes[lead-1].node.LastIndex()
		matched := func() uint64 {
			for _, r := range w.nodes[lead-1].node.Status().Replicators {
				if r.Peer == down {
					return r.MatchIndex
				}
			}
			return 0
		}
		for matched() < target {
			if w.Now()-back > 6*time.Second || w.Leader() != lead {
				t.Fatalf("seed %d: leader %d knows node %d holds %d of %d, %v after it came back (leader now %d)",
					seed, lead, down, matched(), target, w.Now()-back, w.Leader())
			}
			w.RunFor(10 * time.Millisecond)
		}
		took := w.Now() - back
		t.Logf("seed %d: node %d caught up %v after it came back", seed, down, took)
	}
}

// TestDropRefsClearsEveryReference: a message that left the wire or the
// call table keeps none of the memory it referenced (dropRefs), whatever
// fields raft.Message gains.
func TestDropRefsClearsEveryReference(t *testing.T) {
	var m raft.Message
	v := reflect.ValueOf(&m).Elem()
	refs := 0
	for i := range v.NumField() {
		f := v.Field(i)
		switch f.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Chan, reflect.Func:
			refs++
			switch f.Kind() {
			case reflect.Pointer:
				f.Set(reflect.New(f.Type().Elem()))
			case reflect.Slice:
				f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			default:
				t.Fatalf("raft.Message.%s (%v) references memory: dropRefs must clear it, and this test must set it", v.Type().Field(i).Name, f.Kind())
			}
		}
	}
	if refs == 0 {
		t.Fatal("raft.Message has no references: the test sets nothing")
	}
	dropRefs(&m)
	for i := range v.NumField() {
		if f := v.Field(i); (f.Kind() == reflect.Pointer || f.Kind() == reflect.Slice) && !f.IsNil() {
			t.Errorf("dropRefs left raft.Message.%s set", v.Type().Field(i).Name)
		}
	}
}

// TestNetRandDrawsAsRandRand: the network's draws (netRand) are the numbers
// a rand.Rand on the same stream gives, so that calling the PCG directly
// changed no trace.
func TestNetRandDrawsAsRandRand(t *testing.T) {
	mine, theirs := netRand{rand.NewPCG(7, 0x6e6574)}, rand.New(rand.NewPCG(7, 0x6e6574))
	bounds := []int64{1, 2, 3, 7, 8, 1000, 1 << 20, 5_000_001, 1<<62 + 1, 1<<63 - 1}
	for i := range 100000 {
		if i%3 == 0 {
			if a, b := mine.Float64(), theirs.Float64(); a != b {
				t.Fatalf("draw %d: Float64 gave %v, rand.Rand %v", i, a, b)
			}
			continue
		}
		n := bounds[i%len(bounds)]
		if a, b := mine.Int64N(n), theirs.Int64N(n); a != b {
			t.Fatalf("draw %d: Int64N(%d) gave %d, rand.Rand %d", i, n, a, b)
		}
	}
}
