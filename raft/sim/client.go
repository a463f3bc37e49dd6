package sim

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/internal/chunk"
	"github.com/raftplayground/raftplayground/raft/kv"
)

// This file is the KV workload: clients that find the leader, retry with the
// same sequence number, and record every call for the linearizability check.

// retryDelay is how long a client waits before trying another node.
const retryDelay = 20 * time.Millisecond

// HistoryOp is one client call, as the linearizability checker sees it.
type HistoryOp struct {
	Client uint64 `json:"client"`
	Seq    uint64 `json:"seq"`
	Op     kv.Op  `json:"op"`
	Key    string `json:"key"`
	// Value is the value written (put, append) or read (get).
	Value string `json:"value"`
	// Call and Return are when the call was made and answered; Done is
	// false when no answer came (a write may or may not have happened).
	Call   time.Duration `json:"call_ns"`
	Return time.Duration `json:"return_ns"`
	Done   bool          `json:"done"`
	// Index is the log index that answered (0 for a ReadIndex read).
	Index uint64 `json:"index"`
}

// text is the call as text, e.g. put k1="1" or get k1.
func (op *HistoryOp) text() string {
	if op.Op == kv.OpGet {
		return "get " + op.Key
	}
	return fmt.Sprintf("%s %s=%q", op.Op, op.Key, op.Value)
}

// workload drives the clients.
type workload struct {
	w       *World
	clients []*client
	// history holds finished calls, then unfinished ones are added by
	// History. In chunks, so that checkpoints share it.
	history  chunk.Seq[HistoryOp]
	nextRead uint64
	// keys are the key names made so far (key). Clones share it with its
	// capacity cut: it only grows, and its elements never change.
	keys []string
	// acked is the highest log index that answered a client.
	acked uint64
	// attemptsAt[id] counts the clients whose latest attempt went to node
	// id (client.node), so that waitsAt answers at once for a node no
	// client went to: most nodes that apply are followers, and clients
	// go to the leader.
	attemptsAt [MaxNodes + 1]int32
	// enc holds the encoded commands of the latest calls (encode): one
	// array for many, as nothing writes a command once proposed. A clone
	// starts its own, so that neither writes where the other has.
	enc []byte
	// held: no client starts a new call; one due to waits an election
	// timeout and looks again (calls in progress go on). The swarm holds
	// its clients while it restores the membership, when that takes long
	// (Swarm.restoreMembership).
	held bool
}

// encChunk is the size of the arrays encode puts commands in.
const encChunk = 4 << 10

// client has at most one call outstanding.
type client struct {
	id     uint64
	seq    uint64
	target raft.NodeID // the node it believes leads
	op     *HistoryOp  // the call in progress (&call), or nil
	// call holds the call in progress, so that a call allocates none.
	call HistoryOp
	// data is the call's command as proposed (kv.Command.Encode): made
	// at its first proposal, and proposed again by each retry.
	data []byte
	gen  uint64 // bumped on every attempt
	// timeouts counts the call's attempts that timed out; each doubles the
	// next attempt's timeout (up to 4 times), so a congested cluster is
	// not buried under retries.
	timeouts int
	// The attempt in progress.
	node         raft.NodeID
	index, term  uint64 // a proposal waiting to be applied at node
	readID       uint64 // a ReadIndex read waiting for its read state
	readIndex    uint64 // a read waiting for node to apply readIndex
	waitingApply bool
	// readFloor is the highest index any node knew committed when readID
	// was issued (the read-index check).
	readFloor uint64
	// byHand marks a client made for one call by hand (World.Put, Append,
	// Get): it makes no further calls of its own.
	byHand bool
}

func newWorkload(w *World) *workload {
	wl := &workload{w: w}
	for i := range w.opts.Clients {
		c := &client{id: uint64(i + 1), target: raft.NodeID(w.clients.IntN(len(w.nodes)) + 1)}
		wl.clients = append(wl.clients, c)
		w.timers.add()
		wl.think(i)
	}
	return wl
}

// think schedules client i's next call.
func (wl *workload) think(i int) {
	c := wl.clients[i]
	c.gen++
	if c.byHand {
		wl.w.stopTimer(wl.w.clientTimer(i)) // its last attempt's timeout has nothing to retry
		return
	}
	// The rate is shared by the workload's own clients, not by those made
	// for a call by hand (which come after them). While newWorkload is
	// still adding clients it counts those made so far: each client's
	// first call comes sooner than the rate says, a quirk every recorded
	// run and scenario depends on.
	perClient := wl.w.opts.ClientRate / float64(min(len(wl.clients), wl.w.opts.Clients))
	d := time.Duration(wl.w.clients.ExpFloat64() / perClient * float64(time.Second))
	wl.w.setTimer(wl.w.clientTimer(i), wl.w.now+d)
}

