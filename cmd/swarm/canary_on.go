//go:build canary

package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/raftplayground/raftplayground/raft"
)

var (
	canaryName = flag.String("canary", "", "switch on this planted bug in the core (canary builds only)")
	canaryAll  = flag.Bool("canaries", false, "run the swarm against every canary; exit 0 only if each is caught")
)

func allCanaries() bool { return *canaryAll }

func buildTags() string { return " -tags canary" }

// workerArgs passes the canary on to worker processes, and switches it on
// in this one.
func workerArgs() []string {
	if err := raft.SetCanary(*canaryName); err != nil {
		fmt.Fprintln(os.Stderr, "swarm:", err)
		os.Exit(2)
	}
	if *canaryName == "" {
		return nil
	}
	return []string{"-canary", *canaryName}
}

// runCanaries runs the swarm against each canary until a seed catches it
// with a safety or linearizability check (a liveness failure alone does not
// count: the checkers under test are the safety ones).
func runCanaries(first uint64, seeds, procs int) int {
	caught := func(msg string) bool {
		return strings.HasPrefix(msg, "safety violation") || strings.HasPrefix(msg, "linearizability")
	}
	missed := 0
	for _, name := range raft.Canaries {
		n, failures, err := runParent(first, seeds, min(procs, seeds), []string{"-canary", name}, caught)
		if err != nil {
			fmt.Fprintln(os.Stderr, "swarm:", err)
			return 2
		}
		i := slices.IndexFunc(failures, func(f failure) bool { return caught(f.err) })
		if i < 0 {
			missed++
			fmt.Printf("canary %s: NOT caught in %d seeds (%d other failures)\n", name, n, len(failures))
			continue
		}
		f := failures[i]
		fmt.Printf("canary %s: caught by seed %d after %d seeds: %s\n  reproduce: go run -tags canary ./cmd/swarm -canary %s -seed %d\n", name, f.seed, n, f.err, name, f.seed)
	}
	if missed > 0 {
		fmt.Printf("%d of %d canaries were not caught\n", missed, len(raft.Canaries))
		return 1
	}
	fmt.Printf("all %d canaries caught\n", len(raft.Canaries))
	return 0
}
