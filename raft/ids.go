package raft

import "slices"

// sortedSet returns the ids of all the lists together, sorted, each once:
// the form every id set of a configuration is kept in, so that two sets
// compare with slices.Equal. The result never shares an array with the
// lists.
func sortedSet(lists ...[]NodeID) []NodeID {
	s := slices.Concat(lists...)
	slices.Sort(s)
	return slices.Compact(s)
}
