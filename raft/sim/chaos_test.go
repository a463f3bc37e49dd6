package sim

import (
	"flag"
	"fmt"
	"testing"
)

var chaosSeeds = flag.Int("chaos.seeds", 100, "number of seeds TestChaos runs")

// TestChaos runs many seeded worlds under random crashes and link cuts and
// requires every safety checker to stay quiet and the healed cluster to
// converge.
func TestChaos(t *testing.T) {
	for seed := uint64(1); seed <= uint64(*chaosSeeds); seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			o := DefaultOptions()
			o.Seed = seed
			o.Nodes = 3 + int(seed%3)*2
			w, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			if err := DefaultChaos().Run(w); err != nil {
				t.Fatalf("%v\nreproduce: go test ./raft/sim -run 'TestChaos/^%d$'", err, seed)
			}
		})
	}
}
