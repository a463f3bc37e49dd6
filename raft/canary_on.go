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
