package raft

import (
	"bytes"
	"slices"
	"testing"
)

// replicating returns a cluster whose node 1 leads and whose replicators
// are all in Replicate with nothing in flight.
func replicating(t *testing.T, size int, configure func(*Config)) *cluster {
	t.Helper()
	c := newCluster(t, size, configure)
	c.elect(1)
	c.deliverAll()
	for _, r := range c.status(1).Replicators {
		if r.State != StateReplicate || len(r.Inflights) != 0 {
			t.Fatalf("replicator %d: %s with %d in flight, want Replicate and idle", r.Peer, r.State, len(r.Inflights))
		}
	}
	return c
}

// Seed §2: a replicator "sends a probe: an empty AppendEntries
// (sendEmptyEntries(false)) to learn where the follower's log stands", and
// §5.6: "a probe (no entries): state becomes Replicate".
func TestReplicatorProbeThenReplicate(t *testing.T) {
	c := newCluster(t, 3, nil)
	c.hold(msgFilter{typ: MsgApp})
	c.elect(1)
	for range 3 {
		c.mustPropose(1, "x")
	}
	// While probing, nothing but the probe goes out.
	if got := c.count(msgFilter{from: 1, to: 2, typ: MsgApp}); got != 1 {
		t.Fatalf("%d requests to node 2 while probing, want the probe only", got)
	}
	r := c.replicator(1, 2)
	if r.State != StateProbe || len(r.Inflights) != 1 || r.Inflights[0].Count != 0 {
		t.Fatalf("replicator 2 = %+v, want Probe with one probe in flight", r)
	}
	c.release(msgFilter{typ: MsgApp})
	c.deliverOne(msgFilter{from: 1, to: 2})
	c.deliverOne(msgFilter{from: 2, to: 1})
	r = c.replicator(1, 2)
	if r.State != StateReplicate || r.MatchIndex != 0 || r.NextIndex != 1 {
		t.Fatalf("replicator 2 after the probe = %+v, want Replicate at nextIndex 1", r)
	}
	// Replicate sends the whole log at once.
	if len(r.Inflights) != 1 || r.Inflights[0].StartIndex != 1 || r.Inflights[0].Count != 4 {
		t.Fatalf("in flight %+v, want one append of entries 1..4", r.Inflights)
	}
	if c.replicator(1, 3).State != StateProbe {
		t.Fatalf("replicator 3 left Probe without an answer")
	}
}

// Seed §4: "Every request sent is recorded as an Inflight{type,
// startIndex, count, size, seq}"; pipelining is bounded by MaxInflight,
// MaxEntriesPerRequest and MaxBytesPerRequest.
func TestPipeliningBounds(t *testing.T) {
	tests := []struct {
		name                   string
		inflight, entries, max int
		// counts of the requests sent once the probe succeeds: the config
		// entry (16 bytes) and ten 128-byte commands (144 bytes each).
		want []int
	}{
		{"MaxEntriesPerRequest splits", 8, 4, 64 << 10, []int{4, 4, 3}},
		{"MaxInflight bounds the pipeline", 2, 4, 64 << 10, []int{4, 4}},
		{"MaxBytesPerRequest splits", 8, 16, 300, []int{2, 2, 2, 2, 2, 1}},
		{"an entry over MaxBytesPerRequest goes alone", 8, 16, 100, []int{1, 1, 1, 1, 1, 1, 1, 1}},
		{"one entry, one request at a time", 1, 1, 64 << 10, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 3, func(cfg *Config) {
				cfg.MaxInflight, cfg.MaxEntriesPerRequest, cfg.MaxBytesPerRequest = tt.inflight, tt.entries, tt.max
			})
			c.hold(msgFilter{typ: MsgApp})
			c.elect(1)
			for range 10 {
				c.mustPropose(1, string(bytes.Repeat([]byte{'x'}, 128)))
			}
			c.release(msgFilter{typ: MsgApp})
			c.deliverOne(msgFilter{from: 1, to: 2})
			c.deliverOne(msgFilter{from: 2, to: 1})
			reqs := c.take(msgFilter{from: 1, to: 2, typ: MsgApp})
			var got []int
			for _, m := range reqs {
				got = append(got, len(m.Entries))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("requests carry %v entries, want %v", got, tt.want)
			}
			r := c.replicator(1, 2)
			if len(r.Inflights) != len(tt.want) {
				t.Fatalf("%d in flight, want %d", len(r.Inflights), len(tt.want))
			}
			next := uint64(1)
			for i, in := range r.Inflights {
				m := reqs[i]
				bytes := 0
				for _, e := range m.Entries {
					bytes += e.Size()
				}
				if in.Seq != m.Seq || in.StartIndex != next || in.StartIndex != m.Index+1 || in.Count != tt.want[i] || in.Bytes != bytes {
					t.Fatalf("in flight %+v for request seq=%d prev=%d n=%d bytes=%d", in, m.Seq, m.Index, len(m.Entries), bytes)
				}
				if bytes > tt.max && in.Count > 1 {
					t.Fatalf("request of %d bytes over MaxBytesPerRequest=%d", bytes, tt.max)
				}
				next += uint64(in.Count)
			}
			// Responses refill the pipeline until everything is there.
			c.queue = append(c.queue, reqs...)
			c.deliverAll()
			if r := c.replicator(1, 2); r.MatchIndex != 11 || c.status(1).CommitIndex != 11 {
				t.Fatalf("replicator 2 match %d, commit %d, want 11", r.MatchIndex, c.status(1).CommitIndex)
			}
		})
	}
}

