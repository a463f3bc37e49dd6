package raft

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Role is a node's part in the protocol.
type Role uint8

const (
	// Follower: answers a leader and candidates; starts a (pre-)election
	// when it hears no leader for an election timeout.
	Follower Role = iota
	// PreCandidate: a follower asking for pre-votes before it disturbs
	// anyone's term.
	PreCandidate
	// Candidate: has raised its term and voted for itself; asks for votes.
	Candidate
	// Leader: replicates its log to every peer through its replicators.
	Leader
)

// String returns the role's name.
func (r Role) String() string {
	switch r {
	case Follower:
		return "follower"
	case PreCandidate:
		return "precandidate"
	case Candidate:
		return "candidate"
	case Leader:
		return "leader"
	}
	return "?"
}

// MarshalText makes roles readable in JSON.
func (r Role) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// HardState is the part of a node's state that must be durable before any
// message that depends on it leaves: the current term and the vote in it.
type HardState struct {
	// Term is the current term.
	Term uint64 `json:"term"`
	// Vote is the candidate voted for in Term, or None.
	Vote NodeID `json:"vote"`
}

// DurableState is everything a node keeps across a crash. A restarted node
// is built from it alone.
type DurableState struct {
	HardState
	// Snapshot is the latest installed or taken snapshot, if any.
	Snapshot *Snapshot
	// Entries follow the snapshot (or start at index 1) without gaps.
	Entries []Entry
}

// NotLeaderError answers a proposal made to a node that does not lead.
type NotLeaderError struct {
	// Leader is the leader this node knows of, or None.
	Leader NodeID
}

// Error names the leader when one is known.
func (e *NotLeaderError) Error() string {
	if e.Leader == None {
		return "raft: not the leader, and no leader is known"
	}
	return fmt.Sprintf("raft: not the leader; the leader is node %d", e.Leader)
}

// ErrNotLeader matches any *NotLeaderError with errors.Is.
var ErrNotLeader = errors.New("raft: not the leader")

// Is makes errors.Is(err, ErrNotLeader) true.
func (e *NotLeaderError) Is(target error) bool { return target == ErrNotLeader }

// Node is one Raft participant. It does no I/O and keeps no clock: callers
// drive it with Step, Tick and Propose, passing the current time, and carry
// out what Ready returns (see the package documentation for the order).
type Node struct {
	cfg Config
	id  NodeID
	// src is the state of rng, kept so that Clone can copy it.
	src *rand.PCG
	rng *rand.Rand

	role   Role
	term   uint64
	vote   NodeID
	leader NodeID

	log         logManager
	commitIndex uint64
	// applied is the last index handed out for application.
	applied uint64

	// snapshot is the latest snapshot (taken or installed), or nil.
	snapshot *Snapshot
	// pendingRestore is a snapshot the state machine must load before it
	// applies anything else (handed out by the next Ready).
	pendingRestore *Snapshot

	// conf is the configuration in force: the latest in the log, else the
	// snapshot's, else Config.Peers. confIndex is where it came from.
	conf      ConfigState
	confIndex uint64

	// votes granted in the current election or pre-election.
	votes map[NodeID]bool
	// electionDue: a follower starts a pre-vote, a candidate retries.
	electionDue time.Duration
	// lastLeaderContact is when a leader was last heard (the leader
	// timestamp); pre-votes are refused while it is recent.
	lastLeaderContact time.Duration

	// Leader state.
	replicators []*replicator
	ballots     ballotBox
	stepDownDue time.Duration
	// termStart is the index of the first entry of the leader's term;
	// reads and changes wait until it commits.
	termStart uint64
	confCtx   confCtx
	// transferee is the target of a leadership transfer in progress, and
	// transferDue when it is given up.
	transferee  NodeID
	transferDue time.Duration
	// reads wait for their heartbeat round; readRound numbers the rounds.
	reads     []pendingRead
	readRound uint64
	// readStates are answered reads waiting for Ready.
	readStates []ReadState

	// Effects waiting for Ready.
	msgs []Message
	// snapshotToPersist is a snapshot taken or installed since the last Ready.
	snapshotToPersist *Snapshot
	hardStateSent     HardState
	readyLast         uint64
	readyLastTerm     uint64
}

