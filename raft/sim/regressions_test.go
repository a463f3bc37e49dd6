package sim

import (
	"testing"
	"time"
)

// Worlds in which the swarm once found a bug, kept with their options
// spelled out (SwarmFor draws differently as it grows, so a bare seed would
// no longer reproduce them).
var regressions = []struct {
	name string
	bug  string
	s    Swarm
}{
	{
		name: "compaction-in-the-same-step",
		bug:  "the checker missed entries applied and compacted in one step and reported index N as never committed",
		s: regression(46, 3, 378, 63, 6, 14, func(o *Options) {
			o.Loss, o.Duplicate, o.DiskLatency, o.SnapshotEvery, o.MaxInflight = 0.09, 0.01, 6*time.Millisecond, 109, 8
			o.DisablePreVote, o.BacktrackByTerm, o.Clients, o.ClientRate, o.Keys = true, true, 3, 106, 5
		}, 322, [7]int{1, 0, 0, 2, 0, 1, 3}),
	},
	{
		name: "read-index-round-echo",
		bug:  "followers did not echo the heartbeat's read round, so safe reads never completed",
		s: regression(45, 4, 412, 137, 0, 11, func(o *Options) {
			o.Loss, o.Duplicate, o.SnapshotEvery, o.MaxInflight = 0.08, 0.02, 35, 3
			o.ReadIndexReads, o.Clients, o.ClientRate, o.Keys = true, 7, 130, 4
		}, 306, [7]int{0, 0, 0, 1, 2, 2, 3}),
	},
	{
		name: "pipelined-requests-reordered",
		bug:  "links reordered every message, so pipelined appends were rejected round after round and the cluster livelocked",
		s: regression(289, 4, 163, 27, 19, 31, func(o *Options) {
			o.Loss, o.Reorder, o.MaxInflight, o.MaxEntries = 0.07, 0.17, 5, 1
			o.BacktrackByTerm, o.ReadIndexReads, o.Clients, o.ClientRate, o.Keys = true, true, 7, 199, 3
		}, 460, [7]int{2, 2, 0, 3, 2, 3, 4}),
	},
	{
		name: "client-retry-storm",
		bug:  "clients retried faster than a narrow pipeline could commit, each retry adding an entry, and no call was ever answered",
		s: regression(1916, 3, 168, 42, 16, 34, func(o *Options) {
			o.Duplicate, o.SnapshotEvery, o.MaxInflight, o.MaxEntries = 0.02, 99, 1, 1
			o.BacktrackByTerm, o.ReadIndexReads, o.Clients, o.ClientRate, o.Keys = true, true, 8, 131, 5
		}, 419, [7]int{2, 2, 1, 2, 2, 2, 3}),
	},
	{
		name: "clients-give-up-before-late-replies",
		bug:  "with a quarter of replies up to 2.2 s late, clients retried every 0.4 s, each retry adding an entry, faster than the pipelines could commit, and no call was answered after the heal (the swarm now draws client timeouts that wait for the transport)",
		s: func() Swarm {
			s := regression(707, 6, 197, 65, 15, 25, func(o *Options) {
				o.HeartbeatInterval = o.ElectionTimeout / 3
				o.SnapshotEvery, o.MaxInflight, o.MaxEntries = 68, 6, 1
				o.DisablePreVote, o.BacktrackByTerm, o.Clients, o.ClientRate, o.Keys = true, true, 8, 139, 3
				o.LateReplies, o.LateReplyMin, o.LateReplyMax = 0.26, 230*time.Millisecond, 2194*time.Millisecond
				o.RPCTimeout = 2*o.LatencyMax + o.LateReplyMax + o.HeartbeatInterval
				o.ClientTimeout = 2 * (2*o.LatencyMax + o.LateReplyMax)
			}, 115, [7]int{2, 3, 0, 0, 3, 1, 1})
			s.ReconfigureWeight = 1
			s.LivenessPhase = 20 * s.Options.ClientTimeout
			return s
		}(),
	},
}

// regression builds a swarm configuration from the figures a failure
// printed: seed, nodes, election and heartbeat (ms), latency range (ms),
// (where that line was cut short, the weights are a mix of every fault)
// the rest of the options, the mean time between faults (ms) and the fault
// weights (crash, bounce, isolate-leader, partition, one-way, delay, heal).
func regression(seed uint64, nodes, election, heartbeat, latMin, latMax int, set func(*Options), faultEvery int, weights [7]int) Swarm {
	o := DefaultOptions()
	o.Seed, o.Nodes = seed, nodes
	o.ElectionTimeout = time.Duration(election) * time.Millisecond
	o.HeartbeatInterval = time.Duration(heartbeat) * time.Millisecond
	o.LatencyMin, o.LatencyMax = time.Duration(latMin)*time.Millisecond, time.Duration(latMax)*time.Millisecond
	o.RPCTimeout = max(o.ElectionTimeout/2, 4*o.LatencyMax)
	o.ClientTimeout = 2 * o.ElectionTimeout
	set(&o)
	return Swarm{
		Options: o, SafetyPhase: 10 * time.Second, LivenessPhase: 40 * o.ElectionTimeout,
		FaultEvery:  time.Duration(faultEvery) * time.Millisecond,
		CrashWeight: weights[0], BounceWeight: weights[1], IsolateLeaderWeight: weights[2],
		PartitionWeight: weights[3], OneWayWeight: weights[4], DelayWeight: weights[5], HealWeight: weights[6],
	}
}

func TestSwarmRegressions(t *testing.T) {
	for _, r := range regressions {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			if _, err := r.s.Run(); err != nil {
				t.Fatalf("%v\nonce: %s\n%s", err, r.bug, r.s)
			}
		})
	}
}