// Seed §4: "Responses can come back in any order; they wait in a priority
// queue ordered by seq, and are handled only when the head's seq equals
// requiredNextSeq. A response that arrives early waits; nothing is handled
// out of order."
func TestOutOfOrderResponsesWaitForSeq(t *testing.T) {
	c := replicating(t, 3, nil)
	c.hold(msgFilter{from: 2, to: 1})
	for range 3 {
		c.mustPropose(1, "x")
	}
	c.deliver(msgFilter{to: 2})
	before := c.replicator(1, 2)
	if len(before.Inflights) != 3 {
		t.Fatalf("in flight %+v, want 3 appends", before.Inflights)
	}
	s := before.RequiredNextSeq
	resp := func(seq uint64) {
		t.Helper()
		if !c.deliverWhere(func(m Message) bool { return m.From == 2 && m.Seq == seq }) {
			t.Fatalf("no response with seq %d", seq)
		}
	}
	steps := []struct {
		seq         uint64
		wantPending []uint64
		wantMatch   uint64
	}{
		{s + 2, []uint64{s + 2}, before.MatchIndex},
		{s + 1, []uint64{s + 1, s + 2}, before.MatchIndex},
		{s, []uint64{}, before.MatchIndex + 3},
	}
	for _, st := range steps {
		resp(st.seq)
		r := c.replicator(1, 2)
		if !slices.Equal(r.PendingResponses, st.wantPending) || r.MatchIndex != st.wantMatch {
			t.Fatalf("after seq %d: pending %v match %d, want pending %v match %d", st.seq, r.PendingResponses, r.MatchIndex, st.wantPending, st.wantMatch)
		}
	}
	if r := c.replicator(1, 2); r.RequiredNextSeq != s+3 || len(r.Inflights) != 0 || r.State != StateReplicate {
		t.Fatalf("replicator 2 = %+v, want required seq %d and nothing in flight", r, s+3)
	}
}

// Seed §5.1/§5.3: a reset clears all in-flight state; responses to
// requests sent before it carry an older version and are dropped.
func TestStaleVersionResponseDropped(t *testing.T) {
	c := replicating(t, 3, nil)
	c.hold(msgFilter{from: 2, to: 1})
	c.mustPropose(1, "a")
	c.mustPropose(1, "b")
	reqs := c.take(msgFilter{from: 1, to: 2, typ: MsgApp})
	first := reqs[0]
	c.queue = append(c.queue, reqs[1])
	c.deliver(msgFilter{to: 2}) // the second append reaches node 2
	c.queue = append(c.queue, first)
	old := c.replicator(1, 2)
	c.rpcError(msgFilter{from: 1, to: 2, seq: first.Seq}) // resets the replicator
	reset := c.replicator(1, 2)
	if reset.Version != old.Version+1 || len(reset.Inflights) != 0 {
		t.Fatalf("after the error: %+v, want version %d and nothing in flight", reset, old.Version+1)
	}
	c.release(msgFilter{from: 2, to: 1})
	if !c.deliverOne(msgFilter{from: 2, to: 1, typ: MsgAppResp}) {
		t.Fatal("no response from node 2")
	}
	r := c.replicator(1, 2)
	if len(r.PendingResponses) != 0 || r.MatchIndex != reset.MatchIndex || r.NextIndex != reset.NextIndex || r.Version != reset.Version {
		t.Fatalf("a stale response changed the replicator: %+v, was %+v", r, reset)
	}
}

// Seed §4: responses "are handled only when the head's seq equals
// requiredNextSeq". A duplicate of a response already handled (the network
// delivered it twice) must not block the queue.
func TestDuplicateResponseIgnored(t *testing.T) {
	c := replicating(t, 3, nil)
	c.mustPropose(1, "a")
	c.deliver(msgFilter{to: 2})
	c.dup(msgFilter{from: 2, to: 1})
	c.deliver(msgFilter{from: 2, to: 1})
	if r := c.replicator(1, 2); len(r.PendingResponses) != 0 {
		t.Fatalf("pending %v after a duplicate, want none", r.PendingResponses)
	}
	c.mustPropose(1, "b")
	c.deliverAll()
	if r := c.replicator(1, 2); r.MatchIndex != c.status(1).LastIndex {
		t.Fatalf("replicator 2 stalled at %d of %d", r.MatchIndex, c.status(1).LastIndex)
	}
}