// NewNode builds a node from its config and durable state (empty for a new
// node) at time now.
func NewNode(now time.Duration, cfg Config, st DurableState) (*Node, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := &Node{
		cfg:           cfg,
		id:            cfg.ID,
		src:           rand.NewPCG(cfg.Seed, uint64(cfg.ID)),
		term:          st.Term,
		vote:          st.Vote,
		hardStateSent: st.HardState,
	}
	n.rng = rand.New(n.src)
	if s := st.Snapshot; s != nil {
		n.snapshot = s
		n.log.snapIndex, n.log.snapTerm = s.Index, s.Term
		n.commitIndex, n.applied = s.Index, s.Index
		// The state machine starts from the snapshot.
		n.pendingRestore = s
	}
	if len(st.Entries) > 0 && st.Entries[0].Index != n.log.snapIndex+1 {
		return nil, fmt.Errorf("raft: durable entries start at %d, want %d", st.Entries[0].Index, n.log.snapIndex+1)
	}
	n.log.entries = slices.Clone(st.Entries)
	n.log.stable = n.log.lastIndex()
	n.refreshConf()
	n.becomeFollower(now, n.term, None)
	return n, nil
}

// ID returns the node's id.
func (n *Node) ID() NodeID { return n.id }

// Role returns the node's current role.
func (n *Node) Role() Role { return n.role }

// Term returns the node's current term.
func (n *Node) Term() uint64 { return n.term }

// Leader returns the leader this node knows of, or None.
func (n *Node) Leader() NodeID { return n.leader }

// refreshConf recomputes the configuration from the log's newest config
// entry, else the snapshot's, else Config.Peers.
func (n *Node) refreshConf() {
	n.conf, n.confIndex = n.confAt(n.log.lastIndex())
}

// confFromEntries takes the newest configuration among entries just
// appended, if there is one.
func (n *Node) confFromEntries(ents []Entry) {
	for i := len(ents) - 1; i >= 0; i-- {
		if e := &ents[i]; e.Type == EntryConfig && e.Conf != nil {
			n.conf, n.confIndex = e.Conf.Clone(), e.Index
			return
		}
	}
}

// baseConf is the configuration before the first entry in the log.
func (n *Node) baseConf() ConfigState {
	if n.snapshot != nil {
		return n.snapshot.Conf.Clone()
	}
	peers := slices.Clone(n.cfg.Peers)
	slices.Sort(peers)
	return ConfigState{Voters: slices.Compact(peers)}
}

// confAt returns the configuration in force at index (which must not be
// below the snapshot) and the index of the entry it came from (the
// snapshot's index when it predates the log).
func (n *Node) confAt(index uint64) (ConfigState, uint64) {
	for i := min(index, n.log.lastIndex()); i > n.log.snapIndex; i-- {
		if e := n.log.entry(i); e.Type == EntryConfig && e.Conf != nil {
			return e.Conf.Clone(), i
		}
	}
	return n.baseConf(), n.log.snapIndex
}

func (n *Node) resetElectionTimer(now time.Duration) {
	et := n.cfg.ElectionTimeout
	n.electionDue = now + et + time.Duration(n.rng.Int64N(int64(et)))
}

// becomeFollower moves to term as a follower of leader (None if unknown).
func (n *Node) becomeFollower(now time.Duration, term uint64, leader NodeID) {
	if term > n.term {
		n.term, n.vote = term, None
	}
	if n.role == Leader {
		n.failReads()
		n.confCtx = confCtx{}
		n.transferee, n.transferDue = None, 0
	}
	n.role = Follower
	n.leader = leader
	n.votes = nil
	n.replicators = nil
	n.ballots.clear()
	n.resetElectionTimer(now)
}

// campaign starts an election: a pre-vote round unless disabled.
func (n *Node) campaign(now time.Duration) {
	if !n.conf.IsVoter(n.id) {
		n.resetElectionTimer(now)
		return
	}
	if n.cfg.DisablePreVote {
		n.electSelf(now)
		return
	}
	n.role = PreCandidate
	n.leader = None
	n.votes = map[NodeID]bool{n.id: true}
	n.resetElectionTimer(now)
	if n.electionWon() {
		n.electSelf(now)
		return
	}
	n.requestVotes(MsgPreVote, n.term+1)
}

