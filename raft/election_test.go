package raft

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// Raft paper §5.2: "Raft uses randomized election timeouts to ensure that
// split votes are rare and that they are resolved quickly. ... election
// timeouts are chosen randomly from a fixed interval (e.g., 150–300ms)."
func TestElectionTimeoutRandomized(t *testing.T) {
	cfg := DefaultConfig(1, []NodeID{1, 2, 3})
	et := cfg.ElectionTimeout
	tests := []struct {
		name string
		// restart is when the node is built; the timeout counts from there.
		start time.Duration
	}{
		{"at time zero", 0},
		{"after a restart", 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[time.Duration]bool{}
			for seed := range uint64(200) {
				cfg.Seed = seed
				n, err := NewNode(tt.start, cfg, DurableState{})
				if err != nil {
					t.Fatal(err)
				}
				d := n.Status().ElectionDue - tt.start
				if d < et || d >= 2*et {
					t.Fatalf("seed %d: election timeout %v, want in [%v, %v)", seed, d, et, 2*et)
				}
				seen[d] = true
			}
			if len(seen) < 190 {
				t.Fatalf("200 seeds drew only %d distinct timeouts", len(seen))
			}
		})
	}

	// Each expiry draws a fresh timeout.
	c := newCluster(t, 3, nil)
	c.isolate(1)
	var gaps []time.Duration
	for range 5 {
		before := c.now
		c.campaign(1)
		gaps = append(gaps, c.status(1).ElectionDue-before)
	}
	slices.Sort(gaps)
	if len(slices.Compact(gaps)) < 4 {
		t.Fatalf("successive election timeouts repeat: %v", gaps)
	}
}

// Config.ElectionTimeoutMax sets the top of §5.2's "fixed interval": every
// timeout drawn falls in [ElectionTimeout, ElectionTimeoutMax), the draws
// spread over it, and equal bounds give one fixed timeout (the 150–150 ms
// case of the paper's Figure 16). Zero keeps [ElectionTimeout,
// 2*ElectionTimeout) and the same draws as before the field existed.
func TestElectionTimeoutRange(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		min, max time.Duration
		// lo and hi bound the timeouts wanted, hi excluded unless fixed.
		lo, hi time.Duration
	}{
		{"zero max is twice the min", 300 * ms, 0, 300 * ms, 600 * ms},
		{"150-300", 150 * ms, 300 * ms, 150 * ms, 300 * ms},
		{"150-151", 150 * ms, 151 * ms, 150 * ms, 151 * ms},
		{"12-24", 12 * ms, 24 * ms, 12 * ms, 24 * ms},
		{"fixed 150-150", 150 * ms, 150 * ms, 150 * ms, 150 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig(1, []NodeID{1, 2, 3})
			cfg.ElectionTimeout, cfg.ElectionTimeoutMax, cfg.HeartbeatInterval = tt.min, tt.max, tt.min/2
			var lowest, highest time.Duration = 1 << 62, 0
			for seed := range uint64(500) {
				cfg.Seed = seed
				n, err := NewNode(0, cfg, DurableState{})
				if err != nil {
					t.Fatal(err)
				}
				// The first timeout, then one drawn at each of a few expiries.
				for range 4 {
					s := n.Status()
					d := s.ElectionDue - s.ElectionArmed
					fixed := tt.lo == tt.hi
					if d < tt.lo || (fixed && d != tt.lo) || (!fixed && d >= tt.hi) {
						t.Fatalf("seed %d: election timeout %v, want in [%v, %v)", seed, d, tt.lo, tt.hi)
					}
					lowest, highest = min(lowest, d), max(highest, d)
					n.Tick(s.ElectionDue)
				}
			}
			// The draws cover the range: within 1% of each end.
			if slack := (tt.hi - tt.lo) / 100; lowest > tt.lo+slack || highest < tt.hi-slack-time.Nanosecond {
				t.Fatalf("2000 draws span [%v, %v], want close to [%v, %v)", lowest, highest, tt.lo, tt.hi)
			}
		})
	}

	// A zero max draws exactly what an explicit 2*ElectionTimeout draws.
	a, b := DefaultConfig(1, []NodeID{1, 2, 3}), DefaultConfig(1, []NodeID{1, 2, 3})
	b.ElectionTimeoutMax = 2 * b.ElectionTimeout
	for seed := range uint64(50) {
		a.Seed, b.Seed = seed, seed
		na, _ := NewNode(0, a, DurableState{})
		nb, _ := NewNode(0, b, DurableState{})
		if da, db := na.Status().ElectionDue, nb.Status().ElectionDue; da != db {
			t.Fatalf("seed %d: zero max drew %v, explicit 2x drew %v", seed, da, db)
		}
	}
}

