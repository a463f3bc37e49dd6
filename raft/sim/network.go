package sim

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// link is one directed channel between two nodes. Like a connection, it
// delivers in order: a message never overtakes an earlier one, unless the
// link reorders it or it is a response given extra delay.
type link struct {
	up bool
	// latencyMin and latencyMax bound the one-way latency, drawn uniformly
	// per message.
	latencyMin, latencyMax time.Duration
	// lastArrive is when the latest in-order message on the link arrives.
	lastArrive time.Duration
	// loss and dup are the probabilities that a message is lost or
	// delivered twice; reorder is the probability that it is held back
	// long enough to arrive after messages sent later.
	loss, dup, reorder float64
	// respDelay is the most extra latency a response on this link gets,
	// drawn uniformly per response.
	respDelay time.Duration
	// lateReplies is the probability that a reply on this link is late
	// by Options.LateReplyMin..LateReplyMax.
	lateReplies float64
}

// LinkConfig is what can be set on a link. Nil fields are left alone.
type LinkConfig struct {
	Up         *bool          `json:"up,omitempty"`
	LatencyMin *time.Duration `json:"latency_min_ns,omitempty"`
	LatencyMax *time.Duration `json:"latency_max_ns,omitempty"`
	Loss       *float64       `json:"loss,omitempty"`
	Duplicate  *float64       `json:"duplicate,omitempty"`
	Reorder    *float64       `json:"reorder,omitempty"`
	// ResponseDelay is the most extra latency on responses.
	ResponseDelay *time.Duration `json:"response_delay_ns,omitempty"`
	// LateReplies is the probability that a reply is late by
	// Options.LateReplyMin..LateReplyMax.
	LateReplies *float64 `json:"late_replies,omitempty"`
}

// MsgID names one message in flight.
type MsgID uint64

// wireMsg is a message on its way. wireTable.put sets every field (its
// slot may hold an earlier message's): a new field must be set there.
type wireMsg struct {
	id     MsgID
	msg    raft.Message
	sent   time.Duration
	arrive time.Duration
	// held messages stay on the wire until released.
	held bool
	// gone: the message has left the wire (wireTable reclaims its slot).
	gone bool
	// rec is the number of the message's record in the world's history.
	rec uint64
}

func (w *World) link(from, to raft.NodeID) *link { return &w.links[from-1][to-1] }

// latency draws the one-way latency of m on l: in order after the link's
// earlier messages, plus any reordering or response delay.
func (w *World) latency(l *link, m *raft.Message) time.Duration {
	d := l.latencyMin
	if span := int64(l.latencyMax - l.latencyMin); span > 0 {
		d += time.Duration(w.net.Int64N(span + 1))
	}
	if w.now+d < l.lastArrive {
		d = l.lastArrive - w.now
	}
	l.lastArrive = w.now + d
	if l.reorder > 0 && w.net.Float64() < l.reorder {
		d += time.Duration(w.net.Int64N(int64(2*l.latencyMax + time.Millisecond)))
	}
	if !m.Type.IsRequest() {
		if extra := max(l.respDelay, w.nodes[m.From-1].respDelay); extra > 0 {
			d += time.Duration(w.net.Int64N(int64(extra) + 1))
		}
		d += w.lateReply(l)
	}
	return d
}

// lateReply draws the extra delay the link's LateReplies gives a reply:
// most often none, sometimes far more than any request waits.
func (w *World) lateReply(l *link) time.Duration {
	o := &w.opts
	if l.lateReplies == 0 || w.net.Float64() >= l.lateReplies {
		return 0
	}
	return o.LateReplyMin + time.Duration(w.net.Int64N(int64(o.LateReplyMax-o.LateReplyMin)+1))
}

// failAfter is how long the RPC layer takes to fail a request it cannot
// deliver, or that gets no answer: RPCTimeout, except that a call to a
// peer that is down fails after a drawn delay when Options.DownFailMax is
// set (connection attempts to a dead host take their time).
func (w *World) failAfter(m *raft.Message, down bool) time.Duration {
	if down && w.opts.DownFailMax > 0 {
		return time.Duration(w.net.Int64N(int64(w.opts.DownFailMax) + 1))
	}
	if m.Type == raft.MsgReadIndex {
		// A forwarded read waits for the leader's heartbeat round too.
		return 3 * w.opts.RPCTimeout
	}
	return w.opts.RPCTimeout
}

