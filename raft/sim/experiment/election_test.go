package experiment

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// runAll runs name to its end and fails the test on a trial error.
func runAll(t *testing.T, name string, o Options) *Result {
	t.Helper()
	r, err := New(name, o)
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(1000) {
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return r.Result()
}

// config returns the configuration labelled label.
func (r *Result) config(t *testing.T, label string) *ConfigResult {
	t.Helper()
	for i := range r.Configs {
		if r.Configs[i].Label == label {
			return &r.Configs[i]
		}
	}
	t.Fatalf("no configuration %q", label)
	return nil
}

// Raft paper §9.3: "The leader was crashed uniformly randomly within its
// heartbeat interval, which was half of the minimum election timeout".
// The offsets of 600 crashes after the leader's last heartbeat, in
// heartbeat intervals, pass a Kolmogorov-Smirnov test against the uniform
// distribution on [0, 1) at the 1% level (critical D = 1.63/sqrt(n)).
func TestElectionCrashUniformInHeartbeat(t *testing.T) {
	res := runAll(t, "election", Options{Seed: 11, Trials: 60, Cap: time.Second})
	var u []float64
	for _, c := range res.Configs {
		for _, tr := range c.Trials {
			hb := tr.Values[colHeartbeat]
			if want := c.Params[0] / 2; hb != want {
				t.Fatalf("%s: heartbeat %v ms, want half the minimum timeout, %v ms", c.Label, hb, want)
			}
			off := tr.Values[colCrashOffset] / hb
			if off < 0 || off >= 1 {
				t.Fatalf("%s trial %d: crash %v ms after the heartbeat, outside its interval of %v ms", c.Label, tr.Index, tr.Values[colCrashOffset], hb)
			}
			u = append(u, off)
		}
	}
	slices.Sort(u)
	d := 0.0
	for i, x := range u {
		n := float64(len(u))
		d = max(d, math.Abs(float64(i+1)/n-x), math.Abs(x-float64(i)/n))
	}
	if limit := 1.63 / math.Sqrt(float64(len(u))); d > limit {
		t.Fatalf("crash offsets are not uniform over the heartbeat interval: KS D = %.4f > %.4f over %d trials", d, limit, len(u))
	}
}

// Raft paper §5.2: "election timeouts are chosen randomly from a fixed
// interval". In a trial's world every follower's timer, armed by the
// stable leader's heartbeats, runs for a time within the range (exactly
// the minimum when the range is fixed); and the broadcast time (Figure
// 16: "a broadcast time of roughly 15ms") is the round trip of a
// heartbeat: each way 6 to 9 ms, 15 ms on average.
func TestElectionSetup(t *testing.T) {
	e := &election{preVote: false, cap: defaultCap, latencyMin: electionLatencyMin, latencyMax: electionLatencyMax}
	var rtts []time.Duration
	for _, r := range []timeoutRange{{150, 150}, {150, 155}, {150, 300}, {12, 24}} {
		lo, hi := time.Duration(r.min)*time.Millisecond, time.Duration(r.max)*time.Millisecond
		for seed := range uint64(20) {
			w, err := sim.New(e.options(r, seed))
			if err != nil {
				t.Fatal(err)
			}
			if err := firstLeader(w); err != nil {
				t.Fatal(err)
			}
			w.RunFor(time.Second)
			leader := w.Leader()
			if leader == raft.None {
				continue // 12-24 ms may be between leaders
			}
			for _, ns := range w.Status().Nodes {
				if ns.ID == leader {
					continue
				}
				d := ns.ElectionDue - ns.ElectionArmed
				if d < lo || d > hi || (d == hi && hi != lo) {
					t.Fatalf("%s seed %d: node %d's timer runs %v, want within [%v, %v)", r.label(), seed, ns.ID, d, lo, hi)
				}
			}
			rtts = append(rtts, heartbeatRoundTrips(t, w)...)
		}
	}
	var sum time.Duration
	for _, d := range rtts {
		sum += d
	}
	if mean := sum / time.Duration(len(rtts)); len(rtts) < 1000 || mean < 14500*time.Microsecond || mean > 15500*time.Microsecond {
		t.Fatalf("mean heartbeat round trip %v over %d, want 15ms ± 0.5ms over at least 1000", mean, len(rtts))
	}
}

// heartbeatRoundTrips returns the round trips of the heartbeats w still
// remembers: each request's time on the wire plus its response's, each
// checked to be within the experiment's one-way latency.
func heartbeatRoundTrips(t *testing.T, w *sim.World) []time.Duration {
	t.Helper()
	var out []time.Duration
	recs := w.MessageLog(0, nil)
	oneWay := func(r *sim.MsgRecord) time.Duration {
		d := r.Arrive - r.Sent
		if d < electionLatencyMin || d > electionLatencyMax {
			t.Fatalf("a message took %v on the wire, want %v to %v", d, electionLatencyMin, electionLatencyMax)
		}
		return d
	}
	for i := range recs {
		req := &recs[i]
		if req.Kind != sim.KindHeartbeat || req.Response || req.Outcome != sim.Delivered {
			continue
		}
		// Its response leaves the follower the moment the request arrives.
		for j := i + 1; j < len(recs); j++ {
			resp := &recs[j]
			if resp.Response && resp.From == req.To && resp.To == req.From && resp.Sent == req.Arrive && resp.Kind == sim.KindHeartbeat {
				out = append(out, oneWay(req)+oneWay(resp))
				break
			}
		}
	}
	return out
}

// Raft paper §9.3: "the smallest possible downtime was about half of the
// minimum election timeout". Here exactly: a follower heard the last
// heartbeat at least one latency (6 ms) after it left, times out a
// minimum timeout later, and its vote needs a round trip (12 ms), while
// the crash came at most a heartbeat interval (half the minimum) after
// the heartbeat. Capped trials report the cap; elected ones took at
// least one term.
func TestElectionTimesBounded(t *testing.T) {
	for _, preVote := range []bool{false, true} {
		res := runAll(t, "election", Options{Seed: 3, Trials: 30, PreVote: preVote, Cap: 5 * time.Second})
		for _, c := range res.Configs {
			floor := c.Params[0]/2 + 18
			for _, tr := range c.Trials {
				v := tr.Values
				switch {
				case v[colElected] == 0 && v[colElectionMs] != 5000:
					t.Fatalf("%s trial %d: capped at %v ms, want the 5 s cap", c.Label, tr.Index, v[colElectionMs])
				case v[colElected] == 1 && (v[colElectionMs] < floor || v[colTerms] < 1):
					t.Fatalf("%s trial %d: elected after %v ms in %v terms, want at least %v ms and a term", c.Label, tr.Index, v[colElectionMs], v[colTerms], floor)
				}
			}
		}
	}
}

// The election figures on a fixed seed: with 25 ms of randomness or more
// every trial elects within 3 s; with none (150-150 ms) and no pre-vote the five
// servers time out in lockstep forever (the simulator has no clock drift
// or processing jitter to break it), so every trial hits the cap. More
// randomness elects faster, in the median, than 5 ms of it.
func TestElectionStatistics(t *testing.T) {
	res := runAll(t, "election", Options{Seed: 1, Trials: 50, Cap: 3 * time.Second})
	if s := res.config(t, "150-150ms").Summary; s.Capped != s.Count {
		t.Errorf("150-150ms: %d of %d trials capped, want all", s.Capped, s.Count)
	}
	for _, label := range []string{"150-175ms", "150-200ms", "150-300ms", "12-24ms", "25-50ms", "50-100ms", "100-200ms"} {
		if s := res.config(t, label).Summary; s.Capped != 0 {
			t.Errorf("%s: %d trials capped, want none", label, s.Capped)
		}
	}
	m5, m150 := res.config(t, "150-155ms").Summary.Median, res.config(t, "150-300ms").Summary.Median
	if !(m150 < m5/2) {
		t.Errorf("median with 150 ms of randomness %v ms, with 5 ms %v ms: want less than half", m150, m5)
	}
}

// Why 5 ms of randomness is not enough here (docs/experiments.md): the
// first follower to time out wins only if its vote request reaches the
// others before their own timers fire, so what counts is the randomness
// against the one-way latency. On a 0.5-1 ms wire the same 150-155 ms
// range elects at a median of well under 287 ms (the paper's figure), on
// the default 6-9 ms wire well over it; and the 12-24 ms range, faster
// than the default wire's round trip, elects several times faster on the
// fast wire.
func TestElectionLatencyAgainstRandomness(t *testing.T) {
	fast := runAll(t, "election", Options{Seed: 2, Trials: 40, Cap: 3 * time.Second, LatencyMin: 500 * time.Microsecond, LatencyMax: time.Millisecond})
	slow := runAll(t, "election", Options{Seed: 2, Trials: 40, Cap: 3 * time.Second})
	f, s := fast.config(t, "150-155ms").Summary.Median, slow.config(t, "150-155ms").Summary.Median
	if !(f < 287 && s > 287) {
		t.Errorf("150-155ms: median %v ms on the fast wire, %v ms on the default one: want below and above 287", f, s)
	}
	f, s = fast.config(t, "12-24ms").Summary.Median, slow.config(t, "12-24ms").Summary.Median
	if !(3*f < s) {
		t.Errorf("12-24ms: median %v ms on the fast wire, %v ms on the default one: want less than a third", f, s)
	}
}

// Raft paper §9.3: "the servers in each trial had different log lengths,
// so some candidates were not eligible to become leader". With
// UnevenLogs, once the leader's last appends have landed two followers
// hold one more entry than the other two, and the new leader is always
// one of the two: the others cannot gather three votes (§5.4.1, the
// election restriction).
func TestElectionUnevenLogs(t *testing.T) {
	e := &election{cap: defaultCap, latencyMin: electionLatencyMin, latencyMax: electionLatencyMax, unevenLogs: true}
	for _, r := range []timeoutRange{{150, 300}, {50, 100}} {
		for seed := range uint64(30) {
			w, err := sim.New(e.options(r, seed))
			if err != nil {
				t.Fatal(err)
			}
			crash, _, err := crashStableLeader(w, rand.New(rand.NewPCG(seed, 1)), true)
			if err != nil {
				t.Fatal(err)
			}
			// Every append has landed (9 ms at most) and no timer has fired
			// (the earliest is half a minimum timeout away).
			w.RunUntil(crash.at + electionLatencyMax)
			long := map[raft.NodeID]bool{}
			var last uint64
			for _, ns := range w.Status().Nodes {
				if ns.Up {
					last = max(last, ns.LastIndex)
				}
			}
			for _, ns := range w.Status().Nodes {
				if ns.Up && ns.LastIndex == last {
					long[ns.ID] = true
				}
			}
			if len(long) != 2 {
				t.Fatalf("%s seed %d: %d followers hold the last entry, want 2", r.label(), seed, len(long))
			}
			if !w.RunUntilCond(func() bool { return w.Leader() != raft.None }, crash.at+defaultCap) {
				t.Fatalf("%s seed %d: no leader in 10 s", r.label(), seed)
			}
			if l := w.Leader(); !long[l] {
				t.Fatalf("%s seed %d: node %d won without the last entry (held by %v)", r.label(), seed, l, long)
			}
		}
	}
}

// TestElectionLatencyTooLong: links slower than half the election timeout
// leave no stable leader to crash; the run stops with an error that names
// the link latency as the cause, not only that no leader was found.
func TestElectionLatencyTooLong(t *testing.T) {
	r, err := New("election", Options{Seed: 3, Trials: 2, LatencyMin: 80 * time.Millisecond, LatencyMax: 90 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(1) {
	}
	err = r.Err()
	if !errors.Is(err, errNoLeader) || !strings.Contains(err.Error(), "link latency") || !strings.Contains(err.Error(), "80ms-90ms") {
		t.Fatalf("error %v, want one that names the link latency of 80ms-90ms", err)
	}
}
