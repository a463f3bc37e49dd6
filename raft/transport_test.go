package raft

import (
	"slices"
	"testing"
	"time"
)

// This file checks how the replicator weathers a slow transport: the
// core's own RPC timeout, contact from any answer in the term, what a
// failed or late heartbeat costs the pipeline, and what backtracking one
// entry per round trip costs.

// roundTrip delivers exactly the messages queued now (not the ones they
// cause), twice: the requests out, then their answers back.
func (c *cluster) roundTrip() {
	c.t.Helper()
	for range 2 {
		for k := len(c.queue); k > 0; k-- {
			c.deliverAt(0)
		}
	}
}

// roundTripsLost proposes one entry per round trip, rounds times, and
// counts the round trips that ended with node 2 short of the leader's log.
// A replicator in Replicate loses none: each entry is sent at once and
// acknowledged within its round trip.
func (c *cluster) roundTripsLost(rounds int) int {
	c.t.Helper()
	lost := 0
	for range rounds {
		c.mustPropose(1, "x")
		c.roundTrip()
		if c.replicator(1, 2).MatchIndex < c.status(1).LastIndex {
			lost++
		}
	}
	return lost
}

// A failed or late heartbeat must not cost the pipeline more than it does
// in SOFAJRaft. There, Replicator.onHeartbeatReturned answers an RPC error
// by counting it and setting the state to Probe, a mark its sendEntries
// never reads, so appends keep flowing (0 round trips lost); it answers a
// rejection that carries the follower's last index by sending a probe
// (sendProbeRequest) behind the appends in flight, which holds new appends
// back until the probe returns (at most 1 round trip lost). Before this
// change a failed heartbeat here set Probe, which sends nothing while
// anything is in flight (2 round trips lost in this measure), and a late
// rejection reset the whole pipeline (2 lost).
func TestHeartbeatTroubleCostsNoRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		// setup leaves node 1 leading and an append to node 2 in
		// flight, after the heartbeat trouble.
		setup func(t *testing.T) *cluster
		// sofajraft is what SOFAJRaft loses; want is what we lose.
		sofajraft, want int
	}{
		{"none (baseline)", func(t *testing.T) *cluster {
			c := replicating(t, 3, nil)
			c.mustPropose(1, "a")
			return c
		}, 0, 0},
		{"heartbeat failed (RPC error)", func(t *testing.T) *cluster {
			c := replicating(t, 3, nil)
			c.mustPropose(1, "a")
			c.advance(c.node(1).cfg.HeartbeatInterval)
			c.tick(1)
			if !c.rpcError(msgFilter{from: 1, to: 2, heartbeat: 1}) {
				t.Fatal("no heartbeat to fail")
			}
			return c
		}, 0, 0},
		{"heartbeat lost, never reported", func(t *testing.T) *cluster {
			c := replicating(t, 3, nil)
			c.mustPropose(1, "a")
			c.advance(c.node(1).cfg.HeartbeatInterval)
			c.tick(1)
			c.drop(msgFilter{from: 1, to: 2, heartbeat: 1})
			return c
		}, 0, 0},
		{"rejection of a heartbeat sent while probing, arriving late", lateHeartbeatRejection, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.setup(t)
			if r := c.replicator(1, 2); len(r.Inflights) != 1 || r.Inflights[0].Count != 1 {
				t.Fatalf("setup left replicator 2 at %+v, want an append in flight", r)
			}
			got := c.roundTripsLost(5)
			if got > tt.sofajraft {
				t.Errorf("%d round trips lost, SOFAJRaft loses %d", got, tt.sofajraft)
			}
			if got != tt.want {
				t.Errorf("%d round trips lost, want %d", got, tt.want)
			}
		})
	}
}

// lateHeartbeatRejection makes node 1 leader with a log longer than node
// 2's, so its first heartbeat to node 2 names an entry node 2 lacks and is
// rejected. The rejection is held until the probe has found the match and
// an append is in flight, then delivered.
func lateHeartbeatRejection(t *testing.T) *cluster {
	c := newCluster(t, 3, nil)
	c.setDisk(1, 2, None, 1, 1, 2)
	c.setDisk(2, 2, None, 1, 1)
	c.setDisk(3, 2, None, 1, 1, 2)
	c.hold(msgFilter{from: 1, to: 2})
	c.elect(1)
	c.advance(c.node(1).cfg.HeartbeatInterval)
	c.tick(1)
	c.hold(msgFilter{from: 2, heartbeat: 1})
	if !c.deliverWhere(func(m Message) bool { return m.To == 2 && m.Heartbeat }) {
		t.Fatal("no heartbeat to node 2")
	}
	c.release(msgFilter{from: 1, to: 2})
	c.deliverAll()
	c.mustPropose(1, "a")
	late := c.take(msgFilter{from: 2, heartbeat: 1})
	if len(late) != 1 || late[0].Success {
		t.Fatalf("held heartbeat answers %v, want one rejection", late)
	}
	c.queue = append(c.queue, late[0])
	c.deliverWhere(func(m Message) bool { return m.From == 2 && m.Heartbeat })
	return c
}

