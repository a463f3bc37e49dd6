//go:build !canary

package raft

// canary reports whether a planted bug is switched on: never, in a build
// without the "canary" tag, so the compiler drops every canary branch.
func canary(string) bool { return false }