// Raft paper §5.2: "A candidate wins an election if it receives votes from
// a majority of the servers in the full cluster for the same term."
func TestLeaderElection(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		down     []NodeID
		noPreVot bool
		wantRole Role
		wantTerm uint64
	}{
		{"single node", 1, nil, false, Leader, 1},
		{"3 nodes, all up", 3, nil, false, Leader, 1},
		{"3 nodes, one down", 3, []NodeID{3}, false, Leader, 1},
		// With pre-vote a candidate that cannot win never raises its term.
		{"3 nodes, two down", 3, []NodeID{2, 3}, false, PreCandidate, 0},
		{"3 nodes, two down, no pre-vote", 3, []NodeID{2, 3}, true, Candidate, 1},
		{"5 nodes, two down", 5, []NodeID{4, 5}, false, Leader, 1},
		{"5 nodes, three down", 5, []NodeID{3, 4, 5}, false, PreCandidate, 0},
		{"5 nodes, three down, no pre-vote", 5, []NodeID{3, 4, 5}, true, Candidate, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, tt.size, func(cfg *Config) { cfg.DisablePreVote = tt.noPreVot })
			for _, id := range tt.down {
				c.crash(id)
			}
			c.campaign(1)
			c.deliverAll()
			s := c.status(1)
			if s.Role != tt.wantRole || s.Term != tt.wantTerm {
				t.Fatalf("node 1 is %s in term %d, want %s in term %d", s.Role, s.Term, tt.wantRole, tt.wantTerm)
			}
			for _, tn := range c.nodes {
				if tn.n != nil && tn.id != 1 && (tn.n.Role() != Follower || tn.n.Leader() != c.leader()) {
					t.Errorf("node %d is %s following %d, want follower of %d", tn.id, tn.n.Role(), tn.n.Leader(), c.leader())
				}
			}
		})
	}
}

// Raft dissertation §9.6 (Pre-Vote): "a candidate would first ask other
// servers whether its log was up-to-date enough to get their vote. Only if
// the candidate believed it could get votes from a majority of the cluster
// would it increment its term and start a normal election." A partitioned
// node therefore does not raise its term, and does not depose the leader
// when it comes back; without pre-vote it does both.
func TestPreVoteKeepsPartitionedTerm(t *testing.T) {
	tests := []struct {
		name           string
		disablePreVote bool
		wantTerm       uint64 // node 3's term after 5 timeouts alone
		wantLeader     bool   // node 1 still leads after the partition heals
	}{
		{"pre-vote on", false, 1, true},
		{"pre-vote off", true, 6, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 3, func(cfg *Config) { cfg.DisablePreVote = tt.disablePreVote })
			c.elect(1)
			c.isolate(3)
			for range 5 {
				c.campaign(3)
				c.deliverAll()
			}
			if got := c.node(3).Term(); got != tt.wantTerm {
				t.Fatalf("partitioned node's term is %d, want %d", got, tt.wantTerm)
			}
			if got := c.node(1).Term(); got != 1 {
				t.Fatalf("leader's term moved to %d while node 3 was cut off", got)
			}
			c.heal()
			c.advance(c.node(1).Deadline() - c.now)
			c.tick(1) // heartbeats reach node 3
			c.deliverAll()
			if got := c.node(1).Role() == Leader; got != tt.wantLeader {
				t.Fatalf("node 1 leads after the heal: %v, want %v", got, tt.wantLeader)
			}
			if tt.wantLeader && c.node(3).Leader() != 1 {
				t.Fatalf("node 3 follows %d, want 1", c.node(3).Leader())
			}
		})
	}
}

