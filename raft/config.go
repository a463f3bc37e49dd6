package raft

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// ConfigState is a cluster configuration: who votes, who only learns, and,
// during a joint change, who voted before. It is what a config entry carries.
type ConfigState struct {
	// Voters are the peers whose acknowledgements count for commit and
	// elections. Sorted, no duplicates.
	Voters []NodeID `json:"voters"`
	// Learners receive the log but never vote. Disjoint from Voters.
	Learners []NodeID `json:"learners,omitempty"`
	// OldVoters is non-empty only during a joint change: a quorum of both
	// Voters and OldVoters is then needed.
	OldVoters []NodeID `json:"old_voters,omitempty"`
}

// Joint reports whether the configuration is a joint one.
func (c *ConfigState) Joint() bool { return len(c.OldVoters) > 0 }

// IsVoter reports whether id votes in either half of the configuration.
func (c *ConfigState) IsVoter(id NodeID) bool {
	return slices.Contains(c.Voters, id) || slices.Contains(c.OldVoters, id)
}

// Peers lists every node the leader replicates to (voters of both halves
// and learners), sorted, without duplicates.
func (c *ConfigState) Peers() []NodeID {
	return sortedSet(c.Voters, c.OldVoters, c.Learners)
}

// Clone returns a deep copy.
func (c ConfigState) Clone() ConfigState {
	return ConfigState{
		Voters:    slices.Clone(c.Voters),
		Learners:  slices.Clone(c.Learners),
		OldVoters: slices.Clone(c.OldVoters),
	}
}

// cloneInto returns a copy of c held in dst's arrays where they are large
// enough; like Clone, an empty list is nil.
func (c ConfigState) cloneInto(dst ConfigState) ConfigState {
	into := func(dst, src []NodeID) []NodeID {
		if len(src) == 0 {
			return nil
		}
		return append(dst[:0], src...)
	}
	return ConfigState{
		Voters:    into(dst.Voters, c.Voters),
		Learners:  into(dst.Learners, c.Learners),
		OldVoters: into(dst.OldVoters, c.OldVoters),
	}
}

// Config holds a node's identity and its tunables. Durations are virtual:
// the core only compares them with the times its caller passes in.
type Config struct {
	// ID of this node; never None.
	ID NodeID
	// Peers is the initial voter set (including ID). It is used only when
	// the durable state holds no configuration yet.
	Peers []NodeID
	// Seed feeds the node's private random source (election timeouts).
	Seed uint64

	// ElectionTimeout: a follower that hears no leader for a random time in
	// [ElectionTimeout, ElectionTimeoutMax) starts an election. It is also
	// the minimum the rest of the core counts with: how long a vote is
	// refused after hearing a leader (lease.go), the step-down check.
	ElectionTimeout time.Duration
	// ElectionTimeoutMax is the top of the randomized range (§5.2: "chosen
	// randomly from a fixed interval (e.g., 150–300ms)"). Zero means
	// 2*ElectionTimeout; equal to ElectionTimeout makes the timeout fixed,
	// with no randomness at all (the paper's 150–150 ms case of Figure 16,
	// where split votes repeat). Invariant, once validated:
	// ElectionTimeout <= electionTimeoutMax().
	ElectionTimeoutMax time.Duration
	// HeartbeatInterval is how often each replicator sends a heartbeat;
	// also how long a replicator stays blocked after an RPC error.
	HeartbeatInterval time.Duration
	// RPCTimeout: an append, probe or InstallSnapshot recorded in flight
	// this long without an answer is failed by the node itself at its next
	// Tick, exactly as if the caller had reported it with ReportRPCError
	// (a caller may still report sooner; a reply that comes later is
	// stale). Heartbeats are never in flight and have no timeout here: a
	// lost one only loses the contact it would have given, and the next
	// goes out a HeartbeatInterval later anyway. Zero means
	// 10*ElectionTimeout (see defaultRPCTimeout).
	RPCTimeout time.Duration
	// CheckQuorumWindow: the leader steps down when no quorum answered
	// requests it sent within this window (check-quorum, lease.go). Zero
	// means 2*ElectionTimeout (see defaultCheckQuorumWindow). A longer
	// window only makes a cut-off leader give up later; it never lets two
	// leaders serve, and lease reads keep their own, shorter bound.
	CheckQuorumWindow time.Duration
	// DisablePreVote turns pre-vote off (it is on by default).
	DisablePreVote bool

	// MaxInflight bounds the in-flight FIFO of each replicator.
	MaxInflight int
	// MaxEntriesPerRequest bounds the entries of one MsgApp.
	MaxEntriesPerRequest int
	// MaxBytesPerRequest bounds the weight (Entry.Size) of one MsgApp; a
	// single larger entry still goes, alone.
	MaxBytesPerRequest int

	// CatchupMargin: a new peer counts as caught up when its match index is
	// within this many entries of the leader's last index.
	CatchupMargin int
	// ReadOnly chooses how ReadIndex confirms leadership.
	ReadOnly ReadOnlyOption
	// BacktrackByTerm makes a rejecting follower hint the first index of
	// its conflicting term, so the leader skips a whole term per round trip
	// (etcd's approach) instead of SOFAJRaft's one entry at a time.
	BacktrackByTerm bool
}

