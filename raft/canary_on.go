//go:build canary

package raft

import (
	"fmt"
	"slices"
	"strings"
)

// Canaries are known Raft bugs planted in the core so the simulator's
// checkers can prove they catch them. They exist only in builds with the
// "canary" tag; release builds compile every canary check to false.
var Canaries = []string{
	CanaryCommitOldTerm,
	CanaryVoteTwice,
	CanaryNotDurable,
	CanaryNoTruncate,
	CanaryApplyBeforeCommit,
	CanaryReadUnconfirmed,
	CanaryVoteStaleLog,
	CanaryRestartVotes,
}

// SwarmUnreachable names the canaries no swarm world reaches, and why. A
// scenario script catches each of them (TestCanariesFailScripts).
var SwarmUnreachable = map[string]string{
	// Issue 7 (b) needs the nodes a restarted follower votes for to have
	// logs as long as its own though they stopped hearing the leader an
	// election timeout ago: no write in that time, while swarm clients
	// write steadily. Measured: caught by 0 of 3000 swarm seeds; with
	// the fault bounce-follower forced, a stale lease held in 5 of 300
	// worlds, and no client saw it (they all follow the old leader).
	CanaryRestartVotes: "needs an election timeout without writes; caught by testdata/lease-restart.txt",
}

// activeCanary is the canary switched on, or "".
var activeCanary string

// SetCanary switches on one canary ("" switches all off). It is meant for a
// whole process: set it before any node is made.
func SetCanary(name string) error {
	if name != "" && !slices.Contains(Canaries, name) {
		return fmt.Errorf("raft: no canary %q (canaries are %s)", name, strings.Join(Canaries, ", "))
	}
	activeCanary = name
	return nil
}

func canary(name string) bool { return activeCanary == name }
