package web

import "fmt"

// LeaderPanel shows the leader's replicators (one per follower: state,
// nextIndex, matchIndex, requests in flight, consecutive errors, how long
// it is blocked) and its ballot box.
type LeaderPanel struct {
	// Leader is the leader's state, nil when there is no leader.
	Leader *LeaderView
}

// summary is the line above the table: who leads and what the ballot box
// waits for.
func (c *LeaderPanel) summary() string {
	l := c.Leader
	return fmt.Sprintf("n%d leads term %d · commit index %d · ballot box pending index %d",
		l.ID, l.Term, l.CommitIndex, l.PendingIndex)
}

// blockedText is the Blocked cell: the wait left, or "no".
func blockedText(blocked string) string {
	if blocked == "" {
		return "no"
	}
	return blocked
}
