package main

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// memDisk is one node's synchronous in-memory disk for the core: the hard
// state, the snapshot's index and the entries after it. Entries are shared
// with the node (the core never changes an entry it handed out), as
// etcd's MemoryStorage shares their Data.
type memDisk struct {
	// hard is the last persisted term and vote.
	hard raft.HardState
	// snapIndex is the index of the last persisted snapshot.
	snapIndex uint64
	// ents holds the entries from snapIndex+1 on, without gaps.
	ents []raft.Entry
}

// persist carries out a Ready's writes in the order doc.go gives.
func (d *memDisk) persist(rd *raft.Ready) {
	if rd.HardState != nil {
		d.hard = *rd.HardState
	}
	if s := rd.Snapshot; s != nil {
		drop := 0
		for drop < len(d.ents) && d.ents[drop].Index <= s.Index {
			drop++
		}
		// Shift in place: the next appends reuse the capacity.
		d.ents = d.ents[:copy(d.ents, d.ents[drop:])]
		d.snapIndex = s.Index
	}
	if rd.LogFrom != 0 {
		keep := int(min(rd.LogFrom-1-d.snapIndex, uint64(len(d.ents))))
		d.ents = append(d.ents[:keep], rd.Entries...)
	}
}

// ourCluster runs the core's nodes through the shared loop.
type ourCluster struct {
	nodes []*raft.Node
	disks []memDisk
	// queue is the FIFO of messages in flight; head is the next to deliver.
	queue []raft.Message
	head  int
	// now never moves: no latency, no timer fires, so no heartbeat is sent.
	now time.Duration
	counters
}

func newOurCluster(size int) (*ourCluster, error) {
	peers := make([]raft.NodeID, size)
	for i := range peers {
		peers[i] = raft.NodeID(i + 1)
	}
	c := &ourCluster{now: time.Second, disks: make([]memDisk, size), counters: newCounters(size)}
	for _, id := range peers {
		cfg := raft.DefaultConfig(id, peers)
		cfg.MaxInflight = maxInflight
		cfg.MaxEntriesPerRequest = maxEntriesPerMsg
		n, err := raft.NewNode(0, cfg, raft.DurableState{})
		if err != nil {
			return nil, err
		}
		c.nodes = append(c.nodes, n)
	}
	// Node 1's election timer is due at one second at the latest.
	c.nodes[0].Tick(c.now)
	c.process(0)
	c.pump()
	if c.nodes[0].Role() != raft.Leader {
		return nil, fmt.Errorf("ours: node 1 is %s after its election", c.nodes[0].Role())
	}
	return c, nil
}

// process carries out node i's Readys: persist, send, apply, Advance.
func (c *ourCluster) process(i int) {
	n := c.nodes[i]
	for n.HasReady() {
		rd := n.Ready()
		c.disks[i].persist(&rd)
		c.queue = append(c.queue, rd.Messages...)
		c.sent += len(rd.Messages)
		for _, e := range rd.Committed {
			c.apply(i, e.Index, e.Data)
		}
		n.Advance(c.now)
	}
}

// pump delivers messages in FIFO order until none is left.
func (c *ourCluster) pump() {
	for c.head < len(c.queue) {
		m := c.queue[c.head]
		c.queue[c.head] = raft.Message{}
		c.head++
		to := int(m.To - 1)
		if err := c.nodes[to].Step(c.now, m); err != nil {
			panic(err)
		}
		c.process(to)
	}
	c.queue, c.head = c.queue[:0], 0
}

func (c *ourCluster) propose(cmd []byte) {
	if _, _, err := c.nodes[0].Propose(c.now, cmd); err != nil {
		panic(err)
	}
}

func (c *ourCluster) deliver() {
	c.process(0)
	c.pump()
}

// compact snapshots every node at the lowest applied index.
func (c *ourCluster) compact() {
	at := c.minApplied()
	for i, n := range c.nodes {
		if at > c.disks[i].snapIndex {
			if err := n.Compact(c.now, at, nil); err != nil {
				panic(err)
			}
			c.process(i)
		}
	}
}

func (c *ourCluster) count() *counters { return &c.counters }
