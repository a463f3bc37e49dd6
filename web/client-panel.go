package web

// ClientPanel is the client's side of the cluster: a button that proposes
// the next command to the leader, the answer to the last proposal, and on
// how many nodes each recent proposal is committed.
type ClientPanel struct {
	// View is the playground's view; the panel reads Result,
	// ResultFailed and Proposals.
	View *View
	// Actions receives the proposals.
	Actions ClientActions
}

// ClientActions is what the client panel asks of the playground.
type ClientActions interface {
	// Propose sends the next command to the leader, as a client would.
	Propose()
	// Burst sends ten commands at once.
	Burst()
}

// resultClass is the class of the answer to the last proposal.
func resultClass(failed bool) string {
	if failed {
		return "result failed"
	}
	return "result"
}

// proposalClass is the class of a proposal's line: "majority" once a
// majority committed it, "lost" if another entry took its index.
func proposalClass(p ProposalView) string {
	switch {
	case p.Lost:
		return "lost"
	case p.Majority:
		return "majority"
	}
	return "pending"
}
