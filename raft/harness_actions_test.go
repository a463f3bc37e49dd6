package raft

import (
	"fmt"
	"time"
)

// This file drives the harness's cluster: the clock, elections, proposals,
// crashes and restarts, and a prepared disk.

// advance moves the clock; no timer fires until a node is ticked.
func (c *cluster) advance(d time.Duration) { c.now += d }

// tick fires the due timers of the given nodes (all running nodes when
// none is given).
func (c *cluster) tick(ids ...NodeID) {
	c.t.Helper()
	if len(ids) == 0 {
		for _, tn := range c.nodes {
			if tn.n != nil {
				ids = append(ids, tn.id)
			}
		}
	}
	for _, id := range ids {
		if err := c.do(id, func(n *Node) error { n.Tick(c.now); return nil }); err != nil {
			c.t.Fatal(err)
		}
	}
}

// campaign moves the clock to id's election deadline and ticks it, so it
// starts a (pre-)election.
func (c *cluster) campaign(id NodeID) {
	c.t.Helper()
	n := c.node(id)
	if n.Role() == Leader {
		c.t.Fatalf("node %d already leads", id)
	}
	c.now = max(c.now, n.Deadline())
	c.tick(id)
}

// elect makes id leader: campaign, deliver everything, and check.
func (c *cluster) elect(id NodeID) {
	c.t.Helper()
	c.campaign(id)
	c.deliverAll()
	if r := c.node(id).Role(); r != Leader {
		c.t.Fatalf("node %d is %s after its election, want leader", id, r)
	}
}

// propose proposes data on id.
func (c *cluster) propose(id NodeID, data string) (index, term uint64, err error) {
	c.t.Helper()
	err = c.do(id, func(n *Node) error {
		var err error
		index, term, err = n.Propose(c.now, []byte(data))
		return err
	})
	return index, term, err
}

// mustPropose proposes and fails the test on an error.
func (c *cluster) mustPropose(id NodeID, data string) uint64 {
	c.t.Helper()
	index, _, err := c.propose(id, data)
	if err != nil {
		c.t.Fatalf("propose %q on %d: %v", data, id, err)
	}
	return index
}

// crash stops id; its disk survives, messages to it are dropped.
func (c *cluster) crash(id NodeID) {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n == nil {
		c.t.Fatalf("node %d is already down", id)
	}
	tn.n = nil
	c.logf("%d: crashed", id)
}

// restart rebuilds id from its disk alone.
func (c *cluster) restart(id NodeID) {
	c.t.Helper()
	tn := c.tn(id)
	if tn.n != nil {
		c.crash(id)
	}
	c.logf("%d: restarted", id)
	c.start(tn)
}

// setDisk replaces id's durable state (the node restarts from it): term,
// vote, and a log given as the term of each entry from index 1.
func (c *cluster) setDisk(id NodeID, term uint64, vote NodeID, terms ...uint64) {
	c.t.Helper()
	tn := c.tn(id)
	tn.disk = fakeDisk{hs: HardState{Term: term, Vote: vote}}
	for i, t := range terms {
		tn.disk.ents = append(tn.disk.ents, Entry{Index: uint64(i + 1), Term: t, Data: []byte(fmt.Sprintf("%d@%d", i+1, t))})
	}
	tn.n = nil
	c.start(tn)
}

// logTerms returns the terms of id's log entries from its first index.
func (c *cluster) logTerms(id NodeID) []uint64 {
	c.t.Helper()
	n := c.node(id)
	var ts []uint64
	for i := n.Status().FirstIndex; i <= n.LastIndex(); i++ {
		ts = append(ts, n.LogTerm(i))
	}
	return ts
}

// leader returns the only running leader of the highest term, or None.
func (c *cluster) leader() NodeID {
	var best NodeID
	var term uint64
	for _, tn := range c.nodes {
		if tn.n != nil && tn.n.Role() == Leader && tn.n.Term() >= term {
			best, term = tn.id, tn.n.Term()
		}
	}
	return best
}
