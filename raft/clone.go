package raft

import (
	"maps"
	"math/rand/v2"
	"slices"
)

// Clone returns an independent deep copy of the node, for checkpoints: the
// copy and the original can be driven separately and never affect each
// other. The log's chunks are shared, since no entry is ever changed in
// place: each side copies at most one chunk when it next writes.
func (n *Node) Clone() *Node {
	c := *n
	src := *n.src
	c.src = &src
	c.rng = rand.New(c.src)
	c.log = n.log.clone()
	c.conf = n.conf.Clone()
	c.votes = maps.Clone(n.votes)
	c.msgs = slices.Clone(n.msgs)
	c.msgsSpare = nil // the caller may still hold it
	c.arena = nil     // both would append into the same chunk
	c.readStates = slices.Clip(n.readStates)
	c.reads = slices.Clip(n.reads)
	c.confCtx.target = n.confCtx.target.Clone()
	c.confCtx.newPeers = slices.Clone(n.confCtx.newPeers)
	c.confCtx.behind = slices.Clone(n.confCtx.behind)
	c.replicators = make([]*replicator, len(n.replicators))
	for i, r := range n.replicators {
		rc := *r
		rc.inflights = slices.Clone(r.inflights)
		rc.pending = slices.Clone(r.pending)
		c.replicators[i] = &rc
	}
	c.ballots.pending = slices.Clone(n.ballots.pending)
	return &c
}
