//go:build canary

package raft

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// canaryScripts names, for each planted bug, the scenario script that must
// fail with it switched on, and a line of the wrong output it must produce
// there (a line the script's expected output does not hold).
var canaryScripts = []struct {
	canary, script, shows string
}{
	// Figure 8, §5.4.2: the leader of term 5 opens its term with no entry
	// of its own and commits 2/3, an entry of term 3, by counting replicas.
	{CanaryCommitOldTerm, "figure8", "2: terms=[1 3] commit=2 applied=2"},
	// §5.2: node 2, a candidate that voted for itself, also grants node 1.
	{CanaryVoteTwice, "vote-once", "2->1 VoteResp term=1 granted"},
	// Figure 2 (votedFor on stable storage): the harness finds the vote
	// missing from the disk right after the Ready that should have written it.
	{CanaryNotDurable, "vote-once", "disk has term=1 vote=0, node has term=1 vote=1"},
	// Figure 7, §5.3: followers keep their conflicting suffixes, so logs
	// that all say commit=11 disagree at index 4 and later.
	{CanaryNoTruncate, "figure7", "7: terms=[1 1 1 2 2 2 3 3 3 3 3] commit=11 applied=11"},
	// §5.3: "once the leader that created the entry has replicated it on a
	// majority" — S1 applies 2/2, which no one has committed, once its disk
	// holds it.
	{CanaryApplyBeforeCommit, "figure8", "1: apply 1..2"},
	// §6.4: a leader cut off from the cluster answers a read with index 1
	// after another leader committed index 3.
	{CanaryReadUnconfirmed, "read-index", "1: read id=9 index=1"},
	// §5.4.1: node 1, whose last term is later, votes for node 2.
	{CanaryVoteStaleLog, "vote-up-to-date", "1->2 VoteResp term=3 granted"},
	// Issue 7 (b), §6.4.1: node 3, restarted right after it answered leader
	// 1, grants node 4 a pre-vote at once; node 4 wins while node 1 still
	// holds its lease, and commits index 4 while node 1 reads at index 2.
	{CanaryRestartVotes, "lease-restart", "3->4 PreVoteResp term=2 granted"},
}

// TestCanariesFailScripts switches each planted bug on in turn and requires
// its scenario script to fail, showing the bug's wrong output.
func TestCanariesFailScripts(t *testing.T) {
	t.Cleanup(func() { _ = SetCanary("") })
	for _, name := range Canaries {
		i := slices.IndexFunc(canaryScripts, func(c struct{ canary, script, shows string }) bool { return c.canary == name })
		if i < 0 {
			t.Errorf("canary %s: no scenario script is named to catch it", name)
			continue
		}
		cs := canaryScripts[i]
		t.Run(name, func(t *testing.T) {
			file := "testdata/" + cs.script + ".txt"
			script, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(script), cs.shows) {
				t.Fatalf("%s expects %q: that is not the planted bug's output", file, cs.shows)
			}
			if fs := failures(t, func(tb testing.TB) { runScenario(tb, file) }); len(fs) > 0 {
				t.Fatalf("%s passes without the canary:\n%s", file, strings.Join(fs, "\n"))
			}
			if err := SetCanary(name); err != nil {
				t.Fatal(err)
			}
			fs := failures(t, func(tb testing.TB) { runScenario(tb, file) })
			_ = SetCanary("")
			if len(fs) == 0 {
				t.Fatalf("%s passes with canary %s on", file, name)
			}
			if all := strings.Join(fs, "\n"); !strings.Contains(all, cs.shows) {
				t.Fatalf("%s fails with canary %s on, but not with %q:\n%s", file, name, cs.shows, all)
			}
			t.Logf("%s: %d failures, the first:\n%s", file, len(fs), fs[0])
		})
	}
}

// catcher is a testing.TB that records failures instead of failing the
// test, so a test can require that another test fails.
type catcher struct {
	testing.TB
	// failures are the messages of Error, Errorf, Fatal and Fatalf calls
	// and of a panic, in order.
	failures []string
	// cleanups run, last first, when the body ends.
	cleanups []func()
}

func (c *catcher) Helper()           {}
func (c *catcher) Error(args ...any) { c.failures = append(c.failures, fmt.Sprint(args...)) }
func (c *catcher) Errorf(format string, args ...any) {
	c.failures = append(c.failures, fmt.Sprintf(format, args...))
}
func (c *catcher) Fatal(args ...any)                 { c.Error(args...); runtime.Goexit() }
func (c *catcher) Fatalf(format string, args ...any) { c.Errorf(format, args...); runtime.Goexit() }
func (c *catcher) FailNow()                          { c.Error("FailNow"); runtime.Goexit() }
func (c *catcher) Failed() bool                      { return len(c.failures) > 0 }

// Cleanup runs f when the body that got c ends (see failures).
func (c *catcher) Cleanup(f func()) { c.cleanups = append(c.cleanups, f) }

// failures runs body on its own goroutine (so that Fatal can end it) with
// a catcher, and returns what failed.
func failures(t *testing.T, body func(tb testing.TB)) []string {
	c := &catcher{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			for _, f := range slices.Backward(c.cleanups) {
				f()
			}
		}()
		defer func() {
			if p := recover(); p != nil {
				c.failures = append(c.failures, fmt.Sprintf("panic: %v", p))
			}
		}()
		body(c)
	}()
	<-done
	return c.failures
}