// electSelf increments the term, votes for itself and asks for votes. The
// new term and vote are in the next Ready and must be durable before the
// requests leave.
func (n *Node) electSelf(now time.Duration) {
	n.role = Candidate
	n.term++
	n.vote = n.id
	n.leader = None
	n.votes = map[NodeID]bool{n.id: true}
	n.resetElectionTimer(now) // the vote timer
	if n.electionWon() {
		n.becomeLeader(now)
		return
	}
	n.requestVotes(MsgVote, n.term)
}

func (n *Node) requestVotes(t MsgType, term uint64) {
	for _, p := range n.conf.Peers() {
		if p == n.id || !n.conf.IsVoter(p) {
			continue
		}
		n.send(Message{Type: t, To: p, Term: term, Index: n.log.lastIndex(), LogTerm: n.log.lastTerm()})
	}
}

// electionWon reports whether the granted votes form a quorum of the
// configuration (of both halves during a joint change).
func (n *Node) electionWon() bool {
	b := newBallot(0, &n.conf)
	for id, ok := range n.votes {
		if ok {
			b.grant(id)
		}
	}
	return b.isGranted()
}

// becomeLeader follows SOFAJRaft's NodeImpl.becomeLeader (seed §1).
func (n *Node) becomeLeader(now time.Duration) {
	n.role = Leader
	n.leader = n.id
	n.votes = nil
	n.replicators = nil
	for _, p := range n.conf.Peers() {
		if p != n.id {
			n.addReplicator(now, p)
		}
	}
	// Only entries of this term get ballots; older ones commit with them.
	n.ballots.resetPendingIndex(n.log.lastIndex()+1, n.commitIndex)
	if canary(CanaryCommitOldTerm) {
		// Planted bug: ballots for the older entries too, counted like
		// any other (the paper's Figure 8).
		n.ballots.resetPendingIndex(n.commitIndex+1, n.commitIndex)
		for range n.log.lastIndex() - n.commitIndex {
			n.ballots.appendPending(&n.conf)
		}
		n.ballots.commitAt(n.commitIndex+1, n.log.stable, n.id)
	}
	// The configuration entry opens the term (jraft's confCtx.flush).
	conf := n.conf.Clone()
	if canary(CanaryCommitOldTerm) {
		// Planted bug, continued: no entry of its own opens the term.
		n.termStart = n.log.lastIndex() + 1
	} else {
		n.termStart = n.appendEntry(Entry{Type: EntryConfig, Conf: &conf})
	}
	if conf.Joint() {
		// A change was cut short by the old leader: finish it.
		stable := ConfigState{Voters: conf.Voters, Learners: conf.Learners}
		n.confCtx = confCtx{stage: ConfJoint, target: stable, index: n.termStart}
	}
	n.stepDownDue = now + n.cfg.ElectionTimeout/2
	for _, r := range n.replicators {
		n.sendEntries(now, r)
	}
}

// addReplicator starts a replicator: heartbeat timer, then a probe (seed §2).
func (n *Node) addReplicator(now time.Duration, peer NodeID) {
	r := newReplicator(peer, n.log.lastIndex()+1, now)
	r.heartbeatDue = now + n.cfg.HeartbeatInterval
	n.replicators = append(n.replicators, r)
	slices.SortFunc(n.replicators, func(a, b *replicator) int { return int(a.peer) - int(b.peer) })
	n.sendProbe(now, r)
}

func (n *Node) replicator(peer NodeID) *replicator {
	for _, r := range n.replicators {
		if r.peer == peer {
			return r
		}
	}
	return nil
}

func (n *Node) removeReplicator(peer NodeID) {
	n.replicators = slices.DeleteFunc(n.replicators, func(r *replicator) bool { return r.peer == peer })
}

