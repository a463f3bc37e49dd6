//go:build !canary

package main

// Without the canary build tag there are no canaries to switch on.

func allCanaries() bool                { return false }
func workerArgs() []string             { return nil }
func buildTags() string                { return "" }
func runCanaries(uint64, int, int) int { return 2 }
