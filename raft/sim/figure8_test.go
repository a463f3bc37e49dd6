package sim

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/raftplayground/raftplayground/raft"
)

// playFigure8 settles a 5-node world (no clients: the only commands are
// the fault's own) and plays the swarm's Figure-8 fault on it. It returns
// the world and the trace lines of the fault's steps.
func playFigure8(t *testing.T, seed uint64) (*World, []string) {
	t.Helper()
	o := DefaultOptions()
	o.Seed = seed
	return playFault(t, o, "figure 8 (", func(s Swarm, w *World) {
		s.figure8(w, rand.New(rand.NewPCG(seed, 8)))
	})
}

// playFault settles a world made from o, plays a directed fault on it, and
// returns the world and the trace lines holding mark: the fault's steps.
func playFault(t *testing.T, o Options, mark string, fault func(Swarm, *World)) (*World, []string) {
	t.Helper()
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	var trace strings.Builder
	w.Trace().SetSink(&trace)
	settle(t, w)
	fault(Swarm{Options: o}, w)
	var steps []string
	for _, line := range strings.Split(trace.String(), "\n") {
		if strings.Contains(line, mark) {
			steps = append(steps, line)
		}
	}
	return w, steps
}

// TestFigure8Fault plays the paper's Figure 8 (§5.4.2) on a correct core:
// every step happens, the leader of (c) commits x only through an entry of
// its own term, which a member of B then holds, so L2 cannot win in (d),
// and no checker fires.
func TestFigure8Fault(t *testing.T) {
	l2Of := regexp.MustCompile(`figure 8 \(b\): (\d+) leads`)
	for seed := uint64(1); seed <= 8; seed++ {
		w, steps := playFigure8(t, seed)
		if err := w.Violation(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(steps) != 4 {
			t.Fatalf("seed %d: the fault took %d of its 4 steps:\n%s", seed, len(steps), strings.Join(steps, "\n"))
		}
		m := l2Of.FindStringSubmatch(steps[1])
		if m == nil {
			t.Fatalf("seed %d: step (b) does not name L2: %s", seed, steps[1])
		}
		l2, _ := strconv.Atoi(m[1])
		if n := w.nodes[l2-1].node; n.Role() == raft.Leader {
			t.Fatalf("seed %d: L2 = node %d leads term %d again after (d)", seed, l2, n.Term())
		}
	}
}