// appendEntry appends one entry of the leader's term and opens its ballot.
func (n *Node) appendEntry(e Entry) uint64 {
	e.Index, e.Term = n.log.lastIndex()+1, n.term
	n.log.append(e)
	if e.Type == EntryConfig {
		// A configuration is used as soon as it is in the log, also to
		// decide its own entry: a joint entry needs both quorums.
		n.refreshConf()
	}
	n.ballots.appendPending(&n.conf)
	return e.Index
}

func (n *Node) send(m Message) {
	m.From = n.id
	if m.Term == 0 {
		m.Term = n.term
	}
	n.msgs = append(n.msgs, m)
}

// Propose appends a command to the leader's log. It answers at once with the
// entry's index and term, or a *NotLeaderError.
func (n *Node) Propose(now time.Duration, data []byte) (index, term uint64, err error) {
	if n.role != Leader {
		return 0, 0, &NotLeaderError{Leader: n.leader}
	}
	if n.transferee != None {
		return 0, 0, ErrTransferring
	}
	index = n.appendEntry(Entry{Type: EntryNormal, Data: data})
	for _, r := range n.replicators {
		n.sendEntries(now, r)
	}
	return index, n.term, nil
}

// Tick fires every timer that is due at now.
func (n *Node) Tick(now time.Duration) {
	if n.role != Leader {
		if now >= n.electionDue {
			if n.role == Candidate && !n.cfg.DisablePreVote {
				// The vote timer expired: step down and pre-vote again.
				n.role = Follower
			}
			n.campaign(now)
		}
		return
	}
	if now >= n.stepDownDue {
		if !n.checkQuorum(now) {
			n.becomeFollower(now, n.term, None)
			return
		}
		n.stepDownDue = now + n.cfg.ElectionTimeout/2
	}
	if n.transferee != None && now >= n.transferDue {
		n.stopTransfer()
	}
	if n.confCtx.stage == ConfCatchingUp {
		n.advanceConfChange(now)
	}
	for _, r := range n.replicators {
		if r.blockedUntil != 0 && now >= r.blockedUntil {
			r.blockedUntil = 0
			n.sendProbe(now, r)
		}
		if now >= r.heartbeatDue {
			n.sendHeartbeat(now, r)
			r.heartbeatDue = now + n.cfg.HeartbeatInterval
		}
	}
}

// checkQuorum is the step-down timer's test: a quorum of voters (itself
// included) answered a request sent within the last election timeout.
func (n *Node) checkQuorum(now time.Duration) bool {
	b := newBallot(0, &n.conf)
	b.grant(n.id)
	for _, r := range n.replicators {
		if now-r.lastRPCSend <= n.cfg.ElectionTimeout {
			b.grant(r.peer)
		}
	}
	return b.isGranted()
}

// Deadline is the next time at which Tick has work to do.
func (n *Node) Deadline() time.Duration {
	if n.role != Leader {
		return n.electionDue
	}
	d := n.stepDownDue
	if n.transferee != None {
		d = min(d, n.transferDue)
	}
	if n.confCtx.stage == ConfCatchingUp {
		d = min(d, n.confCtx.deadline)
	}
	for _, r := range n.replicators {
		d = min(d, r.heartbeatDue)
		if r.blockedUntil != 0 {
			d = min(d, r.blockedUntil)
		}
	}
	return d
}

