package sim

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

var swarmSeeds = flag.Int("swarm.seeds", 60, "number of seeds TestSwarm runs")

// TestSwarm runs seeded worlds, each with its own drawn options and fault
// schedule, and requires the checkers to stay quiet, the healed cluster to
// converge and the client history to be linearizable.
func TestSwarm(t *testing.T) {
	for seed := uint64(1); seed <= uint64(*swarmSeeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			s := SwarmFor(seed)
			if _, err := s.Run(); err != nil {
				var le *LinearizabilityError
				if errors.As(err, &le) {
					path := filepath.Join(os.TempDir(), fmt.Sprintf("linearizability-%d.html", seed))
					if le.WriteVisualization(path) == nil {
						t.Logf("porcupine's visualization: %s", path)
					}
				}
				t.Fatalf("%v\n%s\nreproduce: go test ./raft/sim -run 'TestSwarm/^%d$'", err, s, seed)
			}
		})
	}
}

// TestReplicatorChangesCount: a step of a leader whose
// raft.Node.ReplicatorChanges count did not move is not compared
// replicator by replicator, so the count must move with every change the
// trace reports (state, blocking, pipeline resets, repairs, replicators
// started and destroyed). Swarm runs, whose faults make all of those
// happen, trace exactly the same events when every step is compared.
func TestReplicatorChangesCount(t *testing.T) {
	replicatorEvents := 0
	for seed := uint64(1); seed <= 6; seed++ {
		var digests [2][sha256.Size]byte
		for i, full := range []bool{false, true} {
			s := SwarmFor(seed)
			w, err := New(s.Options)
			if err != nil {
				t.Fatal(err)
			}
			w.fullReplicatorDiff = full
			h := sha256.New()
			w.Trace().SetSink(io.MultiWriter(h, countingWriter(func(line []byte) {
				if !full && bytes.Contains(line, []byte(`"kind":"replicator"`)) {
					replicatorEvents++
				}
			})))
			_ = s.RunOn(w) // a failure would show in TestSwarm; the traces are what count here
			copy(digests[i][:], h.Sum(nil))
		}
		if digests[0] != digests[1] {
			t.Errorf("seed %d: the trace differs when every step compares the replicator states", seed)
		}
	}
	if replicatorEvents < 100 {
		t.Fatalf("the runs traced only %d replicator events: too few to test the count", replicatorEvents)
	}
}

// countingWriter calls f with every write (a trace sink writes one JSON
// line per write).
type countingWriter func([]byte)

func (f countingWriter) Write(p []byte) (int, error) { f(p); return len(p), nil }