// Seed §4 (onRpcReturned): when more responses wait than MaxInflight, the
// replicator resets and probes again. In-flight requests never exceed
// MaxInflight, so only duplicated responses can fill the queue that far.
func TestPendingOverflowResetsToProbe(t *testing.T) {
	c := replicating(t, 3, func(cfg *Config) { cfg.MaxInflight = 2 })
	c.hold(msgFilter{from: 2, to: 1})
	c.mustPropose(1, "a")
	c.mustPropose(1, "b")
	c.deliver(msgFilter{to: 2})
	resps := c.take(msgFilter{from: 2, to: 1})
	first, second := resps[0], resps[1]
	// The network delivers the second response three times.
	c.queue = append(c.queue, second, second, second)
	old := c.replicator(1, 2)
	c.release(msgFilter{from: 2, to: 1})
	c.deliverOne(msgFilter{from: 2, to: 1})
	c.deliverOne(msgFilter{from: 2, to: 1})
	if r := c.replicator(1, 2); len(r.PendingResponses) != 2 || r.State != StateReplicate {
		t.Fatalf("replicator 2 = %+v, want two responses waiting", r)
	}
	c.deliverOne(msgFilter{from: 2, to: 1}) // the third: over MaxInflight
	r := c.replicator(1, 2)
	if r.State != StateProbe || r.Version != old.Version+1 || len(r.PendingResponses) != 0 {
		t.Fatalf("replicator 2 = %+v, want Probe, a new version and an empty queue", r)
	}
	if len(r.Inflights) != 1 || r.Inflights[0].Count != 0 || r.NextIndex != old.NextIndex {
		t.Fatalf("in flight %+v, want one probe from nextIndex %d", r.Inflights, old.NextIndex)
	}
	c.queue = append(c.queue, first) // now stale
	c.deliverAll()
	if r := c.replicator(1, 2); r.State != StateReplicate || r.MatchIndex != c.status(1).LastIndex {
		t.Fatalf("replicator 2 = %+v, want it caught up in Replicate", r)
	}
}

// Seed §5.3: "RPC failed (follower down or unreachable): go to Probe, count
// consecutiveErrorTimes, reset in-flights, block for a while before
// retrying, instead of hammering a dead peer."
func TestRPCErrorBlocks(t *testing.T) {
	c := replicating(t, 3, nil)
	hb := c.node(1).cfg.HeartbeatInterval
	c.mustPropose(1, "a")
	c.rpcError(msgFilter{from: 1, to: 3})
	r := c.replicator(1, 3)
	if r.State != StateProbe || r.ConsecutiveErrors != 1 || r.BlockedUntil != c.now+hb || len(r.Inflights) != 0 {
		t.Fatalf("after an error: %+v, want Probe, 1 error, blocked until %v", r, c.now+hb)
	}
	// While blocked nothing is sent to node 3, but node 2 gets everything.
	c.deliver(msgFilter{to: 2})
	c.deliver(msgFilter{from: 2})
	c.mustPropose(1, "b")
	if got := c.count(msgFilter{from: 1, to: 3}); got != 0 {
		t.Fatalf("%d messages to a blocked peer", got)
	}
	if got := c.count(msgFilter{from: 1, to: 2}); got != 1 {
		t.Fatalf("%d messages to node 2, want 1", got)
	}
	c.advance(hb - 1)
	c.tick(1)
	if got := c.count(msgFilter{from: 1, to: 3, heartbeat: -1}); got != 0 {
		t.Fatalf("probe sent before the block ran out")
	}
	// Then a probe, which fails again: the errors add up.
	c.advance(1)
	c.tick(1)
	if got := c.count(msgFilter{from: 1, to: 3, heartbeat: -1}); got != 1 {
		t.Fatalf("%d probes when the block ran out, want 1", got)
	}
	c.rpcError(msgFilter{from: 1, to: 3, heartbeat: -1})
	if r := c.replicator(1, 3); r.ConsecutiveErrors != 2 || r.BlockedUntil != c.now+hb {
		t.Fatalf("after a second error: %+v, want 2 errors and a new block", r)
	}
	// A failed heartbeat counts too, but stalls nothing: SOFAJRaft's
	// onHeartbeatReturned only counts the error (its Probe mark is not
	// read by its sendEntries), so the pipeline stays in Replicate.
	c.deliverAll()
	c.advance(hb)
	c.tick(1)
	c.rpcError(msgFilter{from: 1, to: 2, heartbeat: 1})
	if r := c.replicator(1, 2); r.State != StateReplicate || r.ConsecutiveErrors != 1 {
		t.Fatalf("after a failed heartbeat: %+v, want Replicate with 1 error", r)
	}
	// Success resets the count; the next proposal probes node 2 again.
	c.deliverAll()
	c.advance(hb)
	c.tick(1)
	c.deliverAll()
	c.mustPropose(1, "c")
	c.deliverAll()
	for _, r := range c.status(1).Replicators {
		if r.ConsecutiveErrors != 0 || r.BlockedUntil != 0 || r.State != StateReplicate || r.MatchIndex != c.status(1).LastIndex {
			t.Fatalf("replicator %+v did not recover", r)
		}
	}
}