// Raft paper, Figure 2: "Persistent state on all servers: (Updated on
// stable storage before responding to RPCs) currentTerm, votedFor". The
// vote grant leaves in the same Ready as the HardState that records it, so
// a caller that persists before sending never grants a vote it can forget.
func TestVotePersistedInSameReady(t *testing.T) {
	behind := DurableState{Entries: []Entry{{Index: 1, Term: 1}}}
	tests := []struct {
		name    string
		st      DurableState
		msg     Message
		wantHS  *HardState
		wantMsg Message
	}{
		{"grant in a new term", DurableState{}, Message{Type: MsgVote, From: 1, To: 2, Term: 1},
			&HardState{Term: 1, Vote: 1}, Message{Type: MsgVoteResp, From: 2, To: 1, Term: 1, Success: true}},
		{"reject in a new term persists the term", behind, Message{Type: MsgVote, From: 1, To: 2, Term: 2},
			&HardState{Term: 2}, Message{Type: MsgVoteResp, From: 2, To: 1, Term: 2}},
		{"pre-vote persists nothing", DurableState{}, Message{Type: MsgPreVote, From: 1, To: 2, Term: 1},
			nil, Message{Type: MsgPreVoteResp, From: 2, To: 1, Term: 1, Success: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := NewNode(time.Second, DefaultConfig(2, []NodeID{1, 2, 3}), tt.st)
			if err != nil {
				t.Fatal(err)
			}
			if err := n.Step(time.Second, tt.msg); err != nil {
				t.Fatal(err)
			}
			rd := n.Ready()
			if (rd.HardState == nil) != (tt.wantHS == nil) || (rd.HardState != nil && *rd.HardState != *tt.wantHS) {
				t.Fatalf("Ready.HardState = %v, want %v", rd.HardState, tt.wantHS)
			}
			if len(rd.Messages) != 1 || !reflect.DeepEqual(rd.Messages[0], tt.wantMsg) {
				t.Fatalf("Ready.Messages = %v, want [%v]", rd.Messages, tt.wantMsg)
			}
		})
	}

	// A candidate's own term and vote travel with its vote requests.
	cfg := DefaultConfig(1, []NodeID{1, 2, 3})
	cfg.DisablePreVote = true
	n, _ := NewNode(0, cfg, DurableState{})
	n.Tick(n.Deadline())
	rd := n.Ready()
	if rd.HardState == nil || *rd.HardState != (HardState{Term: 1, Vote: 1}) {
		t.Fatalf("candidate's Ready.HardState = %v, want term 1 vote 1", rd.HardState)
	}
	if len(rd.Messages) != 2 || rd.Messages[0].Type != MsgVote || rd.Messages[1].Type != MsgVote {
		t.Fatalf("candidate's Ready.Messages = %v, want two vote requests", rd.Messages)
	}
}

// Raft paper §5.2: "Each server will vote for at most one candidate in a
// given term, on a first-come-first-served basis". The vote survives a
// restart because it is durable.
func TestOneVotePerTerm(t *testing.T) {
	steps := []struct {
		from     NodeID
		term     uint64
		restart  bool // restart node 2 from its disk first
		wantVote bool
	}{
		{from: 1, term: 1, wantVote: true},
		{from: 3, term: 1, wantVote: false},
		{from: 1, term: 1, wantVote: true}, // the same candidate asking again
		{from: 3, term: 1, restart: true, wantVote: false},
		{from: 3, term: 2, wantVote: true},
		{from: 1, term: 2, restart: true, wantVote: false},
		{from: 3, term: 2, wantVote: true},
	}
	c := newCluster(t, 3, nil)
	for i, s := range steps {
		if s.restart {
			c.restart(2)
			// A restarted node votes for no one for an election timeout
			// (TestRestartedNodeGrantsNothing); wait it out, so that what
			// refuses here is the durable vote.
			c.advance(c.node(2).cfg.ElectionTimeout)
		}
		c.do(2, func(n *Node) error {
			return n.Step(c.now, Message{Type: MsgVote, From: s.from, To: 2, Term: s.term})
		})
		resp := c.take(msgFilter{from: 2, typ: MsgVoteResp})
		if len(resp) != 1 || resp[0].Success != s.wantVote || resp[0].Term != s.term {
			t.Fatalf("step %d: vote from 2 for %d in term %d: %v, want granted=%v", i, s.from, s.term, resp, s.wantVote)
		}
	}
}

