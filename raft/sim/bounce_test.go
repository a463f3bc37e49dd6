package sim

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// playBounceFollowers settles a 5-node world with lease reads and clients
// whose workload has read-only spells, and plays the swarm's
// bounce-follower fault on it (issue 7 (b)). It returns the world and the
// trace lines of the fault's steps.
func playBounceFollowers(t *testing.T, seed uint64) (*World, []string) {
	t.Helper()
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate, o.Keys = seed, 4, 100, 3
	o.ReadOnly, o.ReadIndexReads = raft.ReadLeaseBased, true
	o.ReadOnlySpells = 10 * o.ElectionTimeout
	return playFault(t, o, "bounce followers (", func(s Swarm, w *World) {
		s.bounceFollowers(w, rand.New(rand.NewPCG(seed, 7)))
	})
}

// TestBounceFollowersFault plays issue 7 (b) on a correct core: every step
// happens, the isolated leader answers lease reads after the followers
// restarted and before a new leader is elected, the restarted followers
// grant nothing for an election timeout (dissertation §6.4.1; lease.go),
// so the new leader wins only after the old lease ran out, and no checker
// fires: in particular no read is answered below an index committed before
// it was issued (read-index).
func TestBounceFollowersFault(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		w, steps := playBounceFollowers(t, seed)
		if err := w.Violation(); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if len(steps) != 3 || !strings.Contains(steps[2], "leads term") {
			t.Fatalf("seed %d: the fault did not play out to a new leader:\n%s", seed, strings.Join(steps, "\n"))
		}
		restarted, elected := stepTime(t, steps[1]), stepTime(t, steps[2])
		reads := 0
		for _, h := range w.History() {
			if h.Op == kv.OpGet && h.Done && h.Return > restarted && h.Return < elected {
				reads++
			}
		}
		if reads == 0 {
			t.Fatalf("seed %d: no read was answered between the restart and the election:\n%s", seed, strings.Join(steps, "\n"))
		}
		if seed == 1 {
			t.Logf("%d reads answered in between\n%s", reads, strings.Join(steps, "\n"))
		}
	}
}

// stepTime is the time of a trace line.
func stepTime(t *testing.T, line string) time.Duration {
	t.Helper()
	var ev struct {
		At time.Duration `json:"at_ns"`
	}
	if err := json.Unmarshal([]byte(line), &ev); err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return ev.At
}