// timer fires client i's timer: start a call, or retry one that timed out
// or was redirected.
func (wl *workload) timer(i int) {
	c := wl.clients[i]
	if c.op == nil && wl.held {
		wl.w.setTimer(wl.w.clientTimer(i), wl.w.now+wl.w.opts.ElectionTimeout)
		return
	}
	if c.op == nil {
		wl.startCall(c)
	} else if c.waitingApply || c.readID != 0 || c.readIndex != 0 {
		c.timeouts++ // the attempt timed out
	}
	wl.attempt(i)
}

func (wl *workload) startCall(c *client) {
	r := wl.w.clients
	c.seq++
	c.call = HistoryOp{Client: c.id, Seq: c.seq, Key: wl.key(r.IntN(wl.w.opts.Keys)), Call: wl.w.now}
	op := &c.call
	kind := r.IntN(3)
	if wl.w.opts.readOnlySpell(wl.w.now) {
		kind = 0
	}
	switch kind {
	case 0:
		op.Op = kv.OpGet
	case 1:
		op.Op, op.Value = kv.OpPut, callValue(c.id, c.seq, "")
	default:
		op.Op, op.Value = kv.OpAppend, callValue(c.id, c.seq, ",")
	}
	c.op, c.data = op, nil
	wl.w.record(EvClient, raft.None, FormatClientCall, num(c.id), num(c.seq), str(op.Op.String()), str(op.Key), str(op.Value))
}

// key returns the name of key number i, k0, k1 and so on: made once per
// key, as every call names one.
func (wl *workload) key(i int) string {
	for len(wl.keys) <= i {
		wl.keys = append(wl.keys, "k"+strconv.Itoa(len(wl.keys)))
	}
	return wl.keys[i]
}

// callValue is the value call seq of client id writes, c<id>s<seq>, then
// suffix, made in one allocation.
func callValue(id, seq uint64, suffix string) string {
	var buf [48]byte
	b := append(buf[:0], 'c')
	b = strconv.AppendUint(b, id, 10)
	b = append(b, 's')
	b = strconv.AppendUint(b, seq, 10)
	return string(append(b, suffix...))
}

// attempt sends client i's call to the node it believes leads.
func (wl *workload) attempt(i int) {
	c := wl.clients[i]
	w := wl.w
	c.gen++
	gen := c.gen
	c.index, c.term, c.readID, c.readIndex, c.waitingApply = 0, 0, 0, 0, false
	if c.node != raft.None { // none before the client's first attempt
		wl.attemptsAt[c.node]--
	}
	c.node = c.target
	wl.attemptsAt[c.node]++
	sn := w.nodes[c.node-1]
	if sn.node == nil {
		wl.redirect(i, raft.None, retryDelay)
		return
	}
	var err error
	if c.op.Op == kv.OpGet && w.opts.ReadIndexReads {
		wl.nextRead++
		c.readID = wl.nextRead
		if w.checker != nil {
			c.readFloor = w.checker.commitKnown
		}
		err = w.stepNode(sn, func(n *raft.Node) error { return n.ReadIndex(w.now, c.readID) })
	} else {
		if c.data == nil {
			c.data = wl.encode(kv.Command{ClientID: c.id, Seq: c.op.Seq, Op: c.op.Op, Key: c.op.Key, Value: c.op.Value})
		}
		err = w.stepNode(sn, func(n *raft.Node) error {
			var err error
			c.index, c.term, err = n.Propose(w.now, c.data)
			return err
		})
		c.waitingApply = err == nil
		if err == nil && c.byHand {
			w.proposals = append(w.proposals, ProposalRecord{Proposal: Proposal{Leader: c.node, Index: c.index, Term: c.term},
				At: w.now, Data: c.op.text(), Call: ClientCall(c.id)})
		}
	}
	switch nl, notLeader := asNotLeader(err); {
	case notLeader:
		wl.redirect(i, nl.Leader, 0)
	case err != nil:
		wl.redirect(i, c.target, retryDelay)
	default:
		timeout := w.opts.ClientTimeout << min(c.timeouts, 2)
		if c.gen == gen {
			w.setTimer(w.clientTimer(i), w.now+timeout)
		} else {
			// The call was answered at once (a lease read) and the next
			// one is planned already: whichever of the two timers is due
			// first fires, and the attempt it makes retires the other.
			w.setTimerIfEarlier(w.clientTimer(i), w.now+timeout)
		}
	}
}