// Step handles a message received at now.
func (n *Node) Step(now time.Duration, m Message) error {
	if m.To != n.id {
		return fmt.Errorf("raft: node %d got a message for node %d", n.id, m.To)
	}
	if m.From == None || m.From == n.id {
		return fmt.Errorf("raft: node %d got a message from invalid sender %d", n.id, m.From)
	}
	switch {
	case m.Term > n.term:
		switch {
		case m.Type == MsgPreVote:
			// Pre-votes never change anyone's term.
		case m.Type == MsgPreVoteResp && m.Success:
			// A granted pre-vote carries the term we would stand in.
		case n.role == Leader && (m.Type == MsgAppResp || m.Type == MsgSnapResp) && n.replicator(m.From) != nil:
			// The replicator handles a higher-term rejection (seed §5.4).
		case m.Type == MsgApp || m.Type == MsgSnap || m.Type == MsgTimeoutNow:
			n.becomeFollower(now, m.Term, m.From)
		default:
			n.becomeFollower(now, m.Term, None)
		}
	case m.Term < n.term:
		switch m.Type {
		case MsgApp, MsgSnap:
			n.send(Message{Type: m.Type.Response(), To: m.From, Success: false, LastLogIndex: n.log.lastIndex(),
				Index: m.Index, Seq: m.Seq, Version: m.Version, Call: m.Call, Heartbeat: m.Heartbeat, SentAt: m.SentAt})
		case MsgVote, MsgPreVote, MsgTimeoutNow:
			n.send(Message{Type: m.Type.Response(), To: m.From, Success: false, Call: m.Call})
		}
		return nil
	}

	switch m.Type {
	case MsgPreVote:
		n.handlePreVote(now, m)
	case MsgVote:
		n.handleVote(now, m)
	case MsgPreVoteResp, MsgVoteResp:
		n.handleVoteResp(now, m)
	case MsgApp:
		return n.handleAppendEntries(now, m)
	case MsgSnap:
		n.handleInstallSnapshot(now, m)
	case MsgTimeoutNow:
		n.handleTimeoutNow(now, m)
	case MsgTimeoutNowResp:
	case MsgReadIndex:
		n.handleReadIndex(now, m)
	case MsgReadIndexResp:
		n.handleReadIndexResp(m)
	case MsgAppResp, MsgSnapResp:
		if n.role == Leader {
			n.handleResponse(now, m, false)
		}
	default:
		return fmt.Errorf("raft: node %d cannot handle %s yet", n.id, m.Type)
	}
	return nil
}

// leaderLeaseValid: a leader was heard within the election timeout, so a
// pre-vote for someone else would only disturb it.
func (n *Node) leaderLeaseValid(now time.Duration) bool {
	if n.role == Leader {
		return true
	}
	return n.leader != None && now-n.lastLeaderContact < n.cfg.ElectionTimeout
}

func (n *Node) handlePreVote(now time.Duration, m Message) {
	grant := m.Term > n.term && !n.leaderLeaseValid(now) && n.log.isUpToDate(m.LogTerm, m.Index)
	resp := Message{Type: MsgPreVoteResp, To: m.From, Success: grant, Call: m.Call}
	if grant {
		resp.Term = m.Term
	}
	n.send(resp)
}

func (n *Node) handleVote(now time.Duration, m Message) {
	// The term check already moved us to m.Term when it was higher.
	grant := (n.vote == None || n.vote == m.From || canary(CanaryVoteTwice)) &&
		(n.log.isUpToDate(m.LogTerm, m.Index) || canary(CanaryVoteStaleLog))
	if grant {
		n.vote = m.From
		n.resetElectionTimer(now)
	}
	n.send(Message{Type: MsgVoteResp, To: m.From, Success: grant, Call: m.Call})
}

func (n *Node) handleVoteResp(now time.Duration, m Message) {
	switch {
	case m.Type == MsgPreVoteResp && n.role == PreCandidate && m.Term == n.term+1:
	case m.Type == MsgVoteResp && n.role == Candidate && m.Term == n.term:
	default:
		return
	}
	n.votes[m.From] = m.Success
	if !n.electionWon() {
		return
	}
	if n.role == PreCandidate {
		n.electSelf(now)
	} else {
		n.becomeLeader(now)
	}
}

// acceptLeader is the common part of AppendEntries and InstallSnapshot in
// the current term: it records from as leader and refreshes the leader
// timestamp. It returns false when another node already leads this term.
func (n *Node) acceptLeader(now time.Duration, from NodeID) bool {
	if n.leader != None && n.leader != from {
		// Two leaders in one term: as SOFAJRaft does, move to the next term
		// so that both step down and a fresh election settles it.
		n.becomeFollower(now, n.term+1, None)
		return false
	}
	if n.role != Follower || n.leader != from {
		n.becomeFollower(now, n.term, from)
	}
	n.lastLeaderContact = now
	n.resetElectionTimer(now)
	return true
}

