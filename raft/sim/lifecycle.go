package sim

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/internal/chunk"
)

// This file keeps the recent history views draw: every message's life on
// the wire (sent, where it went, how it ended) and every node's role
// changes, as plain values with no formatted text. Both are part of the
// world, so a world rebuilt by Seek has exactly the history it had then.

// MsgKind says what a message is for, finer than its type: an AppendEntries
// is an append, a heartbeat or a probe, and a response is of its request's
// kind.
type MsgKind uint8

// The kinds of messages.
const (
	KindPreVote MsgKind = iota
	KindVote
	KindAppend
	KindHeartbeat
	KindProbe
	KindSnapshot
	KindTimeoutNow
	KindRead
)

var msgKindNames = [...]string{
	KindPreVote:    "pre-vote",
	KindVote:       "vote",
	KindAppend:     "append",
	KindHeartbeat:  "heartbeat",
	KindProbe:      "probe",
	KindSnapshot:   "snapshot",
	KindTimeoutNow: "timeout-now",
	KindRead:       "read",
}

func (k MsgKind) String() string {
	if int(k) < len(msgKindNames) {
		return msgKindNames[k]
	}
	return "?"
}

// MarshalText makes kinds readable in JSON.
func (k MsgKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// kindOf is the kind of a request.
func kindOf(m *raft.Message) MsgKind {
	switch m.Type {
	case raft.MsgPreVote, raft.MsgPreVoteResp:
		return KindPreVote
	case raft.MsgVote, raft.MsgVoteResp:
		return KindVote
	case raft.MsgApp, raft.MsgAppResp:
		switch {
		case m.Heartbeat:
			return KindHeartbeat
		case len(m.Entries) == 0:
			return KindProbe
		}
		return KindAppend
	case raft.MsgSnap, raft.MsgSnapResp:
		return KindSnapshot
	case raft.MsgTimeoutNow, raft.MsgTimeoutNowResp:
		return KindTimeoutNow
	}
	return KindRead
}

// MsgOutcome is how a message's life ended, or that it has not yet.
type MsgOutcome uint8

// The outcomes.
const (
	InFlight      MsgOutcome = iota // on the wire (perhaps held)
	Delivered                       // handed to its receiver
	LinkDown                        // never left: the link was down
	Lost                            // lost on the link
	ReceiverDown                    // arrived at a crashed node
	LateReply                       // a reply the RPC layer dropped: its call had ended
	DroppedByHand                   // dropped with Drop
)

var outcomeNames = [...]string{
	InFlight:      "in-flight",
	Delivered:     "delivered",
	LinkDown:      "link-down",
	Lost:          "lost",
	ReceiverDown:  "receiver-down",
	LateReply:     "late-reply",
	DroppedByHand: "dropped",
}

func (o MsgOutcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "?"
}

// MarshalText makes outcomes readable in JSON.
func (o MsgOutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// MsgRecord is one message's life.
//
// The one-byte fields come last, so that a record takes 72 bytes: a world
// and each of its checkpoints keep msgKeep of them.
type MsgRecord struct {
	// ID names the message on the wire; 0 for one that never got on it
	// (LinkDown, Lost).
	ID      MsgID       `json:"id"`
	From    raft.NodeID `json:"from"`
	To      raft.NodeID `json:"to"`
	Term    uint64      `json:"term"`
	Entries int         `json:"entries"`
	// Sent is when it left; Arrive when it is (or was) due at the
	// receiver; End when its life ended (zero while in flight).
	Sent    time.Duration `json:"sent_ns"`
	Arrive  time.Duration `json:"arrive_ns"`
	End     time.Duration `json:"end_ns"`
	Outcome MsgOutcome    `json:"outcome"`
	Type    raft.MsgType  `json:"type"`
	Kind    MsgKind       `json:"kind"`
	// Response: a response (its kind is its request's).
	Response bool `json:"response"`
	// Success: a response that accepts (vote granted, entries appended).
	Success bool `json:"success"`
	// Held: on the wire and held there by Hold.
	Held bool `json:"held"`
}

// msgKeep is how many message records a world keeps: about a second of a
// five-node cluster under steady client load, enough for a space-time
// diagram at the speeds a person watches.
const msgKeep = 1024

// roleKeep is how many role changes a world keeps.
const roleKeep = 256

// RoleChange is a node taking a role (or going down) at a time.
type RoleChange struct {
	At   time.Duration `json:"at_ns"`
	Node raft.NodeID   `json:"node"`
	// Up is false when the node crashed; Role and Term are then its last.
	Up   bool      `json:"up"`
	Role raft.Role `json:"role"`
	Term uint64    `json:"term"`
}

// history is the world's recent message lives and role changes, each in a
// ring that overwrites its oldest entry.
//
// A clone (a checkpoint, or a world Seek starts from one) keeps only the
// newest msgCloned message records, as a Trace's clone keeps no recent
// events: under client load the ring wraps in about a second, so with
// checkpoints every two seconds, sharing the ring saved nothing (the world
// copied every chunk of it as it wrapped, a quarter of all the bytes a
// busy world allocated). Seek makes up the rest by replaying from an
// earlier checkpoint when the messages after the one it starts from do not
// (complete).
type history struct {
	// msgs[i/msgChunk][i%msgChunk], for i = n%msgKeep, is record number n
	// (counted from 0) for the last held() records, from..nmsgs-1 at most;
	// nmsgs counts the records ever made, and from is the first this
	// history holds. A chunk is allocated when first written; a clone's
	// chunks are its own.
	msgs  []*[msgChunk]MsgRecord
	nmsgs uint64
	from  uint64
	// roles are the latest role changes, oldest first: from roleKeep to
	// 2*roleKeep of them once that many were made. In chunks shared
	// between clones, as roles change rarely: a checkpoint copies nothing
	// until the next change.
	roles chunk.Seq[RoleChange]
}

// msgChunk is the number of records per chunk of the ring.
const msgChunk = 64

// msgCloned is how many of the newest message records a clone keeps: half
// the ring halves what a checkpoint copies, and a seek then needs only
// msgKeep-msgCloned messages after the checkpoint it starts from (about
// half a second of a busy world) to fill the ring again.
const msgCloned = msgKeep / 2

// clone returns a history with h's role changes and its newest msgCloned
// message records (see history).
func (h *history) clone() history {
	c := history{nmsgs: h.nmsgs, from: h.nmsgs - min(h.held(), msgCloned), roles: h.roles.Clone()}
	if c.from == c.nmsgs {
		return c
	}
	c.msgs = make([]*[msgChunk]MsgRecord, msgKeep/msgChunk)
	// Every chunk holding a record from c.from on, whole: h holds those
	// chunks, as it holds their records.
	for n := c.from &^ (msgChunk - 1); n < c.nmsgs; n += msgChunk {
		i := n % msgKeep / msgChunk
		ch := *h.msgs[i]
		c.msgs[i] = &ch
	}
	return c
}

// held is the number of message records the ring holds.
func (h *history) held() uint64 { return min(h.nmsgs-h.from, msgKeep) }

// complete reports whether the ring holds the last msgKeep records (or
// every record, when there have been fewer): whether a world rebuilt from
// a clone shows the same messages as the world it was cloned from.
func (h *history) complete() bool { return holdsLast(h.nmsgs, h.from, msgKeep) }

// holdsLast reports whether a ring that keeps the items from..total-1 of
// all a run made (the latest keep of them at most) holds the last keep, or
// all of them when there were fewer: whether a world rebuilt from a
// checkpoint shows what the world it was copied from showed.
func holdsLast(total, from, keep uint64) bool { return total-from >= min(total, keep) }

// at returns record number n; it must be in the ring.
func (h *history) at(n uint64) *MsgRecord {
	i := n % msgKeep
	return &h.msgs[i/msgChunk][i%msgChunk]
}

// addMsg makes the next record, for the caller to fill in place, and
// returns it and its number, for updates.
func (h *history) addMsg() (*MsgRecord, uint64) {
	n := h.nmsgs
	h.nmsgs++
	if h.msgs == nil {
		h.msgs = make([]*[msgChunk]MsgRecord, msgKeep/msgChunk)
	}
	i := n % msgKeep
	ch := h.msgs[i/msgChunk]
	if ch == nil {
		ch = new([msgChunk]MsgRecord)
		h.msgs[i/msgChunk] = ch
	}
	return &ch[i%msgChunk], n
}

// find returns record number n if the ring still holds it and it is
// message id's; else nil.
func (h *history) find(n uint64, id MsgID) *MsgRecord {
	if n >= h.nmsgs || h.nmsgs-n > h.held() || h.at(n).ID != id {
		return nil
	}
	return h.at(n)
}

func (h *history) addRole(rc RoleChange) {
	h.roles.Append(rc)
	if n := h.roles.Len(); n > 2*roleKeep {
		h.roles.DropFront(n - roleKeep)
	}
}

// recordSend records message m leaving now. A message that gets on the
// wire (id != 0) arrives at arrive; one that does not ends now with out.
func (w *World) recordSend(m *raft.Message, id MsgID, arrive time.Duration, out MsgOutcome) uint64 {
	kind := kindOf(m)
	if m.Type == raft.MsgAppResp {
		// A response's kind is its request's: the call still waits for it.
		if c := w.calls.get(m.Call); c != nil {
			kind = kindOf(&c.req)
		}
	}
	end := time.Duration(0)
	if out != InFlight {
		end, arrive = w.now, w.now
	}
	// Written in place, as recordOf would make it.
	r, n := w.hist.addMsg()
	*r = MsgRecord{ID: id, Type: m.Type, Kind: kind, From: m.From, To: m.To, Term: m.Term,
		Entries: len(m.Entries), Response: !m.Type.IsRequest(), Success: m.Success,
		Sent: w.now, Arrive: arrive, End: end, Outcome: out}
	return n
}

// recordEnd records that the life of message id (record number n) ended
// now with out.
func (w *World) recordEnd(n uint64, id MsgID, out MsgOutcome) {
	if r := w.hist.find(n, id); r != nil {
		r.End, r.Outcome, r.Held = w.now, out, false
	}
}

// recordHeld records that message wm is held (or released, to arrive at
// its arrival time).
func (w *World) recordHeld(wm *wireMsg) {
	if r := w.hist.find(wm.rec, wm.id); r != nil {
		r.Held, r.Arrive = wm.held, wm.arrive
	}
}

// MessageLog appends to buf the records of the messages whose life ended
// at or after since, or goes on, oldest first, and returns it. It
// allocates nothing when buf is large enough.
func (w *World) MessageLog(since time.Duration, buf []MsgRecord) []MsgRecord {
	h := &w.hist
	for n := h.nmsgs - h.held(); n < h.nmsgs; n++ {
		if r := h.at(n); r.Outcome == InFlight || r.End >= since {
			buf = append(buf, *r)
		}
	}
	return buf
}

// RoleLog appends to buf the role changes the world still keeps (the last
// roleKeep), oldest first, and returns it.
func (w *World) RoleLog(buf []RoleChange) []RoleChange {
	h := &w.hist
	n := h.roles.Len()
	return h.roles.AppendTo(buf, n-min(n, roleKeep), n)
}

// InFlight returns message id as it is on the wire, with its record.
func (w *World) InFlight(id MsgID) (raft.Message, MsgRecord, bool) {
	wm := w.wire.find(id)
	if wm == nil {
		return raft.Message{}, MsgRecord{}, false
	}
	if r := w.hist.find(wm.rec, id); r != nil {
		return wm.msg, *r, true
	}
	// The ring has moved on past its record: what the wire still knows.
	rec := recordOf(&wm.msg, id, wm.sent, wm.arrive)
	rec.Held = wm.held
	return wm.msg, rec, true
}

// recordOf is the record of message m (id) sent at sent, due at arrive,
// still in flight.
func recordOf(m *raft.Message, id MsgID, sent, arrive time.Duration) MsgRecord {
	return MsgRecord{ID: id, Type: m.Type, Kind: kindOf(m), From: m.From, To: m.To, Term: m.Term,
		Entries: len(m.Entries), Response: !m.Type.IsRequest(), Success: m.Success,
		Sent: sent, Arrive: arrive}
}
