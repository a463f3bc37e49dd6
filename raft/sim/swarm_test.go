package sim

import (
	"errors"
	"flag"
	"fmt"
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