// Config.RPCTimeout: a request in flight that long fails in Tick exactly as
// ReportRPCError would fail it (seed §5.3: Probe, count the error, reset
// in-flights, block), Deadline names the moment, and the answer that comes
// after all is stale (another version) but still counts as contact.
func TestRPCTimeoutFailsLikeReportRPCError(t *testing.T) {
	const timeout = 40 * time.Millisecond
	run := func(t *testing.T, report bool) (*cluster, ReplicatorStatus, Message) {
		c := replicating(t, 3, func(cfg *Config) { cfg.RPCTimeout = timeout })
		c.mustPropose(1, "a")
		sent := c.now
		req := c.take(msgFilter{from: 1, to: 3})
		if len(req) != 1 {
			t.Fatalf("%d requests to node 3, want 1", len(req))
		}
		if d := c.node(1).Deadline(); d != sent+timeout {
			t.Fatalf("Deadline %v with a request in flight since %v, want its expiry %v", d, sent, sent+timeout)
		}
		c.advance(timeout - 1)
		c.tick(1)
		if r := c.replicator(1, 3); len(r.Inflights) != 1 {
			t.Fatalf("request failed before its timeout: %+v", r)
		}
		c.advance(1)
		if report {
			c.do(1, func(n *Node) error { n.ReportRPCError(c.now, req[0]); return nil })
		} else {
			c.tick(1)
		}
		// The follower answers after all.
		c.queue = append(c.queue, req[0])
		c.deliverOne(msgFilter{to: 3})
		answer := c.take(msgFilter{from: 3})
		if len(answer) != 1 || !answer[0].Success {
			t.Fatalf("node 3 answered %v, want one acceptance", answer)
		}
		return c, c.replicator(1, 3), answer[0]
	}
	_, reported, _ := run(t, true)
	c, timedOut, answer := run(t, false)
	if !equalReplicators(reported, timedOut) {
		t.Fatalf("timed out: %+v\nreported: %+v\nwant the same", timedOut, reported)
	}
	hb := c.node(1).cfg.HeartbeatInterval
	if timedOut.State != StateProbe || timedOut.ConsecutiveErrors != 1 || timedOut.BlockedUntil != c.now+hb || len(timedOut.Inflights) != 0 {
		t.Fatalf("after the timeout: %+v, want Probe, 1 error, blocked until %v", timedOut, c.now+hb)
	}
	c.queue = append(c.queue, answer)
	c.deliverOne(msgFilter{from: 3})
	r := c.replicator(1, 3)
	if r.MatchIndex != timedOut.MatchIndex || r.Version != timedOut.Version || len(r.PendingResponses) != 0 {
		t.Fatalf("the late answer was handled: %+v", r)
	}
	if r.LastContactSent != c.now-timeout {
		t.Fatalf("contact at %v after the late answer, want its send time %v", r.LastContactSent, c.now-timeout)
	}
}

func equalReplicators(a, b ReplicatorStatus) bool {
	return a.State == b.State && a.NextIndex == b.NextIndex && a.MatchIndex == b.MatchIndex &&
		slices.Equal(a.Inflights, b.Inflights) && a.Seq == b.Seq && a.RequiredNextSeq == b.RequiredNextSeq &&
		a.Version == b.Version && a.ConsecutiveErrors == b.ConsecutiveErrors && a.BlockedUntil == b.BlockedUntil
}

// A lost answer no longer stalls a replicator until someone reports it: the
// core's timeout fails the request, and after the block the probe finds
// the follower again.
func TestRPCTimeoutRecoversLostAnswer(t *testing.T) {
	c := replicating(t, 3, nil)
	timeout := c.node(1).cfg.rpcTimeout()
	c.cut(msgFilter{from: 3, to: 1, heartbeat: -1})
	for range 8 {
		c.mustPropose(1, "x")
	}
	c.deliverAll()
	if r := c.replicator(1, 3); len(r.Inflights) == 0 {
		t.Fatalf("nothing in flight to node 3: %+v", r)
	}
	c.heal()
	// Tick at every deadline; the leader keeps leading on heartbeats.
	start := c.now
	for c.replicator(1, 3).MatchIndex < c.status(1).LastIndex {
		if c.now-start > 2*timeout {
			t.Fatalf("node 3 still behind after %v: %+v", c.now-start, c.replicator(1, 3))
		}
		c.now = c.node(1).Deadline()
		c.tick(1)
		c.deliverAll()
	}
	if got, want := c.now-start, timeout+c.node(1).cfg.HeartbeatInterval; got != want {
		t.Fatalf("node 3 caught up after %v, want the timeout plus one block, %v", got, want)
	}
}