// Raft paper §5.4.1: "If the logs have last entries with different terms,
// then the log with the later term is more up-to-date. If the logs end with
// the same term, then whichever log is longer is more up-to-date." A voter
// denies its vote to a candidate whose log is less up-to-date than its own.
func TestVoteRequiresUpToDateLog(t *testing.T) {
	// The voter's log: terms 1, 1, 2 (last entry 3/2).
	tests := []struct {
		lastIndex, lastTerm uint64
		want                bool
	}{
		{5, 1, false}, // longer, but an older last term
		{2, 2, false}, // same last term, shorter
		{3, 2, true},  // identical
		{4, 2, true},  // same last term, longer
		{1, 3, true},  // shorter, but a later last term
	}
	for _, tt := range tests {
		c := newCluster(t, 3, nil)
		c.setDisk(2, 2, None, 1, 1, 2)
		c.advance(c.node(2).cfg.ElectionTimeout) // past the restart barrier
		c.do(2, func(n *Node) error {
			return n.Step(c.now, Message{Type: MsgVote, From: 1, To: 2, Term: 3, Index: tt.lastIndex, LogTerm: tt.lastTerm})
		})
		resp := c.take(msgFilter{from: 2, typ: MsgVoteResp})
		if len(resp) != 1 || resp[0].Success != tt.want {
			t.Errorf("candidate log ending %d/%d: %v, want granted=%v", tt.lastIndex, tt.lastTerm, resp, tt.want)
		}
	}
}

// roleCluster returns a 3-node cluster in which node 1 has role r and
// nothing is in flight.
func roleCluster(t *testing.T, r Role) *cluster {
	t.Helper()
	c := newCluster(t, 3, func(cfg *Config) { cfg.DisablePreVote = r == Candidate })
	switch r {
	case PreCandidate, Candidate:
		c.isolate(1)
		c.campaign(1)
		c.heal()
	case Leader:
		c.elect(1)
	}
	if got := c.node(1).Role(); got != r {
		t.Fatalf("node 1 is %s, want %s", got, r)
	}
	c.drop(msgFilter{})
	return c
}

// Raft paper, Figure 2: "If RPC request or response contains term T >
// currentTerm: set currentTerm = T, convert to follower (§5.1)". Pre-votes
// are the exception: they never change anyone's term (dissertation §9.6).
// So is a vote request to a leader, which is bound by its lease (lease.go;
// etcd ignores such requests when check-quorum is on): it keeps leading.
func TestStepDownOnHigherTerm(t *testing.T) {
	msgs := []struct {
		m          Message
		stepDown   bool
		wantLeader NodeID
	}{
		{Message{Type: MsgApp}, true, 3},
		{Message{Type: MsgSnap, Snapshot: &Snapshot{}}, true, 3},
		{Message{Type: MsgVote, Index: 100, LogTerm: 100}, true, None}, // but not a leader
		{Message{Type: MsgVoteResp}, true, None},
		{Message{Type: MsgPreVoteResp}, true, None},
		{Message{Type: MsgAppResp, Heartbeat: true}, true, None},
		{Message{Type: MsgPreVote, Index: 100, LogTerm: 100}, false, None},
	}
	for _, role := range []Role{Follower, PreCandidate, Candidate, Leader} {
		for _, tt := range msgs {
			t.Run(role.String()+"/"+tt.m.Type.String(), func(t *testing.T) {
				c := roleCluster(t, role)
				before := c.status(1)
				m := tt.m
				m.From, m.To, m.Term = 3, 1, before.Term+5
				if m.Type == MsgSnap {
					m.Snapshot = &Snapshot{Index: 1, Term: 1, Conf: ConfigState{Voters: []NodeID{1, 2, 3}}}
					m.Index, m.LogTerm = 1, 1
				}
				if err := c.do(1, func(n *Node) error { return n.Step(c.now, m) }); err != nil {
					t.Fatal(err)
				}
				s := c.status(1)
				if !tt.stepDown || (role == Leader && m.Type == MsgVote) {
					if s.Term != before.Term || s.Role != before.Role {
						t.Fatalf("after a %s: %s term %d, want %s term %d", m.Type, s.Role, s.Term, before.Role, before.Term)
					}
					return
				}
				if s.Role != Follower || s.Term != m.Term || s.Leader != tt.wantLeader {
					t.Fatalf("%s in term %d following %d, want follower in term %d following %d", s.Role, s.Term, s.Leader, m.Term, tt.wantLeader)
				}
			})
		}
	}
}