// send puts message m of node sn's Ready on the link to m.To. A request
// gets its call id written into m itself (the Ready is the world's to use
// until Advance), so that the message is copied only into the tables that
// keep it.
func (w *World) send(sn *simNode, m *raft.Message) {
	if m.To < 1 || int(m.To) > len(w.nodes) {
		return // no such node (as World.node says, without the error)
	}
	to := w.nodes[m.To-1]
	l := w.link(sn.id, to.id)
	if m.Type.IsRequest() {
		w.nextCall++
		m.Call = w.nextCall
		w.calls.add(m.Call, m, sn.id, sn.incarnation, w.now)
		down := !l.up || to.node == nil
		w.scheduleTimeout(w.now+w.failAfter(m, down), m.Call)
	}
	if !l.up {
		w.recordMsg(EvDrop, sn.id, "link down: %s", m)
		w.recordSend(m, 0, 0, LinkDown)
		return
	}
	if l.loss > 0 && w.net.Float64() < l.loss {
		w.recordMsg(EvDrop, sn.id, "lost: %s", m)
		w.recordSend(m, 0, 0, Lost)
		return
	}
	w.put(m, w.latency(l, m))
	if l.dup > 0 && w.net.Float64() < l.dup {
		w.recordMsg(EvDuplicate, sn.id, "duplicated: %s", m)
		w.put(m, w.latency(l, m))
	}
}

// put places a copy of m on the wire, to arrive after latency. m must not
// be on the wire itself (a put may move the messages there).
func (w *World) put(m *raft.Message, latency time.Duration) *wireMsg {
	w.nextMsg++
	rec := w.recordSend(m, w.nextMsg, w.now+latency, InFlight)
	wm := w.wire.put(w.nextMsg, m, w.now, w.now+latency, rec)
	w.recordMsgID(EvSend, m.From, FormatSend, m, wm.id)
	w.schedule(event{at: wm.arrive, kind: evDeliver, id: uint64(wm.id)})
	return wm
}

// deliver hands message id to its receiver, unless it is held or gone.
func (w *World) deliver(id MsgID) {
	wm := w.wire.find(id)
	if wm == nil || wm.held {
		return
	}
	m, rec := wm.msg, wm.rec
	w.wire.remove(wm)
	to := w.nodes[m.To-1]
	if to.node == nil {
		w.recordEnd(rec, id, ReceiverDown)
		w.recordMsgID(EvDrop, m.To, "node down: #%d %s", &m, id)
		return
	}
	if !m.Type.IsRequest() && m.Call != 0 {
		c := w.calls.get(m.Call)
		if c == nil || c.answered {
			// The call was answered already or timed out: the RPC layer
			// drops the late reply.
			w.recordMsgID(EvDrop, m.To, "late reply: #%d %s", &m, id)
			w.recordEnd(rec, id, LateReply)
			return
		}
		c.answered = true
	}
	w.recordMsgID(EvDeliver, m.To, FormatDeliver, &m, id)
	w.recordEnd(rec, id, Delivered)
	w.stepNode(to, func(n *raft.Node) error { return n.Step(w.now, m) })
}

// SetLinkConfig changes the directed link from → to.
func (w *World) SetLinkConfig(from, to raft.NodeID, c LinkConfig) error {
	if err := w.checkLink(from, to); err != nil {
		return err
	}
	if err := c.validate(); err != nil {
		return err
	}
	l := w.link(from, to)
	if c.Up != nil {
		l.up = *c.Up
	}
	if c.LatencyMin != nil {
		l.latencyMin = *c.LatencyMin
	}
	if c.LatencyMax != nil {
		l.latencyMax = *c.LatencyMax
	}
	if l.latencyMax < l.latencyMin {
		l.latencyMax = l.latencyMin
	}
	if c.Loss != nil {
		l.loss = *c.Loss
	}
	if c.Duplicate != nil {
		l.dup = *c.Duplicate
	}
	if c.Reorder != nil {
		l.reorder = *c.Reorder
	}
	if c.ResponseDelay != nil {
		l.respDelay = *c.ResponseDelay
	}
	if c.LateReplies != nil {
		l.lateReplies = *c.LateReplies
	}
	lc := c.clone()
	w.intervene(Intervention{Kind: "link", From: from, To: to, Link: &lc})
	w.record(EvFault, from, FormatLink, num(from), num(to), str(c.String()))
	return nil
}

