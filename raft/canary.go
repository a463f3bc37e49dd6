package raft

// The names of the planted bugs a "canary" build can switch on (see
// canary_on.go). Each comment says what the core then does wrong.
const (
	// CanaryCommitOldTerm: a new leader gives ballots to entries of earlier
	// terms and commits them by counting replicas, and opens its term with
	// no entry of its own (the paper's Figure 8).
	CanaryCommitOldTerm = "commit-old-term"
	// CanaryVoteTwice: a node grants a vote even if it voted for someone
	// else in the same term.
	CanaryVoteTwice = "vote-twice"
	// CanaryNotDurable: votes and log entries are acknowledged but never
	// written to disk, so a restarted node has forgotten what it promised.
	CanaryNotDurable = "not-durable"
	// CanaryNoTruncate: a follower keeps its conflicting suffix instead of
	// truncating it, and acknowledges the leader's entries anyway.
	CanaryNoTruncate = "no-truncate"
	// CanaryApplyBeforeCommit: entries are handed to the state machine as
	// soon as they are durable, committed or not.
	CanaryApplyBeforeCommit = "apply-before-commit"
	// CanaryReadUnconfirmed: a leader answers ReadIndex at once with its
	// commit index, without confirming with a quorum that it still leads
	// and without waiting until an entry of its own term has committed.
	CanaryReadUnconfirmed = "read-unconfirmed"
	// CanaryVoteStaleLog: a node grants its vote to a candidate whose log
	// is less up to date than its own.
	CanaryVoteStaleLog = "vote-stale-log"
	// CanaryRestartVotes: a restarted node grants votes and pre-votes at
	// once, forgetting that before the crash it promised a leader not to
	// for an election timeout, so a lease read can return stale data.
	CanaryRestartVotes = "restart-votes"
)
