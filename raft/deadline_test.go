package raft

import (
	"testing"
	"time"
)

// DESIGN: effects come back as values, among them "the next deadline at
// which a tick is due". A driver that ticks only at Deadline() must miss
// nothing: the deadline is the earliest of the node's timers, and ticking
// before it changes nothing.
func TestDeadline(t *testing.T) {
	tests := []struct {
		name      string
		configure func(*Config)
		setup     func(c *cluster)
		// want returns the deadline node 1 must report.
		want func(c *cluster) time.Duration
	}{
		{"follower: its election timer", nil, func(*cluster) {},
			func(c *cluster) time.Duration { return c.status(1).ElectionDue }},
		{"leader: the next heartbeat", nil, func(c *cluster) { c.elect(1) },
			func(c *cluster) time.Duration { return c.replicator(1, 2).HeartbeatDue }},
		{"leader: the end of a block", nil, func(c *cluster) {
			c.elect(1)
			c.advance(c.node(1).cfg.HeartbeatInterval / 2)
			c.mustPropose(1, "x")
			c.rpcError(msgFilter{from: 1, to: 2})
		}, func(c *cluster) time.Duration {
			return min(c.replicator(1, 2).BlockedUntil, c.replicator(1, 3).HeartbeatDue)
		}},
		{"leader: the step-down check", func(cfg *Config) { cfg.HeartbeatInterval = 200 * time.Millisecond },
			func(c *cluster) { c.elect(1) },
			func(c *cluster) time.Duration { return c.status(1).StepDownDue }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 3, tt.configure)
			tt.setup(c)
			want := tt.want(c)
			if got := c.node(1).Deadline(); got != want {
				t.Fatalf("Deadline() = %v, want %v\n%s", got, want, fmtStatus(c.status(1)))
			}
			// Ticking just before it does nothing.
			before := fmtStatus(c.status(1))
			n := len(c.queue)
			c.now = want - 1
			c.tick(1)
			if after := fmtStatus(c.status(1)); after != before || len(c.queue) != n {
				t.Fatalf("a tick before the deadline changed the node:\n%s\n%s", before, after)
			}
			// Ticking at it does something.
			c.now = want
			c.tick(1)
			if after := fmtStatus(c.status(1)); after == before && len(c.queue) == n {
				t.Fatal("a tick at the deadline did nothing")
			}
		})
	}
}
