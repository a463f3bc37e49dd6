package sim

import (
	"fmt"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// MaxNodes bounds the cluster size.
const MaxNodes = 9

// Options describe a world. The zero value of every optional field means
// "off" or "the default".
type Options struct {
	// Nodes is the cluster size, 1..MaxNodes.
	Nodes int `json:"nodes"`
	// Seed makes the run; the same seed and interventions give the same run.
	Seed uint64 `json:"seed"`

	// LatencyMin and LatencyMax bound every link's one-way latency, drawn
	// uniformly per message; a link still delivers in order unless it
	// reorders (Reorder) or delays responses.
	LatencyMin time.Duration `json:"latency_min_ns"`
	LatencyMax time.Duration `json:"latency_max_ns"`
	// Loss and Duplicate are every link's loss and duplication probabilities.
	Loss      float64 `json:"loss"`
	Duplicate float64 `json:"duplicate"`
	// Reorder is every link's probability of holding a message back so
	// that later ones overtake it.
	Reorder float64 `json:"reorder"`
	// DiskLatency is how long a write takes to sync; zero syncs at once.
	DiskLatency time.Duration `json:"disk_latency_ns"`

	// ElectionTimeout and HeartbeatInterval are given to every node.
	ElectionTimeout   time.Duration `json:"election_timeout_ns"`
	HeartbeatInterval time.Duration `json:"heartbeat_interval_ns"`
	// ElectionTimeoutMax is given to every node as Config.ElectionTimeoutMax:
	// election timeouts are drawn from [ElectionTimeout, ElectionTimeoutMax),
	// fixed when the two are equal; 0 means 2*ElectionTimeout.
	ElectionTimeoutMax time.Duration `json:"election_timeout_max_ns,omitempty"`
	// RPCTimeout: a request without a response by then fails at its sender
	// (the transport's timeout; a reply that comes later is dropped).
	RPCTimeout time.Duration `json:"rpc_timeout_ns"`
	// DownFailMax: a call to a peer that is down (crashed, or the link
	// cut) when it is made fails after a delay drawn uniformly from
	// [0, DownFailMax] instead of at RPCTimeout, as a real RPC layer's
	// connection attempts do (0 to 7 s were seen). 0: at RPCTimeout.
	DownFailMax time.Duration `json:"down_fail_max_ns"`
	// LateReplies is every link's probability that a reply (never a
	// request) gets an extra delay drawn uniformly from [LateReplyMin,
	// LateReplyMax]: a transport whose replies come back far later than its
	// requests go out (60% of replies 0.2 to 2.2 s late were seen). A link
	// can set its own (LinkConfig.LateReplies).
	LateReplies  float64       `json:"late_replies"`
	LateReplyMin time.Duration `json:"late_reply_min_ns"`
	LateReplyMax time.Duration `json:"late_reply_max_ns"`
	// NodeRPCTimeout and CheckQuorumWindow are given to every node as
	// Config.RPCTimeout and Config.CheckQuorumWindow (0: the core's
	// defaults).
	NodeRPCTimeout    time.Duration `json:"node_rpc_timeout_ns"`
	CheckQuorumWindow time.Duration `json:"check_quorum_window_ns"`
	// MaxInflight bounds each replicator's pipeline and MaxEntries each
	// request (0: the core defaults).
	MaxInflight int `json:"max_inflight"`
	MaxEntries  int `json:"max_entries"`
	// DisablePreVote, BacktrackByTerm and ReadOnly are passed to every node.
	DisablePreVote  bool                `json:"disable_pre_vote"`
	BacktrackByTerm bool                `json:"backtrack_by_term"`
	ReadOnly        raft.ReadOnlyOption `json:"read_only"`
	// SnapshotEvery: a node compacts its log once it applied this many
	// entries past its last snapshot; 0 never compacts.
	SnapshotEvery int `json:"snapshot_every"`

	// Clients is the number of KV clients; 0 runs no workload.
	Clients int `json:"clients"`
	// ClientRate is the total rate of client operations per second.
	ClientRate float64 `json:"client_rate"`
	// Keys is the number of distinct keys clients use.
	Keys int `json:"keys"`
	// ReadIndexReads sends gets through ReadIndex instead of the log.
	ReadIndexReads bool `json:"read_index_reads"`
	// ClientTimeout: a client retries (same sequence number) after this.
	ClientTimeout time.Duration `json:"client_timeout_ns"`
	// ReadOnlySpells, when positive, cuts time into spells of this length
	// and makes every other one read-only: from ReadOnlySpells to
	// 2*ReadOnlySpells, from 3*ReadOnlySpells to 4*ReadOnlySpells, and so
	// on, clients start only gets (a write started earlier may still be
	// retried). Real workloads have such quiet spells, and only in one can
	// followers cut from the leader keep logs as long as the others' (issue
	// 7 (b)). 0: clients write all the time.
	ReadOnlySpells time.Duration `json:"read_only_spells_ns,omitempty"`

	// DisableCheckers turns the safety checkers off (for benchmarks).
	DisableCheckers bool `json:"disable_checkers"`
	// NoCheckpoints: the world takes no checkpoints, so a Seek replays
	// from time zero. For short runs made many times over (raft/sim/experiment
	// runs thousands of trials) that never seek.
	NoCheckpoints bool `json:"no_checkpoints,omitempty"`
}

// DefaultOptions returns a 5-node world with 10–15 ms links and no workload.
func DefaultOptions() Options {
	return Options{
		Nodes:             5,
		Seed:              1,
		LatencyMin:        10 * time.Millisecond,
		LatencyMax:        15 * time.Millisecond,
		ElectionTimeout:   300 * time.Millisecond,
		HeartbeatInterval: 60 * time.Millisecond,
		RPCTimeout:        150 * time.Millisecond,
		Keys:              5,
		ClientTimeout:     time.Second,
	}
}

func (o *Options) validate() error {
	prob := func(p float64) bool { return p >= 0 && p <= 1 }
	switch {
	case o.Nodes < 1 || o.Nodes > MaxNodes:
		return fmt.Errorf("sim: nodes must be between 1 and %d, got %d", MaxNodes, o.Nodes)
	case o.LatencyMin < 0 || o.LatencyMax < o.LatencyMin || o.LatencyMax > time.Minute:
		return fmt.Errorf("sim: latency range [%v, %v] is invalid", o.LatencyMin, o.LatencyMax)
	case !prob(o.Loss) || !prob(o.Duplicate) || !prob(o.Reorder):
		return fmt.Errorf("sim: loss, duplicate and reorder must be probabilities in [0, 1], got %v, %v and %v", o.Loss, o.Duplicate, o.Reorder)
	case o.DiskLatency < 0 || o.DiskLatency > time.Minute:
		return fmt.Errorf("sim: disk latency must be between 0 and 1m, got %v", o.DiskLatency)
	case o.RPCTimeout <= 0:
		return fmt.Errorf("sim: RPC timeout must be positive, got %v", o.RPCTimeout)
	case o.DownFailMax < 0 || o.DownFailMax > time.Minute:
		return fmt.Errorf("sim: down-fail max must be between 0 and 1m, got %v", o.DownFailMax)
	case !prob(o.LateReplies):
		return fmt.Errorf("sim: late replies must be a probability in [0, 1], got %v", o.LateReplies)
	case o.LateReplyMin < 0 || o.LateReplyMax < o.LateReplyMin || o.LateReplyMax > time.Minute:
		return fmt.Errorf("sim: late reply range [%v, %v] is invalid", o.LateReplyMin, o.LateReplyMax)
	case o.SnapshotEvery < 0:
		return fmt.Errorf("sim: snapshot every must not be negative, got %d", o.SnapshotEvery)
	case o.Clients < 0 || o.Clients > 1000:
		return fmt.Errorf("sim: clients must be between 0 and 1000, got %d", o.Clients)
	case o.Clients > 0 && !(o.ClientRate > 0 && o.ClientRate <= 1e5):
		return fmt.Errorf("sim: client rate must be in (0, 100000] ops/s, got %v", o.ClientRate)
	case o.Clients > 0 && (o.Keys < 1 || o.Keys > 1e6):
		return fmt.Errorf("sim: keys must be between 1 and 1000000, got %d", o.Keys)
	case o.Clients > 0 && o.ClientTimeout <= 0:
		return fmt.Errorf("sim: client timeout must be positive, got %v", o.ClientTimeout)
	case o.ReadOnlySpells < 0 || o.ReadOnlySpells > time.Hour:
		return fmt.Errorf("sim: read-only spells must be between 0 and 1h, got %v", o.ReadOnlySpells)
	}
	if _, err := raft.NewNode(0, o.nodeConfig(1, 1), raft.DurableState{}); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}

// nodeConfig is the core config of node id.
func (o *Options) nodeConfig(id raft.NodeID, seed uint64) raft.Config {
	peers := make([]raft.NodeID, o.Nodes)
	for i := range peers {
		peers[i] = raft.NodeID(i + 1)
	}
	cfg := raft.DefaultConfig(id, peers)
	cfg.Seed = seed
	cfg.ElectionTimeout, cfg.HeartbeatInterval = o.ElectionTimeout, o.HeartbeatInterval
	cfg.ElectionTimeoutMax = o.ElectionTimeoutMax
	cfg.DisablePreVote, cfg.BacktrackByTerm, cfg.ReadOnly = o.DisablePreVote, o.BacktrackByTerm, o.ReadOnly
	cfg.RPCTimeout, cfg.CheckQuorumWindow = o.NodeRPCTimeout, o.CheckQuorumWindow
	if o.MaxInflight > 0 {
		cfg.MaxInflight = o.MaxInflight
	}
	if o.MaxEntries > 0 {
		cfg.MaxEntriesPerRequest = o.MaxEntries
	}
	return cfg
}

// readOnlySpell reports whether clients start only reads at t (see
// ReadOnlySpells).
func (o *Options) readOnlySpell(t time.Duration) bool {
	return o.ReadOnlySpells > 0 && (t/o.ReadOnlySpells)%2 == 1
}

// nextReadOnlySpell is when the next read-only spell starts after t, or
// t itself if one starts there. ReadOnlySpells must be positive.
func (o *Options) nextReadOnlySpell(t time.Duration) time.Duration {
	k := (t + o.ReadOnlySpells - 1) / o.ReadOnlySpells // the first spell starting at or after t
	if k%2 == 0 {
		k++
	}
	return k * o.ReadOnlySpells
}