// Raft paper §5.1: "If a server receives a request with a stale term
// number, it rejects the request."
func TestRejectStaleTerm(t *testing.T) {
	tests := []struct {
		req  Message
		resp MsgType
	}{
		{Message{Type: MsgApp, Index: 0}, MsgAppResp},
		{Message{Type: MsgSnap, Snapshot: &Snapshot{Index: 5, Term: 1}}, MsgSnapResp},
		{Message{Type: MsgVote}, MsgVoteResp},
		{Message{Type: MsgPreVote}, MsgPreVoteResp},
		{Message{Type: MsgTimeoutNow}, MsgTimeoutNowResp},
	}
	for _, tt := range tests {
		t.Run(tt.req.Type.String(), func(t *testing.T) {
			c := newCluster(t, 3, nil)
			c.setDisk(1, 3, None, 1, 3)
			m := tt.req
			m.From, m.To, m.Term = 2, 1, 2
			c.do(1, func(n *Node) error { return n.Step(c.now, m) })
			resp := c.take(msgFilter{from: 1})
			if len(resp) != 1 || resp[0].Type != tt.resp || resp[0].Success || resp[0].Term != 3 {
				t.Fatalf("responses %v, want one rejecting %s in term 3", resp, tt.resp)
			}
			if s := c.status(1); s.Term != 3 || s.Role != Follower || s.Leader != None || s.LastIndex != 2 {
				t.Fatalf("the stale request changed the node: %+v", s)
			}
		})
	}
}

// Seed §1: "Only a candidate can become leader ... one Replicator per peer
// ... ballotBox.resetPendingIndex(lastLogIndex + 1) ... confCtx.flush(conf,
// oldConf) appends a configuration entry". Raft paper §5.4.2: "Raft never
// commits log entries from previous terms by counting replicas. Only log
// entries from the leader's current term are committed by counting replicas".
func TestBecomeLeader(t *testing.T) {
	c := newCluster(t, 3, nil)
	for id := NodeID(1); id <= 3; id++ {
		c.setDisk(id, 2, None, 1, 1, 2)
	}
	c.campaign(1)
	c.deliver(msgFilter{typ: MsgPreVote})
	c.deliver(msgFilter{typ: MsgPreVoteResp})
	c.deliver(msgFilter{typ: MsgVote})
	c.deliverOne(msgFilter{typ: MsgVoteResp}) // the quorum's vote
	s := c.status(1)
	if s.Role != Leader || s.Term != 3 || s.Leader != 1 {
		t.Fatalf("node 1 is %s in term %d, want leader in term 3", s.Role, s.Term)
	}
	// The configuration entry opens the term, right after the old log.
	if e, ok := c.node(1).Entry(4); !ok || e.Type != EntryConfig || e.Term != 3 || s.LastIndex != 4 || s.TermStart != 4 {
		t.Fatalf("entry 4 = %+v (last %d, term start %d), want the term's config entry", e, s.LastIndex, s.TermStart)
	}
	if bb := s.BallotBox; bb.PendingIndex != 4 || len(bb.Ballots) != 1 || bb.Ballots[0].Index != 4 {
		t.Fatalf("ballot box %+v, want ballots from index 4 (lastLogIndex+1) only", bb)
	}
	if len(s.Replicators) != 2 {
		t.Fatalf("%d replicators, want one per peer", len(s.Replicators))
	}
	for _, r := range s.Replicators {
		if r.State != StateProbe || r.NextIndex != 4 || len(r.Inflights) != 1 || r.Inflights[0].Count != 0 || r.Inflights[0].StartIndex != 4 {
			t.Fatalf("replicator %+v, want Probe at nextIndex 4 with one probe in flight", r)
		}
	}
	probes := c.take(msgFilter{from: 1, typ: MsgApp})
	if len(probes) != 2 || probes[0].Index != 3 || probes[0].LogTerm != 2 || len(probes[0].Entries) != 0 {
		t.Fatalf("sent %v, want a probe with prev 3/2 to each peer", probes)
	}
	// The old entries have no ballots of their own: they commit only with
	// the new term's entry.
	c.queue = append(c.queue, probes...)
	c.deliverAll()
	if s := c.status(1); s.CommitIndex != 4 {
		t.Fatalf("commit index %d, want 4", s.CommitIndex)
	}
	if got := c.tn(1).applied; len(got) != 4 {
		t.Fatalf("leader applied %d entries, want all 4", len(got))
	}
}