// Any answer in the term is contact: a new leader whose heartbeats are
// rejected on a log mismatch, while its probes' answers are late, keeps
// leading (each follower reset its election timer on the heartbeat).
// SOFAJRaft counts only accepted heartbeats, and a leader that did that
// here stepped down in its own term again and again.
func TestRejectedHeartbeatsAreContact(t *testing.T) {
	c := newCluster(t, 3, nil)
	c.setDisk(1, 2, None, 1, 1, 2)
	c.setDisk(2, 2, None, 1, 1)
	c.setDisk(3, 2, None, 1, 1)
	c.hold(msgFilter{from: 2, typ: MsgAppResp, heartbeat: -1})
	c.hold(msgFilter{from: 3, typ: MsgAppResp, heartbeat: -1})
	c.elect(1)
	term := c.status(1).Term
	et := c.node(1).cfg.ElectionTimeout
	rejected := 0
	for c.now < 4*et {
		c.now = c.node(1).Deadline()
		c.tick(1)
		for c.deliverOne(msgFilter{typ: MsgApp, heartbeat: 1}) {
		}
		for _, m := range c.queue {
			if m.Type == MsgAppResp && m.Heartbeat && !m.Success {
				rejected++
			}
		}
		for c.deliverOne(msgFilter{typ: MsgAppResp, heartbeat: 1}) {
		}
		if s := c.status(1); s.Role != Leader || s.Term != term {
			t.Fatalf("at %v node 1 is %s in term %d, want leader in term %d", c.now, s.Role, s.Term, term)
		}
	}
	if rejected == 0 {
		t.Fatal("no heartbeat was rejected")
	}
	for _, r := range c.status(1).Replicators {
		if r.State != StateProbe {
			t.Fatalf("replicator %d in %s, want still probing", r.Peer, r.State)
		}
	}
}

// Config.CheckQuorumWindow is check-quorum's own setting (by default two
// election timeouts): a cut-off leader steps down at the first step-down
// check after the window.
func TestCheckQuorumWindow(t *testing.T) {
	for _, tt := range []struct{ set, mult time.Duration }{{0, defaultCheckQuorumWindow}, {1, 1}, {3, 3}} {
		c := replicating(t, 3, func(cfg *Config) { cfg.CheckQuorumWindow = tt.set * cfg.ElectionTimeout })
		et, mult := c.node(1).cfg.ElectionTimeout, tt.mult
		c.isolate(1)
		heard := c.now
		for c.status(1).Role == Leader {
			c.now = c.node(1).Deadline()
			c.tick(1)
			c.deliverAll()
		}
		// The step-down timer checks every ElectionTimeout/2.
		if gone := c.now - heard; gone < mult*et || gone > mult*et+et/2 {
			t.Errorf("window %v: stepped down %v after the last contact", mult*et, gone)
		}
	}
}

// With nextIndex stepping back one entry per round trip (SOFAJRaft, seed
// §5.4), a follower holding 40 entries of a stale term costs 41 probes, 41
// round trips; with Config.BacktrackByTerm (etcd's conflict hint) it costs
// 2. Under a transport whose answers come up to 2.2 s late, that is the
// difference between seconds and a minute before the follower counts.
func TestBacktrackCost(t *testing.T) {
	leader, stale := []uint64{1}, []uint64{1}
	for range 40 {
		leader, stale = append(leader, 3), append(stale, 2)
	}
	for _, tt := range []struct {
		byTerm bool
		want   int
	}{{false, 41}, {true, 2}} {
		c := newCluster(t, 3, func(cfg *Config) { cfg.BacktrackByTerm = tt.byTerm })
		c.setDisk(1, 3, None, leader...)
		c.setDisk(2, 3, None, stale...)
		c.setDisk(3, 3, None, leader...)
		c.hold(msgFilter{from: 1, to: 2})
		c.elect(1)
		c.release(msgFilter{from: 1, to: 2})
		probes := 0
		for len(c.queue) > 0 {
			if m := c.queue[0]; m.To == 2 && m.Type == MsgApp && len(m.Entries) == 0 && !m.Heartbeat {
				probes++
			}
			c.deliverAt(0)
		}
		if probes != tt.want {
			t.Errorf("BacktrackByTerm=%v: %d probes, want %d", tt.byTerm, probes, tt.want)
		}
		if got := c.logTerms(2); !slices.Equal(got[:41], leader) {
			t.Errorf("BacktrackByTerm=%v: follower's log %v, want the leader's", tt.byTerm, got)
		}
	}
}
