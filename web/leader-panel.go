package web

import (
	"fmt"
	"strconv"
)

// LeaderPanel shows the leader's ballot box (pending index, open ballots
// and the acknowledgements of the first few) and its replicators, one per
// follower: state, nextIndex, matchIndex, the requests in flight as seq
// chips, requiredNextSeq, the responses waiting for their turn, version,
// consecutive errors, how long it is blocked, and a leadership transfer's
// TimeoutNow index when one waits on the peer.
type LeaderPanel struct {
	// Leader is the leader's state, nil when there is no leader.
	Leader *LeaderView
	// Shown tells whether the replicator table shows on a phone;
	// Disclose receives the click that shows or hides it.
	Shown    bool
	Disclose Disclosures
}

// summary is the line above the table: who leads and what the ballot box
// waits for.
func (c *LeaderPanel) summary() string {
	l := c.Leader
	return fmt.Sprintf("n%d leads term %d · commit index %d · ballot box pending index %d",
		l.ID, l.Term, l.CommitIndex, l.PendingIndex)
}

// yesNo is a yes/no cell.
func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// blockedText is the Blocked cell: the wait left, or "no".
func blockedText(blocked string) string {
	if blocked == "" {
		return "no"
	}
	return blocked
}

// num formats a number for a [Text].
func num[T int | uint64](n T) string {
	if v, ok := any(n).(int); ok {
		return strconv.Itoa(v)
	}
	return strconv.FormatUint(uint64(n), 10)
}

// dashIf is "–" when none is set, else "". A cell whose only children are
// in a vg-for or vg-if keeps one in a [Text] this way: Vugu's DOM renderer
// leaves an element's old children in place when it renders it with none.
func dashIf(none bool) string {
	if none {
		return "–"
	}
	return ""
}
