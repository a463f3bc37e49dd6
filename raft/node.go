package raft

import (
	"errors"
	"fmt"
	"math/rand/v2"
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
//
// Invariants, between calls:
//   - snapIndex <= applied <= commitIndex <= lastIndex, and applied <= stable
//     (only durable, committed entries reach the state machine);
//   - commitIndex never moves back, nor does term;
//   - vote names a node only for the current term (it is reset when the
//     term rises), and the term and vote a message depends on are handed
//     out by the same Ready as the message;
//   - replicators, ballots, termStart, confCtx, transferee and reads are in
//     use only while role == Leader, and cleared when it steps down;
//   - leader == id exactly when role == Leader.
type Node struct {
	// cfg is the configuration the node was made with; never changed.
	cfg Config
	// id is cfg.ID, kept at hand.
	id NodeID
	// src is the state of rng, kept so that Clone can copy it.
	src *rand.PCG
	// rng draws election timeouts; seeded from cfg.Seed and id, so a run
	// is reproducible.
	rng *rand.Rand

	// role is the node's part in the protocol now.
	role Role
	// term is the current term (durable).
	term uint64
	// vote is the candidate voted for in term, or None (durable).
	vote NodeID
	// leader is the leader of term this node knows of, or None.
	leader NodeID

	// log holds the entries after the snapshot and knows which are durable.
	log logManager
	// commitIndex is the highest index known committed.
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

	// votes granted (true) or refused (false) in the current election or
	// pre-election, by voter; nil outside one.
	votes map[NodeID]bool
	// electionDue: a follower starts a pre-vote, a candidate retries.
	electionDue time.Duration
	// electionArmed is when the election timer was last reset (for views:
	// the timer runs from electionArmed to electionDue).
	electionArmed time.Duration
	// promiseUntil is an election timeout after a request of a leader was
	// last handled (the leader timestamp): no vote or pre-vote is granted
	// before it but a transfer's (lease.go).
	promiseUntil time.Duration
	// leaderClock is the newest send time, by the leader's clock, of a
	// request of n.leader handled in this term; never when there is none.
	// A TimeoutNow sent before it may no longer break the promise (lease.go).
	leaderClock time.Duration
	// votesBarredUntil: a restarted node grants no vote or pre-vote and
	// starts no transfer's election before this time (lease.go).
	votesBarredUntil time.Duration

	// replicatorVersion is the highest version any replicator this node
	// has dropped ever had. A new replicator starts above it, so a late
	// response to an earlier incarnation (a peer removed and added again,
	// or a leader that stepped down and won again) never matches it. It
	// lives as long as the node does, through every role, and no longer:
	// after a restart onAppendEntriesReturned's record check (seed §5.1)
	// is what catches such a response.
	replicatorVersion uint64
	// replicatorsChanged counts replicators added and retired, plus the
	// changes of the retired ones, so that ReplicatorChanges never moves
	// back when one goes.
	replicatorsChanged uint64

	// replicators, one per peer but this node, sorted by peer (leader only).
	replicators []*replicator
	// ballots counts acknowledgements of the entries from the term's
	// pending index on, and moves commitIndex (leader only).
	ballots ballotBox
	// stepDownDue is when the step-down timer next checks that a quorum
	// is still heard (leader only).
	stepDownDue time.Duration
	// electedAt is when this node became leader; check-quorum spares its
	// first election timeout.
	electedAt time.Duration
	// electedBy are the voters whose votes made this node leader of its
	// term, by id (leader only; a new slice each election, never changed
	// in place, so clones share it).
	electedBy []NodeID
	// timeoutNowSent is when this leader last sent TimeoutNow in its term,
	// or never: the lease counts only answers to requests sent after it.
	timeoutNowSent time.Duration
	// termStart is the index of the first entry of the leader's term;
	// reads and changes wait until it commits.
	termStart uint64
	// confCtx is the membership change in progress, if any (leader only).
	confCtx confCtx
	// transferee is the target of a leadership transfer in progress, and
	// transferDue when it is given up.
	transferee  NodeID
	transferDue time.Duration
	// reads wait for their heartbeat round; readRound numbers the rounds.
	reads     []pendingRead
	readRound uint64
	// readStates are answered reads waiting for Ready.
	readStates []ReadState

	// arena is the chunk proposal data is copied into (keep); its bytes up
	// to len belong to log entries and never change.
	arena []byte

	// msgs are the messages waiting for Ready; msgsSpare is the buffer the
	// last Ready handed out, reused by the next one.
	msgs      []Message
	msgsSpare []Message
	// snapshotToPersist is a snapshot taken or installed since the last Ready.
	snapshotToPersist *Snapshot
	// hardStateSent is the term and vote the last Ready handed out to be
	// persisted (or the durable ones at start): a Ready carries a
	// HardState only when they changed.
	hardStateSent HardState
	// readyLast and readyLastTerm are the last entry the last Ready handed
	// out to be written; Advance marks the log durable up to it, unless a
	// truncation since then replaced it.
	readyLast     uint64
	readyLastTerm uint64
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
		log:           newLog(),
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
	n.log.entries.Append(st.Entries...)
	n.log.setTail()
	n.log.stable = n.log.lastIndex()
	n.refreshConf()
	n.becomeFollower(now, n.term, None)
	n.leaderClock, n.timeoutNowSent = never, never
	if st.Term > 0 && !canary(CanaryRestartVotes) {
		// Issue 7 (b): this node may have answered a leader just before it
		// stopped, and that promise (lease.go) was kept only in memory.
		// A node with no term has never heard a leader and owes nothing.
		n.votesBarredUntil = now + n.cfg.ElectionTimeout
	}
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

func (n *Node) send(m *Message) {
	// Copied once, straight into the outbox, and stamped there (a
	// message is large: passing it by value copied it once more).
	n.msgs = append(n.msgs, *m)
	s := &n.msgs[len(n.msgs)-1]
	s.From = n.id
	if s.Term == 0 {
		s.Term = n.term
	}
}

// Step handles a message received at now.
func (n *Node) Step(now time.Duration, m Message) error {
	if m.To != n.id {
		return fmt.Errorf("raft: node %d got a message for node %d", n.id, m.To)
	}
	if m.From == None || m.From == n.id {
		return fmt.Errorf("raft: node %d got a message from invalid sender %d", n.id, m.From)
	}
	if m.Type == MsgVote && n.refusesVote(now, m) {
		// Bound by a promise (lease.go): refuse without taking m's term,
		// so a leader is not deposed by a vote it refuses.
		n.send(&Message{Type: MsgVoteResp, To: m.From, Success: false, Call: m.Call})
		return nil
	}
	switch {
	case m.Term > n.term:
		switch {
		case m.Type == MsgPreVote:
			// Pre-votes never change anyone's term.
		case m.Type == MsgPreVoteResp && m.Success:
			// A granted pre-vote carries the term we would stand in.
		case n.role == Leader && (m.Type == MsgAppResp || m.Type == MsgSnapResp) && !m.Success && n.replicator(m.From) != nil:
			// The replicator handles a higher-term rejection (seed §5.4).
			// A success never comes in a higher term (a follower
			// accepts only in the request's term), and should one
			// come, the default below steps down on it: Figure 2's
			// rule for any response with a higher term.
		case m.Type == MsgApp || m.Type == MsgSnap || m.Type == MsgTimeoutNow:
			n.becomeFollower(now, m.Term, m.From)
		case n.role == Leader:
			n.becomeFollower(now, m.Term, None)
		default:
			// A higher term alone does not restart the election timer:
			// only a leader's request or a granted vote does (Figure 2).
			// Otherwise a candidate that cannot win (its log is behind)
			// would keep every other node from timing out with its vote
			// requests, and no leader would ever be elected.
			due, armed := n.electionDue, n.electionArmed
			n.becomeFollower(now, m.Term, None)
			n.electionDue, n.electionArmed = due, armed
		}
	case m.Term < n.term:
		// A stale request is refused with this node's term, which tells
		// its sender to step down.
		switch m.Type {
		case MsgApp, MsgSnap:
			resp := replyTo(&m)
			resp.LastLogIndex = n.log.lastIndex()
			n.send(&resp)
		case MsgVote, MsgPreVote, MsgTimeoutNow:
			resp := replyTo(&m)
			n.send(&resp)
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
		return n.handleAppendEntries(now, &m)
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
			n.handleResponse(now, &m, false)
		}
	default:
		return fmt.Errorf("raft: node %d cannot handle %s yet", n.id, m.Type)
	}
	return nil
}

// LogTerm returns the term of the entry at index in this node's log, or 0
// when the index is beyond the log or compacted away.
func (n *Node) LogTerm(index uint64) uint64 { return n.log.term(index) }

// FirstIndex returns the index of the first entry in this node's log
// (entries before it are folded into its snapshot).
func (n *Node) FirstIndex() uint64 { return n.log.firstIndex() }

// Entry returns a copy of the entry at index, if the log holds it.
func (n *Node) Entry(index uint64) (Entry, bool) {
	if e := n.log.find(index); e != nil {
		return *e, true
	}
	return Entry{}, false
}

// EntryRef returns the entry at index in place, or nil when the log does
// not hold it. Read it, never write through it: the log's clones and the
// slices Ready handed out share it. It is Entry without the copy of seven
// words, for a caller that reads every entry (the simulator's checkers).
func (n *Node) EntryRef(index uint64) *Entry { return n.log.find(index) }

// CommitIndex returns the highest index this node knows committed.
func (n *Node) CommitIndex() uint64 { return n.commitIndex }

// LastIndex returns the index of the last entry in this node's log.
func (n *Node) LastIndex() uint64 { return n.log.lastIndex() }
