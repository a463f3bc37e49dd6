package sim

import (
	"testing"
	"time"
)

// benchOptions is the benchmark world: 5 nodes, 10–15 ms links, 200 client
// operations per second.
func benchOptions(checkers bool) Options {
	o := DefaultOptions()
	o.Clients, o.ClientRate, o.Keys = 10, 200, 10
	o.DisableCheckers = !checkers
	return o
}

// benchmarkSpeed reports virtual seconds simulated per wall-clock second.
func benchmarkSpeed(b *testing.B, checkers bool) {
	w, err := New(benchOptions(checkers))
	if err != nil {
		b.Fatal(err)
	}
	step := 100 * time.Millisecond
	start := time.Now()
	for b.Loop() {
		w.RunFor(step)
	}
	if err := w.Violation(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)*step.Seconds()/time.Since(start).Seconds(), "virtual-s/s")
}

func BenchmarkSimSpeed(b *testing.B)           { benchmarkSpeed(b, true) }
func BenchmarkSimSpeedNoCheckers(b *testing.B) { benchmarkSpeed(b, false) }

// BenchmarkSeekEndOf10Minutes measures seeking to moments of the last
// minute of a 10-minute virtual run.
func BenchmarkSeekEndOf10Minutes(b *testing.B) {
	w, err := New(benchOptions(false))
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		w.RunFor(time.Minute)
		if err := w.Crash(NodeIDs(w)[i%5]); err != nil {
			b.Fatal(err)
		}
		w.RunFor(time.Second)
		if err := w.Restart(NodeIDs(w)[i%5]); err != nil {
			b.Fatal(err)
		}
	}
	// Targets spread over the last minute, so the replay from the nearest
	// checkpoint varies from nothing to a whole checkpoint spacing.
	i := 0
	for b.Loop() {
		target := w.Now() - time.Duration(i%60)*time.Second - 317*time.Millisecond
		if _, err := w.Seek(target); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