// DefaultConfig returns a config with the playground's usual timings.
func DefaultConfig(id NodeID, peers []NodeID) Config {
	return Config{
		ID:                   id,
		Peers:                peers,
		Seed:                 uint64(id),
		ElectionTimeout:      300 * time.Millisecond,
		HeartbeatInterval:    60 * time.Millisecond,
		MaxInflight:          8,
		MaxEntriesPerRequest: 16,
		MaxBytesPerRequest:   64 << 10,
		CatchupMargin:        64,
	}
}

// The defaults of RPCTimeout and CheckQuorumWindow, in election timeouts.
// Both were measured on a five-node cluster (300 ms election timeout,
// 100 ms heartbeat) over a transport that delays 60% of replies by 0.2 to
// 2.2 s, the world of raft/sim's TestSlowTransportCommitsSteadily, seeds 1
// to 6, 60 s each:
//
//   - A timeout shorter than the latest replies throws good answers away
//     and resets the pipeline: at 2 election timeouts commit stood still
//     for 3 s in 3 of 6 runs, at 5 in 3 of 6; from 8 on, never. A reply
//     that is really lost costs only that peer's replicator this long;
//     the quorum goes on through the others. (SOFAJRaft's default RPC
//     timeout is 5 s, five of its 1 s election timeouts.)
//   - A window of one election timeout made leaders step down 8 to 19
//     times a minute, each costing an election; at two, none did.
const (
	defaultRPCTimeout        = 10
	defaultCheckQuorumWindow = 2
)

// rpcTimeout is RPCTimeout, or its default.
func (c *Config) rpcTimeout() time.Duration {
	if c.RPCTimeout == 0 {
		return defaultRPCTimeout * c.ElectionTimeout
	}
	return c.RPCTimeout
}

// electionTimeoutMax is ElectionTimeoutMax, or its default.
func (c *Config) electionTimeoutMax() time.Duration {
	if c.ElectionTimeoutMax == 0 {
		return 2 * c.ElectionTimeout
	}
	return c.ElectionTimeoutMax
}

// checkQuorumWindow is CheckQuorumWindow, or its default.
func (c *Config) checkQuorumWindow() time.Duration {
	if c.CheckQuorumWindow == 0 {
		return defaultCheckQuorumWindow * c.ElectionTimeout
	}
	return c.CheckQuorumWindow
}

func (c *Config) validate() error {
	switch {
	case c.ID == None:
		return errors.New("raft: config ID must not be 0")
	case c.ElectionTimeout <= 0:
		return fmt.Errorf("raft: ElectionTimeout must be positive, got %v", c.ElectionTimeout)
	case c.ElectionTimeoutMax != 0 && c.ElectionTimeoutMax < c.ElectionTimeout:
		return fmt.Errorf("raft: ElectionTimeoutMax must be at least ElectionTimeout %v (or 0 for 2*ElectionTimeout), got %v", c.ElectionTimeout, c.ElectionTimeoutMax)
	case c.HeartbeatInterval <= 0 || c.HeartbeatInterval >= c.ElectionTimeout:
		return fmt.Errorf("raft: HeartbeatInterval must be in (0, ElectionTimeout), got %v", c.HeartbeatInterval)
	case c.RPCTimeout < 0:
		return fmt.Errorf("raft: RPCTimeout must not be negative (0 is the default), got %v", c.RPCTimeout)
	case c.CheckQuorumWindow != 0 && c.CheckQuorumWindow <= c.HeartbeatInterval:
		return fmt.Errorf("raft: CheckQuorumWindow must be longer than HeartbeatInterval (or 0 for the default), got %v", c.CheckQuorumWindow)
	case c.MaxInflight < 1:
		return fmt.Errorf("raft: MaxInflight must be at least 1, got %d", c.MaxInflight)
	case c.MaxEntriesPerRequest < 1:
		return fmt.Errorf("raft: MaxEntriesPerRequest must be at least 1, got %d", c.MaxEntriesPerRequest)
	case c.CatchupMargin < 0:
		return fmt.Errorf("raft: CatchupMargin must not be negative, got %d", c.CatchupMargin)
	case len(sortedSet(c.Peers)) > MaxVoters:
		return fmt.Errorf("raft: at most %d peers, got %d", MaxVoters, len(sortedSet(c.Peers)))
	case c.ReadOnly == ReadLeaseBased && c.DisablePreVote:
		return errors.New("raft: ReadLeaseBased needs pre-vote: with DisablePreVote a vote request of a higher term deposes a leader during its lease")
	case c.MaxBytesPerRequest < 1:
		return fmt.Errorf("raft: MaxBytesPerRequest must be at least 1, got %d", c.MaxBytesPerRequest)
	}
	return nil
}
