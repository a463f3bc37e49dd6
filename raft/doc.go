// Package raft is a deterministic, clock-free Raft core shaped after
// SOFAJRaft's log replication: a node, one replicator per peer with
// pipelined requests whose responses are handled strictly in seq order, a
// ballot box, a log manager, a snapshot executor, a configuration context
// and a read-only service. The design it implements is described in
// shared/seed/README.md; the names below map its concepts to Go.
//
// # Driving a node
//
// A Node does no I/O, starts no goroutine, reads no clock and draws no
// global randomness. The caller drives it one call at a time and passes the
// current time with every call, as a time.Duration since any fixed origin
// that never goes backwards (virtual time in the simulator, time since start
// in a real loop). The same calls with the same times give the same results
// on every platform. With lease reads the origin must also survive a
// restart (wall-clock time since the Unix epoch, say): the leader tells its
// own requests from those of an earlier leadership by their send times,
// and a reply from before a restart may still be on its way.
//
// Build a node from what its disk holds, an empty DurableState for a new
// node:
//
//	n, err := raft.NewNode(now, cfg, durable)
//
// Then, whenever something happens, make one call:
//
//	n.Step(now, m)                 // a message arrived (request or response)
//	n.Tick(now)                    // a timer is due: now >= n.Deadline()
//	n.Propose(now, data)           // a client command, answered at once
//	n.ReadIndex(now, id)           // a linearizable read; answered by a ReadState
//	n.TransferLeadership(now, id)  // hand leadership to id (None: the most up-to-date)
//	n.ChangePeers(now, voters, learners) // or AddPeer, AddLearner, PromoteLearner, RemovePeer
//	n.Compact(now, index, image)   // the application took a snapshot at index
//	n.ReportRPCError(now, req)     // a request got no response
//
// and carry out what the node asks, in this order:
//
//	for n.HasReady() {
//		rd := n.Ready()
//		// 1. Persist: rd.HardState (term and vote), then rd.Snapshot, then
//		//    the log change (drop durable entries from rd.LogFrom on, write
//		//    rd.Entries). Make it durable.
//		// 2. Send rd.Messages.
//		// 3. Apply: load rd.RestoreSnapshot if set, then rd.Committed in
//		//    order; answer reads from rd.ReadStates once the state machine
//		//    has applied their Index.
//		// 4. Acknowledge:
//		n.Advance(now)
//	}
//	// Then call Tick again at n.Deadline() (rd.Deadline says the same as
//	// of the Ready, before Advance).
//
// Persist before send is what makes a vote or an acknowledgement safe: a
// vote grant leaves in the same Ready as the HardState that records it, and
// a follower's acknowledgement in the same Ready as the entries it
// acknowledges. Ready.Committed holds only entries that are both committed
// and durable. Advance tells the node its entries are durable; only then
// does a leader count its own acknowledgement. Ticking early is harmless;
// ticking late delays elections and heartbeats but breaks nothing.
//
// Ready.Messages is the node's own buffer and is reused by the next call to
// Ready: send or copy the messages before then. The entries a Ready hands
// out (Entries, Committed, a message's Entries) never change, so they may
// be kept; they are usually shared with the log (a run of entries that
// spans two of the log's chunks is copied), so never write to them or
// append to them. In steady replication a node allocates nothing per
// committed command.
//
// A restarted node is rebuilt from its durable state alone: HardState,
// Snapshot and the entries after it, as the caller's disk holds them after
// carrying out every Ready. Commit and applied indexes are not durable; a
// node with a snapshot starts from it (the first Ready hands it out in
// RestoreSnapshot).
//
// # Messages and the RPC layer
//
// A response is made by the receiver's Step of its request and addressed to
// the sender. It echoes the request's Seq, Version and Call, so that any RPC
// layer can return it as the reply of a call (Call is opaque to the core).
// The network may lose, duplicate, delay and reorder messages. A request
// (MsgType.IsRequest) that gets no response must be reported with
// ReportRPCError, for example after a timeout or when the connection is
// refused: a replicator keeps a request in flight until its response or its
// failure comes back, as SOFAJRaft's does.
//
// # Errors
//
// Propose, ReadIndex, TransferLeadership and the membership calls refuse
// with a *NotLeaderError (errors.Is ErrNotLeader) naming the leader when
// one is known; ErrTransferring while a leadership transfer runs;
// ErrConfBusy while a membership change runs; ErrNotReady before a new
// leader has committed an entry of its term; ErrLeaseExpired for a
// lease-based read after the lease ran out. A membership change whose new
// peers do not catch up in time ends with ErrCatchupFail, shown in
// Status().ConfChange.LastErr.
//
// # SOFAJRaft concepts and their Go names
//
//	NodeImpl                        Node
//	NodeImpl.becomeLeader           the leader's start: replicators, ballot box, config entry
//	electionTimer / voteTimer       Status.ElectionDue (randomized in [ElectionTimeout, ElectionTimeoutMax))
//	preVote / RequestVote           MsgPreVote, MsgVote; PreCandidate, Candidate
//	stepDownTimer                   Status.StepDownDue: a leader that hears no quorum steps down
//	ReplicatorGroup, Replicator     one replicator per peer; Status.Replicators (ReplicatorStatus)
//	Replicator.State                StateProbe, StateReplicate, StateSnapshot
//	sendEmptyEntries(false/true)    a probe (MsgApp without entries) / a heartbeat (Message.Heartbeat)
//	fillCommonFields                prevLogIndex, prevLogTerm in Message.Index, Message.LogTerm
//	Inflight, inflights, rpcInFly   Inflight, ReplicatorStatus.Inflights (the last is rpcInFly)
//	reqSeq, requiredNextSeq         Message.Seq, ReplicatorStatus.Seq, RequiredNextSeq
//	pendingResponses                ReplicatorStatus.PendingResponses (at most MaxInflight)
//	stateVersion, resetInflights    Message.Version, ReplicatorStatus.Version
//	consecutiveErrorTimes, block    ReplicatorStatus.ConsecutiveErrors, BlockedUntil (one HeartbeatInterval)
//	lastRpcSendTimestamp            ReplicatorStatus.LastContactSent (refreshed by any answer in the term)
//	RPC timeout of a request        Config.RPCTimeout: the node fails a request in flight that long itself
//	nextIndex                       ReplicatorStatus.NextIndex (MatchIndex is what is known held)
//	hasSucceeded, waitForCaughtUp   a new peer counts as caught up only after a success
//	timeoutNowIndex, TimeoutNow     ReplicatorStatus.TimeoutNowIndex, MsgTimeoutNow
//	BallotBox, Ballot               Status.BallotBox (BallotBoxStatus), Ballot
//	resetPendingIndex, commitAt     BallotBoxStatus.PendingIndex; acknowledgements per index
//	LogManager                      the log: Status.FirstIndex..LastIndex, StableIndex
//	FSMCaller                       the caller applying Ready.Committed
//	SnapshotExecutor                Compact, MsgSnap (InstallSnapshot), Ready.Snapshot
//	ConfigurationCtx, confCtx.flush ConfChangeStatus, ConfStage; the config entry opening a term
//	ReadOnlyService                 ReadIndex, ReadOnlyOption (ReadSafe, ReadLeaseBased)
//
// Config.BacktrackByTerm is not SOFAJRaft's: with it a rejecting follower
// names its conflicting term, and the leader skips that term at once instead
// of stepping nextIndex back one entry per round trip.
//
// Made for transports slower than SOFAJRaft's: a rejected heartbeat counts
// as contact for check-quorum and the lease (SOFAJRaft counts successes
// only), check-quorum has a window of its own (Config.CheckQuorumWindow),
// and a failed or late heartbeat never stalls the pipeline.
//
// # Tests
//
// The package's tests run nodes in an in-memory harness (harness_test.go)
// with a queue of messages the test controls and a fake disk per node.
// Scenario scripts in testdata/*.txt are plain-text commands, each followed
// by the trace it produces; regenerate the expected traces with
//
//	go test ./raft/ -run TestScenarios -rewrite
//
// and review the diff.
package raft