// clone copies c with pointers of its own, so the caller's variables can
// change without changing a recorded intervention.
func (c LinkConfig) clone() LinkConfig {
	return LinkConfig{Up: clonePtr(c.Up), LatencyMin: clonePtr(c.LatencyMin), LatencyMax: clonePtr(c.LatencyMax),
		Loss: clonePtr(c.Loss), Duplicate: clonePtr(c.Duplicate), Reorder: clonePtr(c.Reorder), ResponseDelay: clonePtr(c.ResponseDelay),
		LateReplies: clonePtr(c.LateReplies)}
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func (c LinkConfig) validate() error {
	for _, p := range []struct {
		name string
		v    *float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}, {"late replies", c.LateReplies}} {
		if p.v != nil && !(*p.v >= 0 && *p.v <= 1) {
			return fmt.Errorf("sim: %s must be a probability in [0, 1], got %v", p.name, *p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    *time.Duration
	}{{"latency min", c.LatencyMin}, {"latency max", c.LatencyMax}, {"response delay", c.ResponseDelay}} {
		if p.v != nil && (*p.v < 0 || *p.v > time.Minute) {
			return fmt.Errorf("sim: %s must be between 0 and 1m, got %v", p.name, *p.v)
		}
	}
	return nil
}

func (c LinkConfig) String() string {
	s := ""
	if c.Up != nil {
		s += map[bool]string{true: " up", false: " down"}[*c.Up]
	}
	if c.LatencyMin != nil || c.LatencyMax != nil {
		s += fmt.Sprintf(" latency=%v..%v", deref(c.LatencyMin), deref(c.LatencyMax))
	}
	if c.Loss != nil {
		s += fmt.Sprintf(" loss=%v", *c.Loss)
	}
	if c.Duplicate != nil {
		s += fmt.Sprintf(" duplicate=%v", *c.Duplicate)
	}
	if c.Reorder != nil {
		s += fmt.Sprintf(" reorder=%v", *c.Reorder)
	}
	if c.ResponseDelay != nil {
		s += fmt.Sprintf(" response-delay=%v", *c.ResponseDelay)
	}
	if c.LateReplies != nil {
		s += fmt.Sprintf(" late-replies=%v", *c.LateReplies)
	}
	if s == "" {
		return "unchanged"
	}
	return s[1:]
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

func (w *World) checkLink(from, to raft.NodeID) error {
	if _, err := w.node(from); err != nil {
		return err
	}
	if _, err := w.node(to); err != nil {
		return err
	}
	if from == to {
		return fmt.Errorf("sim: node %d has no link to itself", from)
	}
	return nil
}

// SetLink cuts (up=false) or heals the directed link from → to.
func (w *World) SetLink(from, to raft.NodeID, up bool) error {
	return w.SetLinkConfig(from, to, LinkConfig{Up: &up})
}

// Partition cuts every link between different groups, both ways, and heals
// links inside a group. Nodes in no group are isolated.
func (w *World) Partition(groups ...[]raft.NodeID) error {
	group := make([]int, len(w.nodes)) // 0: in no group
	for g, ids := range groups {
		for _, id := range ids {
			if _, err := w.node(id); err != nil {
				return err
			}
			if group[id-1] != 0 {
				return fmt.Errorf("sim: node %d is in two groups", id)
			}
			group[id-1] = g + 1
		}
	}
	for i := range w.links {
		for j := range w.links[i] {
			if i != j {
				w.links[i][j].up = group[i] != 0 && group[i] == group[j]
			}
		}
	}
	w.intervene(Intervention{Kind: "partition", Groups: groups})
	w.record(EvFault, raft.None, FormatPartition, str(fmt.Sprint(groups)))
	return nil
}

// Isolate cuts every link to and from node id.
func (w *World) Isolate(id raft.NodeID) error {
	if _, err := w.node(id); err != nil {
		return err
	}
	for i := range w.links {
		if i != int(id-1) {
			w.links[i][id-1].up = false
			w.links[id-1][i].up = false
		}
	}
	w.intervene(Intervention{Kind: "isolate", Node: id})
	w.record(EvFault, id, FormatIsolate, num(id))
	return nil
}

// HealAll brings every link up (latency, loss and delays stay as set).
func (w *World) HealAll() {
	for i := range w.links {
		for j := range w.links[i] {
			w.links[i][j].up = true
		}
	}
	w.intervene(Intervention{Kind: "heal-all"})
	w.record(EvFault, raft.None, FormatHeal)
}

// SetResponseDelay gives every response node id sends up to d extra latency.
func (w *World) SetResponseDelay(id raft.NodeID, d time.Duration) error {
	sn, err := w.node(id)
	if err != nil {
		return err
	}
	if d < 0 || d > time.Minute {
		return fmt.Errorf("sim: response delay must be between 0 and 1m, got %v", d)
	}
	sn.respDelay = d
	w.intervene(Intervention{Kind: "response-delay", Node: id, Delay: d})
	w.recordf(EvFault, id, FormatResponseDelay, id, d)
	return nil
}

// Hold keeps message id on the wire until Release.
func (w *World) Hold(id MsgID) error {
	wm := w.wire.find(id)
	if wm == nil {
		return fmt.Errorf("sim: no message #%d in flight", id)
	}
	wm.held = true
	w.recordHeld(wm)
	w.intervene(Intervention{Kind: "hold", Msg: id})
	w.recordMsgID(EvFault, wm.msg.From, FormatHold, &wm.msg, id)
	return nil
}

// Release lets a held message go on; it arrives at its original time, or
// now if that has passed.
func (w *World) Release(id MsgID) error {
	wm := w.wire.find(id)
	if wm == nil || !wm.held {
		return fmt.Errorf("sim: no held message #%d", id)
	}
	wm.held = false
	wm.arrive = max(wm.arrive, w.now)
	w.recordHeld(wm)
	w.intervene(Intervention{Kind: "release", Msg: id})
	w.recordMsgID(EvFault, wm.msg.From, FormatRelease, &wm.msg, id)
	w.schedule(event{at: wm.arrive, kind: evDeliver, id: uint64(id)})
	return nil
}

// Drop removes message id from the wire.
func (w *World) Drop(id MsgID) error {
	wm := w.wire.find(id)
	if wm == nil {
		return fmt.Errorf("sim: no message #%d in flight", id)
	}
	m := wm.msg
	w.recordEnd(wm.rec, id, DroppedByHand)
	w.wire.remove(wm)
	w.intervene(Intervention{Kind: "drop", Msg: id})
	w.recordMsgID(EvDrop, m.From, "dropped by hand: #%d %s", &m, id)
	return nil
}

// Duplicate puts a second copy of message id on the wire; it returns the
// copy's id.
func (w *World) Duplicate(id MsgID) (MsgID, error) {
	wm := w.wire.find(id)
	if wm == nil {
		return 0, fmt.Errorf("sim: no message #%d in flight", id)
	}
	m := wm.msg
	w.intervene(Intervention{Kind: "duplicate", Msg: id})
	w.recordMsgID(EvDuplicate, m.From, "duplicated by hand: #%d %s", &m, id)
	return w.put(&m, w.latency(w.link(m.From, m.To), &m)).id, nil
}

// Note writes text into the trace in the name of the fault schedule (a
// directed fault saying which step it has reached). It is recorded like
// any other intervention, so a replay writes it too.
func (w *World) Note(node raft.NodeID, text string) {
	w.intervene(Intervention{Kind: "note", Node: node, Data: text})
	w.record(EvFault, node, "%s", str(text))
}

// netRand draws the network's numbers from its PCG stream exactly as a
// rand.Rand on that stream would (Int64N and Float64 are math/rand/v2's,
// whose 32-bit path gives the same numbers as this 64-bit one), but calls
// the PCG directly instead of through rand.Source.
type netRand struct{ src *rand.PCG }

// Int64N returns a number in [0, n), n > 0, as rand.Rand.Int64N does.
func (r netRand) Int64N(n int64) int64 {
	if n <= 0 {
		panic("invalid argument to Int64N")
	}
	u := uint64(n)
	if u&(u-1) == 0 { // a power of two: mask
		return int64(r.src.Uint64() & (u - 1))
	}
	hi, lo := bits.Mul64(r.src.Uint64(), u)
	if lo < u {
		thresh := -u % u
		for lo < thresh {
			hi, lo = bits.Mul64(r.src.Uint64(), u)
		}
	}
	return int64(hi)
}

// Float64 returns a number in [0, 1), as rand.Rand.Float64 does.
func (r netRand) Float64() float64 {
	return float64(r.src.Uint64()<<11>>11) / (1 << 53)
}
