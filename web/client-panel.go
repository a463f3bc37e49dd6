package web

// ClientPanel is the client's side of the cluster: a button that proposes
// the next command to the leader, the answer to the last proposal, and on
// how many nodes each recent proposal is committed.
type ClientPanel struct {
	// View is the playground's view; the panel reads Result,
	// ResultFailed and Proposals.
	View *View
	// Playground receives the proposals.
	Playground *Playground
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