// encode returns cmd encoded, in the workload's array enc (a new one
// when it is full), with its capacity cut.
func (wl *workload) encode(cmd kv.Command) []byte {
	if need := cmd.EncodedLenMax(); cap(wl.enc)-len(wl.enc) < need {
		wl.enc = make([]byte, 0, max(encChunk, need))
	}
	start := len(wl.enc)
	wl.enc = cmd.AppendEncoded(wl.enc)
	return wl.enc[start:len(wl.enc):len(wl.enc)]
}

// asNotLeader returns the NotLeaderError in err's chain, if any. The
// variable errors.As fills lives on the heap, so only an error pays for it.
func asNotLeader(err error) (*raft.NotLeaderError, bool) {
	if err == nil {
		return nil, false
	}
	var nl *raft.NotLeaderError
	ok := errors.As(err, &nl)
	return nl, ok
}

// redirect retries the call at leader (or the next node) after delay.
func (wl *workload) redirect(i int, leader raft.NodeID, delay time.Duration) {
	c := wl.clients[i]
	if leader == raft.None {
		leader = c.target%raft.NodeID(len(wl.w.nodes)) + 1
		delay = max(delay, retryDelay)
	}
	c.target = leader
	c.gen++
	c.waitingApply, c.readID, c.readIndex = false, 0, 0
	wl.w.setTimer(wl.w.clientTimer(i), wl.w.now+delay)
}

// waitsAt reports whether a client waits at node id for an entry to
// apply or for its applied index to reach a read index: whether applied
// has anything to do there.
func (wl *workload) waitsAt(id raft.NodeID) bool {
	if wl == nil || wl.attemptsAt[id] == 0 {
		return false
	}
	for _, c := range wl.clients {
		if c.op != nil && c.node == id && (c.waitingApply || c.readIndex != 0) {
			return true
		}
	}
	return false
}

// applied is called for every entry a node applies while waitsAt says a
// client waits there.
func (wl *workload) applied(sn *simNode, e *raft.Entry, res kv.Result, err error) {
	for i, c := range wl.clients {
		if c.op == nil || c.node != sn.id {
			continue
		}
		switch {
		case c.waitingApply && c.index == e.Index:
			if e.Term != c.term || err != nil {
				// Another entry took the index: the proposal was lost.
				wl.redirect(i, sn.node.Leader(), 0)
				continue
			}
			if c.op.Op == kv.OpGet {
				c.op.Value = res.Value
			}
			wl.finish(i, e.Index)
		case c.readIndex != 0 && sn.store.AppliedIndex() >= c.readIndex:
			wl.finishRead(i, sn)
		}
	}
}

// readState answers a ReadIndex read.
func (wl *workload) readState(sn *simNode, rs raft.ReadState) {
	if wl == nil {
		return
	}
	for i, c := range wl.clients {
		if c.op == nil || c.node != sn.id || c.readID != rs.ID {
			continue
		}
		c.readID = 0
		if rs.Err != "" {
			wl.redirect(i, sn.node.Leader(), retryDelay)
			return
		}
		if ck := wl.w.checker; ck != nil {
			ck.reads = append(ck.reads, answeredRead{client: c.id, readID: rs.ID, node: sn.id, index: rs.Index, floor: c.readFloor})
		}
		c.readIndex = max(rs.Index, 1)
		if sn.store.AppliedIndex() >= c.readIndex {
			wl.finishRead(i, sn)
		}
		return
	}
}

func (wl *workload) finishRead(i int, sn *simNode) {
	c := wl.clients[i]
	c.op.Value, _ = sn.store.Get(c.op.Key)
	wl.finish(i, 0)
}

// finish records client i's call as answered now.
func (wl *workload) finish(i int, index uint64) {
	c := wl.clients[i]
	op := c.op
	op.Return, op.Done, op.Index = wl.w.now, true, index
	wl.acked = max(wl.acked, index)
	wl.history.Append(*op)
	wl.w.record(EvClient, raft.None, FormatClientReturn, num(c.id), num(op.Seq), str(op.Op.String()), str(op.Key), str(op.Value))
	c.op, c.data = nil, nil
	c.timeouts = 0
	c.target = c.node
	wl.think(i)
}

// History returns every client call so far, answered ones first; calls
// still waiting are included with Done false.
func (w *World) History() []HistoryOp {
	if w.workload == nil {
		return nil
	}
	var h []HistoryOp
	if hist := &w.workload.history; hist.Len() > 0 {
		h = hist.AppendTo(make([]HistoryOp, 0, hist.Len()+len(w.workload.clients)), 0, hist.Len())
	}
	for _, c := range w.workload.clients {
		if c.op != nil {
			h = append(h, *c.op)
		}
	}
	return h
}
