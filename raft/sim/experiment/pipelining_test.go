package experiment

import (
	"math"
	"testing"
	"time"
)

// SOFAJRaft's pipeline (seed README, "pipelined appends"): a replicator
// keeps up to MaxInflight appends unanswered, so with one entry per
// request the leader commits min(window, load) entries per round trip.
// On a fixed seed each configuration's throughput is within 8% (or one
// commit in the 1 s measured) of min(W, 16)/2L and its median commit
// latency within 8% of
// 2L*16/min(W, 16) (Little's law with 16 proposals outstanding): window 1
// is one request per round trip, and a window wider than the load gains
// nothing.
func TestPipeliningFollowsWindowOverRoundTrip(t *testing.T) {
	res := runAll(t, "pipelining", Options{Seed: 4, Trials: 2, Measure: time.Second})
	if len(res.Configs) != len(pipeWindows)*len(pipeLatencies) {
		t.Fatalf("%d configurations, want %d", len(res.Configs), len(pipeWindows)*len(pipeLatencies))
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 0.08*want }
	for _, c := range res.Configs {
		win, rtt := min(c.Params[0], pipeOutstanding), 2*c.Params[1]
		s := c.Summary
		if want := win / rtt * 1000; !near(s.Rate, want) && math.Abs(s.Rate-want) > 1 {
			t.Errorf("%s: %.1f commits/s, want about %.1f", c.Label, s.Rate, want)
		}
		if want := rtt * pipeOutstanding / win; !near(s.Median, want) {
			t.Errorf("%s: median commit latency %.1f ms, want about %.1f", c.Label, s.Median, want)
		}
		if s.Median < rtt || s.P90 < s.Median || s.P99 < s.P90 || s.Max < s.P99 {
			t.Errorf("%s: latency quantiles %+v out of order or below a round trip (%v ms)", c.Label, s, rtt)
		}
	}
	// The plots: a curve per latency, a point per window, in order.
	if len(res.Plots) != 2 {
		t.Fatalf("%d plots, want 2", len(res.Plots))
	}
	for _, p := range res.Plots {
		if len(p.Series) != len(pipeLatencies) {
			t.Fatalf("%s: %d curves, want %d", p.Title, len(p.Series), len(pipeLatencies))
		}
		for _, s := range p.Series {
			if len(s.X) != len(pipeWindows) || s.X[0] != 1 || s.X[len(s.X)-1] != 32 {
				t.Fatalf("%s / %s: x %v, want the windows", p.Title, s.Label, s.X)
			}
		}
	}
}