// handleAppendEntries is the follower side of AppendEntries (seed §6).
func (n *Node) handleAppendEntries(now time.Duration, m Message) error {
	resp := Message{Type: MsgAppResp, To: m.From, Index: m.Index, Seq: m.Seq, Version: m.Version, Call: m.Call, Heartbeat: m.Heartbeat, SentAt: m.SentAt, Context: m.Context}
	if !n.acceptLeader(now, m.From) {
		resp.LastLogIndex = n.log.lastIndex()
		n.send(resp)
		return nil
	}
	prev, ents := m.Index, m.Entries
	if prev < n.log.snapIndex {
		// Entries up to the snapshot are committed here already.
		skip := min(uint64(len(ents)), n.log.snapIndex-prev)
		prev, ents = n.log.snapIndex, ents[skip:]
		if len(ents) > 0 {
			prev = ents[0].Index - 1
		}
	} else if prev > n.log.lastIndex() || n.log.term(prev) != m.LogTerm {
		resp.LastLogIndex = n.log.lastIndex()
		if prev <= n.log.lastIndex() {
			resp.LogTerm = n.log.term(prev)
			resp.RejectHint = prev
			for resp.RejectHint > n.log.firstIndex() && n.log.term(resp.RejectHint-1) == resp.LogTerm {
				resp.RejectHint--
			}
		}
		n.send(resp)
		return nil
	}
	for i, e := range ents {
		if e.Index <= n.log.lastIndex() {
			if n.log.term(e.Index) == e.Term || canary(CanaryNoTruncate) {
				continue // already have it (or, planted bug: keep ours)
			}
			if e.Index <= n.commitIndex {
				// Only a leader that lost a committed entry can ask this;
				// refuse rather than lose it.
				resp.LastLogIndex = n.log.lastIndex()
				n.send(resp)
				return fmt.Errorf("raft: node %d refused leader %d's entry %d/%d: it would overwrite committed entry %d/%d",
					n.id, m.From, e.Index, e.Term, e.Index, n.log.term(e.Index))
			}
			n.log.truncateSuffix(e.Index)
			if n.confIndex >= e.Index {
				n.refreshConf() // the configuration in force was cut off
			}
		}
		n.log.append(ents[i:]...)
		n.confFromEntries(ents[i:])
		break
	}
	lastNew := prev + uint64(len(ents))
	if c := min(m.Commit, lastNew); c > n.commitIndex {
		n.commitIndex = c
	}
	resp.Success = true
	resp.LastLogIndex = n.log.lastIndex()
	n.send(resp)
	return nil
}

// ReportRPCError tells the node that a request it sent got no response.
func (n *Node) ReportRPCError(now time.Duration, req Message) {
	if req.Type == MsgVote && n.role == Candidate && req.Term == n.term {
		// "Servers retry RPCs if they do not receive a response in a
		// timely manner" (§5.1): ask again while the election lasts.
		if _, answered := n.votes[req.To]; !answered {
			n.send(Message{Type: MsgVote, To: req.To, Term: n.term, Index: n.log.lastIndex(), LogTerm: n.log.lastTerm()})
		}
		return
	}
	if n.role != Leader || (req.Type != MsgApp && req.Type != MsgSnap) || req.Term != n.term {
		return
	}
	if req.Heartbeat {
		if r := n.replicator(req.To); r != nil {
			r.consecutiveErrors++
			r.state = StateProbe
		}
		return
	}
	n.handleResponse(now, Message{Type: req.Type.Response(), From: req.To, Term: req.Term, Index: req.Index,
		Seq: req.Seq, Version: req.Version}, true)
}

// LogTerm returns the term of the entry at index in this node's log, or 0
// when the index is beyond the log or compacted away.
func (n *Node) LogTerm(index uint64) uint64 { return n.log.term(index) }

// Entry returns a copy of the entry at index, if the log holds it.
func (n *Node) Entry(index uint64) (Entry, bool) {
	if index <= n.log.snapIndex || index > n.log.lastIndex() {
		return Entry{}, false
	}
	return *n.log.entry(index), true
}

// CommitIndex returns the highest index this node knows committed.
func (n *Node) CommitIndex() uint64 { return n.commitIndex }

// LastIndex returns the index of the last entry in this node's log.
func (n *Node) LastIndex() uint64 { return n.log.lastIndex() }
