package sim

import (
	"strconv"
	"strings"

	"github.com/raftplayground/raftplayground/raft"
)

// The formats of the trace events a reader may want to phrase its own way
// (the page's event feed does): a Record carries its format and the values
// that fill it, in this order. Each comment names the arguments.
const (
	// FormatWorld: seed, nodes.
	FormatWorld = "seed=%d nodes=%d"
	// FormatRole: old role, old term, new role, new term.
	FormatRole = "%s term %d -> %s term %d"
	// FormatElected: as FormatRole (the new role is leader), then the ids
	// of the voters that elected it, separated by spaces.
	FormatElected = "%s term %d -> %s term %d, elected by %s"

	// FormatReplicatorStarted: leader, peer, state.
	FormatReplicatorStarted = "replicator %d->%d started in %s"
	// FormatReplicatorState: leader, peer, old state, new state.
	FormatReplicatorState = "replicator %d->%d %s -> %s"
	// FormatReplicatorReset: leader, peer, old version, new version.
	FormatReplicatorReset = "replicator %d->%d reset: version %d -> %d, requests in flight forgotten"
	// FormatRepair: leader, peer, nextIndex before, nextIndex after, the
	// reason (raft.RepairReason's text), the rejected request's
	// prevLogIndex and the leader's term there, the follower's last index
	// and its term at prevLogIndex (0: its log ends before).
	FormatRepair = "replicator %d->%d nextIndex %d -> %d: %s (rejected entry %d of term %d; the follower's last index is %d, its term there %d)"
	// FormatReplicatorBlocked: leader, peer.
	FormatReplicatorBlocked = "replicator %d->%d blocked after an RPC error"
	// FormatReplicatorDestroyed: leader, peer.
	FormatReplicatorDestroyed = "replicator %d->%d destroyed"

	// FormatCrash, FormatCrashLost (a write not yet synced was lost) and
	// FormatRestart: no arguments; the event's node.
	FormatCrash     = "crash"
	FormatCrashLost = "crash (an unsynced write is lost)"
	FormatRestart   = "restart"
	// FormatLink: from, to, the link's settings as text ("down", "up", ...).
	FormatLink = "link %d->%d: %s"
	// FormatPartition: the groups as text, e.g. "[[1 2] [3 4 5]]".
	FormatPartition = "partition %s"
	// FormatIsolate: the node.
	FormatIsolate = "isolate node %d"
	// FormatHeal: no arguments.
	FormatHeal = "heal all links"
	// FormatResponseDelay: the node, the delay (a time.Duration).
	FormatResponseDelay = "responses from node %d delayed up to %v"
	// FormatHold and FormatRelease: the message's id, then the message.
	FormatHold    = "hold #%d %s"
	FormatRelease = "release #%d %s"
	// FormatTransfer: from, to.
	FormatTransfer = "transfer leadership from %d to %d"
	// FormatChangePeers: voters and learners as text, e.g. "[1 2 3]".
	FormatChangePeers = "change peers to voters %v learners %v"

	// FormatClientCall and FormatClientReturn: client, call number, op,
	// key, value. FormatHandCall: the same, for a call made by hand.
	FormatClientCall   = "client %d call %d: %s %s %q"
	FormatHandCall     = "client %d call %d by hand: %s %s %q"
	FormatClientReturn = "client %d return %d: %s %s %q"
	// FormatPropose: the data ([]byte), index, term.
	FormatPropose = "propose %q -> index %d term %d"

	// FormatSend and FormatDeliver: the message's id, then the message.
	FormatSend    = "#%d %s"
	FormatDeliver = "#%d %s"
	// FormatNoResponse: the request that got no response.
	FormatNoResponse = "no response: %s"
)

// idList writes ids separated by spaces, e.g. "1 2 4".
func idList(ids []raft.NodeID) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(uint64(id), 10))
	}
	return b.String()
}
