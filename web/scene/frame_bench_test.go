package scene

import (
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft/sim"
)

// frameWorld is a 7-node world under load, one node down: what the page
// draws at its busiest.
func frameWorld(tb testing.TB) *sim.World {
	tb.Helper()
	o := sim.DefaultOptions()
	o.Nodes, o.Clients, o.ClientRate, o.Keys = 7, 10, 200, 10
	w, err := sim.New(o)
	if err != nil {
		tb.Fatal(err)
	}
	w.RunFor(5 * time.Second)
	if err := w.Crash(sim.NodeIDs(w)[(w.Leader())%7]); err != nil {
		tb.Fatal(err)
	}
	w.RunFor(5 * time.Second)
	return w
}

// BenchmarkFrame measures what the page's animation frame reads from the
// world: the cluster's scene, the logs and the space-time diagram of the
// last 2 s, each from a builder reused frame after frame. The world
// does not move, so only the reading is timed.
func BenchmarkFrame(b *testing.B) {
	w := frameWorld(b)
	sb := &Builder{Fade: 50 * time.Millisecond}
	var lb LogsBuilder
	var tb SpaceTimeBuilder
	b.ReportAllocs()
	for b.Loop() {
		sb.Build(w)
		lb.Build(w)
		tb.Build(w, 2*time.Second)
	}
}

// BenchmarkFrameScene is BenchmarkFrame's cluster scene alone.
func BenchmarkFrameScene(b *testing.B) {
	w := frameWorld(b)
	sb := &Builder{Fade: 50 * time.Millisecond}
	b.ReportAllocs()
	for b.Loop() {
		sb.Build(w)
	}
}
