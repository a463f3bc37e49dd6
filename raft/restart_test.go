package raft

import (
	"fmt"
	"reflect"
	"testing"
)

// Raft paper, Figure 2: "Persistent state on all servers: currentTerm,
// votedFor, log[]"; commitIndex and lastApplied are volatile ("initialized
// to 0"). DESIGN: "A restart rebuilds a node from its durable state alone."
// After the whole cluster restarts, nothing committed is lost and every
// state machine applies the same commands again.
func TestRestartFromDurableState(t *testing.T) {
	c := replicating(t, 5, nil)
	for i := range 6 {
		c.mustPropose(1, fmt.Sprint("x", i))
	}
	c.deliverAll()
	c.advance(c.node(1).cfg.HeartbeatInterval)
	c.tick(1)
	c.deliverAll()
	before := map[NodeID]Status{}
	applied := map[NodeID][]Entry{}
	for _, tn := range c.nodes {
		before[tn.id] = tn.n.Status()
		applied[tn.id] = tn.applied
	}
	for _, tn := range c.nodes {
		c.crash(tn.id)
	}
	c.drop(msgFilter{})
	for _, tn := range c.nodes {
		c.restart(tn.id)
		s, b := c.status(tn.id), before[tn.id]
		if s.Role != Follower || s.Term != b.Term || s.Vote != b.Vote || s.LastIndex != b.LastIndex || s.LastLogTerm != b.LastLogTerm || fmtConf(s.Conf) != fmtConf(b.Conf) {
			t.Fatalf("node %d restarted as %+v, was %+v", tn.id, s, b)
		}
		if s.CommitIndex != 0 || s.AppliedIndex != 0 || len(tn.applied) != 0 {
			t.Fatalf("node %d restarted with commit %d applied %d: they are not durable", tn.id, s.CommitIndex, s.AppliedIndex)
		}
	}
	c.elect(3)
	c.deliverAll()
	c.advance(c.node(3).cfg.HeartbeatInterval)
	c.tick(3)
	c.deliverAll()
	for _, tn := range c.nodes {
		// The new term's config entry comes on top of what was applied.
		got := tn.applied[:len(applied[tn.id])]
		if !reflect.DeepEqual(got, applied[tn.id]) {
			t.Fatalf("node %d applied %v after the restart, %v before", tn.id, got, applied[tn.id])
		}
		if extra := tn.applied[len(applied[tn.id]):]; len(extra) != 1 || extra[0].Term != before[1].Term+1 {
			t.Fatalf("node %d applied %v on top, want the new term's config entry", tn.id, extra)
		}
	}
}

// NewNode checks the durable state it is given.
func TestNewNodeRejectsBadState(t *testing.T) {
	cfg := DefaultConfig(1, []NodeID{1, 2, 3})
	st := DurableState{Snapshot: &Snapshot{Index: 5, Term: 2}, Entries: []Entry{{Index: 7, Term: 2}}}
	if _, err := NewNode(0, cfg, st); err == nil {
		t.Fatal("NewNode accepted entries that do not follow the snapshot")
	}
	bad := []func(*Config){
		func(c *Config) { c.ID = None },
		func(c *Config) { c.ElectionTimeout = 0 },
		func(c *Config) { c.ElectionTimeoutMax = c.ElectionTimeout - 1 },
		func(c *Config) { c.HeartbeatInterval = c.ElectionTimeout },
		func(c *Config) { c.MaxInflight = 0 },
		func(c *Config) { c.MaxEntriesPerRequest = 0 },
		func(c *Config) { c.MaxBytesPerRequest = 0 },
		func(c *Config) { c.CatchupMargin = -1 },
	}
	for i, f := range bad {
		c := cfg
		f(&c)
		if _, err := NewNode(0, c, DurableState{}); err == nil {
			t.Errorf("config %d accepted: %+v", i, c)
		}
	}
}
