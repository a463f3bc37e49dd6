package sim

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// Chaos drives a world with random faults and client proposals drawn from
// their own seeded streams, then heals everything and checks that the
// cluster converges.
type Chaos struct {
	// SafetyPhase is how long faults are injected.
	SafetyPhase time.Duration
	// LivenessPhase is how long a healed cluster gets to converge.
	LivenessPhase time.Duration
	// FaultEvery is the mean time between faults.
	FaultEvery time.Duration
	// ProposeEvery is the mean time between client proposals.
	ProposeEvery time.Duration
}

// DefaultChaos is a 10-second fault phase with a fault about every 200 ms.
func DefaultChaos() Chaos {
	return Chaos{
		SafetyPhase:   10 * time.Second,
		LivenessPhase: 5 * time.Second,
		FaultEvery:    200 * time.Millisecond,
		ProposeEvery:  50 * time.Millisecond,
	}
}

// Run runs the schedule on w. It returns the first safety violation, or a
// liveness failure, or nil.
func (c Chaos) Run(w *World) error {
	seed := w.opts.Seed
	faults := rand.New(rand.NewPCG(seed, 0x6661756c7473))  // "faults"
	clients := rand.New(rand.NewPCG(seed, 0x636c69656e74)) // "client"
	nextFault := w.now + exp(faults, c.FaultEvery)
	nextPropose := w.now + exp(clients, c.ProposeEvery)
	end := w.now + c.SafetyPhase
	cmd := 0
	for w.now < end && w.violation == nil {
		next := min(nextFault, nextPropose, end)
		w.RunUntil(next)
		if w.now >= nextFault {
			c.fault(w, faults)
			nextFault = w.now + exp(faults, c.FaultEvery)
		}
		if w.now >= nextPropose {
			cmd++
			_, _ = w.Propose(fmt.Appendf(nil, "c%d", cmd))
			w.runCheckers()
			nextPropose = w.now + exp(clients, c.ProposeEvery)
		}
	}
	if err := w.Violation(); err != nil {
		return err
	}
	// Liveness: heal everything; a leader must emerge and every node must
	// apply everything the cluster committed.
	w.HealAll()
	for _, sn := range w.nodes {
		if sn.node == nil {
			_ = w.Restart(sn.id)
		}
	}
	w.RunFor(c.LivenessPhase)
	if err := w.Violation(); err != nil {
		return err
	}
	lead := w.Leader()
	if lead == raft.None {
		return fmt.Errorf("liveness: no leader %v after healing (seed %d)", c.LivenessPhase, seed)
	}
	// The leader's term must have an entry committed, and every node must
	// have applied all the leader committed.
	want := w.nodes[lead-1].node.CommitIndex()
	for _, sn := range w.nodes {
		st := sn.node.Status()
		if st.AppliedIndex < want {
			return fmt.Errorf("liveness: node %d applied %d of %d committed entries %v after healing (seed %d, leader %d)",
				sn.id, st.AppliedIndex, want, c.LivenessPhase, seed, lead)
		}
	}
	return nil
}

// fault injects one random fault.
func (c Chaos) fault(w *World, r *rand.Rand) {
	n := len(w.nodes)
	id := raft.NodeID(r.IntN(n) + 1)
	switch k := r.IntN(10); {
	case k < 3:
		if w.nodes[id-1].node != nil {
			_ = w.Crash(id)
		} else {
			_ = w.Restart(id)
		}
	case k < 7 && n > 1:
		to := raft.NodeID(r.IntN(n-1) + 1)
		if to >= id {
			to++
		}
		_ = w.SetLink(id, to, !w.links[id-1][to-1])
	default:
		w.HealAll()
	}
}

// HealAll brings every link up.
func (w *World) HealAll() {
	for i := range w.links {
		for j := range w.links[i] {
			w.links[i][j] = true
		}
	}
	w.trace.add(w.now, EvFault, raft.None, "heal all links")
}

// exp draws an exponentially distributed delay with the given mean.
func exp(r *rand.Rand, mean time.Duration) time.Duration {
	return time.Duration(r.ExpFloat64() * float64(mean))
}