// Seed §5.4: "its term is higher: this leader is stale. ... destroy the
// replicator, and the node steps down to the higher term."
func TestHigherTermRejectionStepsDown(t *testing.T) {
	for _, heartbeat := range []bool{false, true} {
		name := "append"
		if heartbeat {
			name = "heartbeat"
		}
		t.Run(name, func(t *testing.T) {
			c := replicating(t, 3, nil)
			// Node 3 moves to term 7 (a vote answer of that term; a vote
			// request would not move it while it hears a leader, lease.go).
			c.do(3, func(n *Node) error { return n.Step(c.now, Message{Type: MsgVoteResp, From: 2, To: 3, Term: 7}) })
			c.drop(msgFilter{from: 3})
			if heartbeat {
				c.advance(c.node(1).cfg.HeartbeatInterval)
				c.tick(1)
			} else {
				c.mustPropose(1, "a")
			}
			c.deliver(msgFilter{to: 3})
			c.deliver(msgFilter{from: 3})
			if s := c.status(1); s.Role != Follower || s.Term != 7 || len(s.Replicators) != 0 {
				t.Fatalf("node 1 is %s in term %d with %d replicators, want a follower in term 7", s.Role, s.Term, len(s.Replicators))
			}
		})
	}
}

// Seed §5.4: nextIndex repair. "follower is behind (response.lastLogIndex
// + 1 < nextIndex): nextIndex = lastLogIndex + 1; follower holds entries
// this leader does not (a stale term's tail): nextIndex--, one step at a
// time". With Config.BacktrackByTerm a rejection skips the follower's whole
// conflicting term. The cases are the followers of the Raft paper's Figure 7
// ("a–f could occur ... when a leader comes to power"), whose leader's log
// is 1 1 1 4 4 5 5 6 6 6 in term 8.
func TestNextIndexRepair(t *testing.T) {
	leaderLog := []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6, 6}
	tests := []struct {
		name     string
		follower []uint64
		// probes until the logs match, one entry at a time and by term.
		want, wantByTerm int
	}{
		{"(a) missing one entry", []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6}, 2, 2},
		{"(b) missing many", []uint64{1, 1, 1, 4}, 2, 2},
		{"(c) one extra uncommitted entry", []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6}, 1, 1},
		{"(d) extra entries of term 7", []uint64{1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, 1, 1},
		{"(e) missing and extra", []uint64{1, 1, 1, 4, 4, 4, 4}, 4, 3},
		{"(f) extra entries of terms 2 and 3", []uint64{1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3}, 8, 3},
	}
	for _, tt := range tests {
		for _, byTerm := range []bool{false, true} {
			name := tt.name
			want := tt.want
			if byTerm {
				name += " by term"
				want = tt.wantByTerm
			}
			t.Run(name, func(t *testing.T) {
				c := newCluster(t, 3, func(cfg *Config) { cfg.BacktrackByTerm = byTerm })
				c.setDisk(1, 7, None, leaderLog...)
				c.setDisk(2, 7, None, tt.follower...)
				c.setDisk(3, 7, None, leaderLog...)
				c.hold(msgFilter{from: 1, to: 2, typ: MsgApp})
				c.elect(1)
				c.release(msgFilter{from: 1, to: 2, typ: MsgApp})
				if s := c.status(1); s.Term != 8 {
					t.Fatalf("leader in term %d, want 8", s.Term)
				}
				// Count the probes to node 2 until it holds the leader's log.
				probes := 0
				for len(c.queue) > 0 {
					if m := c.queue[0]; m.To == 2 && m.Type == MsgApp && len(m.Entries) == 0 && !m.Heartbeat {
						probes++
					}
					c.deliverAt(0)
				}
				if probes != want {
					t.Errorf("%d probes, want %d", probes, want)
				}
				if got, want := c.logTerms(2), append(slices.Clone(leaderLog), 8); !slices.Equal(got, want) {
					t.Fatalf("follower's log %v, want %v", got, want)
				}
			})
		}
	}
}
