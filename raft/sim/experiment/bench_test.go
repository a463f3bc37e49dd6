package experiment

import (
	"testing"
	"time"
)

// benchTrials runs b.N trials of configuration label of experiment name.
func benchTrials(b *testing.B, name, label string, o Options) {
	exp, err := registry[name](o)
	if err != nil {
		b.Fatal(err)
	}
	cfgs := exp.configs()
	var c *config
	for i := range cfgs {
		if cfgs[i].label == label {
			c = &cfgs[i]
		}
	}
	if c == nil {
		b.Fatalf("no configuration %q", label)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := exp.trial(c, trialSeed(o.Seed, c.key, uint64(i))); err != nil {
			b.Fatal(err)
		}
	}
}

// One election trial of the paper's recommended range, and one that
// splits votes until its cap (150-150 ms without pre-vote: every trial).
func BenchmarkElectionTrial(b *testing.B) {
	b.Run("150-300ms", func(b *testing.B) { benchTrials(b, "election", "150-300ms", Options{Seed: 1}) })
	b.Run("150-300ms-prevote", func(b *testing.B) { benchTrials(b, "election", "150-300ms", Options{Seed: 1, PreVote: true}) })
	b.Run("150-150ms-capped-10s", func(b *testing.B) { benchTrials(b, "election", "150-150ms", Options{Seed: 1, Cap: 10 * time.Second}) })
}

// One pipelining trial: the cheapest (window 1, 50 ms) and the dearest
// (window 32, 1 ms: about 16000 commits).
func BenchmarkPipeliningTrial(b *testing.B) {
	b.Run("window1-50ms", func(b *testing.B) { benchTrials(b, "pipelining", "latency 50ms window 1", Options{Seed: 1}) })
	b.Run("window32-1ms", func(b *testing.B) { benchTrials(b, "pipelining", "latency 1ms window 32", Options{Seed: 1}) })
}