// Raft paper §5.4.2 and Figure 8: "a log entry is stored on a majority of
// servers, [yet] could still be overwritten by a future leader" when it is
// from an older term. "If S1 replicates an entry from its current term on a
// majority of the servers before crashing, as in (e), then this entry is
// committed (S5 cannot win an election)."
func TestFigure8(t *testing.T) {
	tests := []struct {
		name string
		// replicateOwn: S1 also gets its own term's entry (3/4) onto S2
		// and S3 before it crashes.
		replicateOwn bool
		wantCommit   uint64
		wantS5Leads  bool
		wantTerm2    uint64 // the term of entry 2 on S2 and S3 at the end
	}{
		{"(c)-(d): entry 2 from term 2 on a majority, not committed", false, 0, true, 3},
		{"(e): entry 3 from term 4 on a majority commits both", true, 3, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCluster(t, 5, func(cfg *Config) { cfg.MaxEntriesPerRequest = 1 })
			// Figure 8 (b): S1 wrote 2/2 onto S2 and crashed; S5 wrote 2/3.
			c.setDisk(1, 3, None, 1, 2)
			c.setDisk(2, 3, None, 1, 2)
			c.setDisk(3, 3, None, 1)
			c.setDisk(4, 3, None, 1)
			c.setDisk(5, 3, None, 1, 3)
			c.crash(5)
			// (c): S1 is elected in term 4 and replicates 2/2 to S3.
			c.hold(msgFilter{typ: MsgApp})
			c.campaign(1)
			c.deliverAll()
			c.release(msgFilter{typ: MsgApp})
			if s := c.status(1); s.Role != Leader || s.Term != 4 {
				t.Fatalf("S1 is %s in term %d, want leader in term 4", s.Role, s.Term)
			}
			carries := func(index uint64) func(Message) bool {
				return func(m Message) bool {
					return m.Type == MsgApp && len(m.Entries) > 0 && m.Entries[0].Index == index
				}
			}
			for c.deliverWhere(func(m Message) bool {
				return m.From == 1 && m.To == 3 && m.Type == MsgApp && !carries(3)(m)
			}) || c.deliver(msgFilter{from: 3}) > 0 {
			}
			if tt.replicateOwn {
				c.deliverAll()
			}
			if got := c.logTerms(3); !slices.Equal(got[:2], []uint64{1, 2}) {
				t.Fatalf("S3's log %v, want 2/2 replicated", got)
			}
			if got := c.status(1).CommitIndex; got != tt.wantCommit {
				t.Fatalf("S1's commit index %d with 2/2 on S1, S2, S3, want %d", got, tt.wantCommit)
			}
			// (d): S1 crashes, S5 comes back and campaigns (twice: its first
			// pre-vote round teaches it the current term).
			c.crash(1)
			c.drop(msgFilter{})
			c.restart(5)
			for range 2 {
				if c.node(5).Role() != Leader {
					c.campaign(5)
					c.deliverAll()
				}
			}
			if got := c.node(5).Role() == Leader; got != tt.wantS5Leads {
				t.Fatalf("S5 leads: %v, want %v", got, tt.wantS5Leads)
			}
			if tt.wantS5Leads {
				c.mustPropose(5, "x")
				c.deliverAll()
			}
			for _, id := range []NodeID{2, 3} {
				if got := c.node(id).LogTerm(2); got != tt.wantTerm2 {
					t.Fatalf("entry 2 on S%d has term %d, want %d", id, got, tt.wantTerm2)
				}
			}
			// Whatever was applied anywhere is what the log says now.
			for _, tn := range c.nodes {
				for _, e := range tn.applied {
					if e.Index == 2 && e.Term != tt.wantTerm2 {
						t.Fatalf("S%d applied 2/%d, which the cluster later lost", tn.id, e.Term)
					}
				}
			}
		})
	}
}

// Seed §1: "The step-down timer starts (the leader checks it still hears
// from a quorum)."
func TestLeaderStepsDownWithoutQuorum(t *testing.T) {
	c := newCluster(t, 3, nil)
	c.elect(1)
	c.isolate(1)
	et := c.node(1).cfg.ElectionTimeout
	start := c.now
	for end := c.now + 2*et; c.now < end && c.node(1).Role() == Leader; {
		c.advance(et / 10)
		c.tick(1)
	}
	if s := c.status(1); s.Role != Follower || s.Term != 1 {
		t.Fatalf("isolated leader is %s in term %d, want follower in term 1", s.Role, s.Term)
	}
	if took := c.now - start; took > 2*et {
		t.Fatalf("stepped down only after %v", took)
	}

	// With one follower answering, it keeps leading.
	c = newCluster(t, 3, nil)
	c.elect(1)
	c.isolate(3)
	for range 20 {
		c.advance(et / 10)
		c.tick(1)
		c.deliverAll()
	}
	if c.node(1).Role() != Leader {
		t.Fatalf("leader with a quorum stepped down")
	}
}
