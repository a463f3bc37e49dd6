package raft

import (
	"fmt"
	"time"
)

// NodeID names a node of the cluster. Zero means "no node" (no vote, no leader).
type NodeID uint64

// None is the NodeID of nobody: no vote cast, no leader known.
const None NodeID = 0

// MsgType is the kind of a Message.
type MsgType uint8

// The messages nodes exchange. Every request names its response type; a
// response is made by the receiver's Step of the request and echoes the
// request's Seq, Version and Call so the sender (or an RPC layer) can match it.
const (
	MsgInvalid MsgType = iota
	// MsgPreVote asks whether the receiver would vote for the sender in
	// Term (the sender's term + 1) without anyone changing term.
	MsgPreVote
	MsgPreVoteResp
	// MsgVote is a real vote request (RequestVote in the Raft paper).
	MsgVote
	MsgVoteResp
	// MsgApp is AppendEntries: a probe (no entries), a batch of entries,
	// or a heartbeat (Heartbeat set; never recorded as in flight).
	MsgApp
	MsgAppResp
	// MsgSnap is InstallSnapshot.
	MsgSnap
	MsgSnapResp
	// MsgTimeoutNow tells a caught-up follower to start an election now
	// (leadership transfer).
	MsgTimeoutNow
	MsgTimeoutNowResp
	// MsgReadIndex forwards a follower's read to the leader (Context is
	// the read's id); the response carries the read index in Index.
	MsgReadIndex
	MsgReadIndexResp
)

var msgTypeNames = [...]string{
	MsgInvalid:        "Invalid",
	MsgPreVote:        "PreVote",
	MsgPreVoteResp:    "PreVoteResp",
	MsgVote:           "Vote",
	MsgVoteResp:       "VoteResp",
	MsgApp:            "AppendEntries",
	MsgAppResp:        "AppendEntriesResp",
	MsgSnap:           "InstallSnapshot",
	MsgSnapResp:       "InstallSnapshotResp",
	MsgTimeoutNow:     "TimeoutNow",
	MsgTimeoutNowResp: "TimeoutNowResp",
	MsgReadIndex:      "ReadIndex",
	MsgReadIndexResp:  "ReadIndexResp",
}

// String returns the type's name, as the trace shows it.
func (t MsgType) String() string {
	if int(t) < len(msgTypeNames) {
		return msgTypeNames[t]
	}
	return fmt.Sprintf("MsgType(%d)", uint8(t))
}

// MarshalText makes message types readable in JSON.
func (t MsgType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// dropRefs clears the fields of m that reference memory: its entries and
// its snapshot. Keep it in step with Message's fields.
func (m *Message) dropRefs() { m.Entries, m.Snapshot = nil, nil }

// replyTo starts the response to request m: addressed to its sender, with
// what the sender needs to match it. Every response echoes the RPC layer's
// Call; those of AppendEntries and InstallSnapshot also echo prevLogIndex,
// seq and version (seed §4), and a heartbeat's send time and read round.
func replyTo(m *Message) Message {
	r := Message{Type: m.Type.Response(), To: m.From, Call: m.Call}
	if m.Type == MsgApp || m.Type == MsgSnap {
		r.Index, r.Seq, r.Version = m.Index, m.Seq, m.Version
		r.Heartbeat, r.SentAt, r.Context = m.Heartbeat, m.SentAt, m.Context
	}
	return r
}

// reply adds to the outbox the response to request m, as replyTo starts it
// and stamped as send stamps a message, and returns it for the caller to
// complete in place: a follower answers every AppendEntries, and building
// the response aside copied it once more. The pointer is valid until the
// next message is sent, and the response goes out in the order reply was
// called.
func (n *Node) reply(m *Message) *Message {
	n.msgs = append(n.msgs, Message{})
	r := &n.msgs[len(n.msgs)-1]
	r.Type, r.From, r.To, r.Term, r.Call = m.Type.Response(), n.id, m.From, n.term, m.Call
	if m.Type == MsgApp || m.Type == MsgSnap {
		r.Index, r.Seq, r.Version = m.Index, m.Seq, m.Version
		r.Heartbeat, r.SentAt, r.Context = m.Heartbeat, m.SentAt, m.Context
	}
	return r
}

// IsRequest reports whether messages of this type expect a response.
func (t MsgType) IsRequest() bool { return requestTypes>>t&1 != 0 }

// requestTypes has bit t set for each request type t. A bit test instead
// of a switch: a driver asks about every message, requests and responses
// alternate, and the switch's branches were mispredicted about as often
// as they were taken.
const requestTypes uint64 = 1<<MsgPreVote | 1<<MsgVote | 1<<MsgApp | 1<<MsgSnap | 1<<MsgTimeoutNow | 1<<MsgReadIndex

// Response is the type of the response to a request of type t.
func (t MsgType) Response() MsgType {
	if t.IsRequest() {
		return t + 1
	}
	return MsgInvalid
}

// EntryType is the kind of a log entry.
type EntryType uint8

const (
	// EntryNormal carries a client command for the state machine.
	EntryNormal EntryType = iota
	// EntryConfig carries a cluster configuration. A new leader appends one
	// as the first entry of its term (SOFAJRaft's confCtx.flush), which
	// also serves as Raft's no-op.
	EntryConfig
)

// String returns "normal" or "config".
func (t EntryType) String() string {
	if t == EntryConfig {
		return "config"
	}
	return "normal"
}

// MarshalText makes entry types readable in JSON.
func (t EntryType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Entry is one log entry.
type Entry struct {
	// Index is the entry's position in the log, from 1.
	Index uint64 `json:"index"`
	// Term is the term of the leader that created the entry.
	Term uint64 `json:"term"`
	// Type says whether Data or Conf is set.
	Type EntryType `json:"type"`
	// Data is the command of a normal entry.
	Data []byte `json:"data,omitempty"`
	// Conf is the configuration of a config entry.
	Conf *ConfigState `json:"conf,omitempty"`
}

// Size is the entry's weight for MaxBytesPerRequest.
func (e *Entry) Size() int { return len(e.Data) + 16 }

// Message is what nodes send each other. Fields not used by a type are zero.
type Message struct {
	// Type says which of the fields below are used.
	Type MsgType `json:"type"`
	// From is the sender; Step fills it in for messages it sends.
	From NodeID `json:"from"`
	// To is the receiver.
	To NodeID `json:"to"`
	// Term is the sender's term (for MsgPreVote: the term it would stand in).
	Term uint64 `json:"term"`

	// LogTerm is, for votes, the candidate's last log term; for MsgApp,
	// prevLogTerm; for MsgSnap, the snapshot's term; in a rejected
	// MsgAppResp, the follower's term at prevLogIndex (see RejectHint).
	LogTerm uint64 `json:"log_term,omitempty"`
	// Index is, for votes, the candidate's last log index; for MsgApp,
	// prevLogIndex (echoed in the response); for MsgSnap, the snapshot's
	// index; for MsgReadIndexResp, the read index.
	Index uint64 `json:"index,omitempty"`
	// Entries carried by a MsgApp.
	Entries []Entry `json:"entries,omitempty"`
	// Commit is the leader's committed index (MsgApp).
	Commit uint64 `json:"commit,omitempty"`
	// Heartbeat marks a MsgApp sent by the heartbeat timer.
	Heartbeat bool `json:"heartbeat,omitempty"`
	// SentAt is when a MsgApp (heartbeat, probe or append), MsgSnap or
	// MsgTimeoutNow left its leader, by the leader's clock; echoed in the
	// response so the leader knows how fresh the follower's answer is, even
	// one that comes too late to be handled. A transfer's MsgVote carries
	// its TimeoutNow's (see TransferFrom).
	SentAt time.Duration `json:"sent_at_ns,omitempty"`
	// TransferFrom, in a MsgVote, is the leader whose TimeoutNow started
	// the campaign: followers still bound to that leader grant it anyway,
	// unless they handled a request it sent after the TimeoutNow (lease.go).
	TransferFrom NodeID `json:"transfer_from,omitempty"`
	// Snapshot carried by a MsgSnap.
	Snapshot *Snapshot `json:"snapshot,omitempty"`

	// Seq is the replicator's sequence number of a MsgApp/MsgSnap and its
	// response; responses are handled strictly in Seq order.
	Seq uint64 `json:"seq,omitempty"`
	// Version is the replicator's version when the request was sent;
	// responses of an older version are stale and dropped.
	Version uint64 `json:"version,omitempty"`
	// Context is a read's id (MsgReadIndex) or a heartbeat's read round,
	// echoed in responses.
	Context uint64 `json:"context,omitempty"`
	// Call is opaque to the core: copied from a request to its response so
	// an RPC layer can match them.
	Call uint64 `json:"call,omitempty"`

	// Success: the request was accepted (vote granted, entries appended).
	Success bool `json:"success,omitempty"`
	// LastLogIndex is the responder's last log index (MsgAppResp).
	LastLogIndex uint64 `json:"last_log_index,omitempty"`
	// RejectHint, in a rejected MsgAppResp, is the first index of the
	// follower's term at prevLogIndex (that term is in LogTerm); used when
	// the leader backtracks by term.
	RejectHint uint64 `json:"reject_hint,omitempty"`
}

// String is a one-line summary of the message for traces.
func (m Message) String() string {
	s := fmt.Sprintf("%s %d->%d term=%d", m.Type, m.From, m.To, m.Term)
	switch m.Type {
	case MsgApp:
		kind := "append"
		if m.Heartbeat {
			kind = "heartbeat"
		} else if len(m.Entries) == 0 {
			kind = "probe"
		}
		s += fmt.Sprintf(" %s prev=%d/%d n=%d commit=%d seq=%d", kind, m.Index, m.LogTerm, len(m.Entries), m.Commit, m.Seq)
	case MsgAppResp:
		s += fmt.Sprintf(" success=%v last=%d seq=%d", m.Success, m.LastLogIndex, m.Seq)
	case MsgVote, MsgPreVote:
		s += fmt.Sprintf(" last=%d/%d", m.Index, m.LogTerm)
		if m.TransferFrom != None {
			s += fmt.Sprintf(" transfer-from=%d", m.TransferFrom)
		}
	case MsgVoteResp, MsgPreVoteResp:
		s += fmt.Sprintf(" granted=%v", m.Success)
	}
	return s
}

// Snapshot is a state machine image at an applied index.
type Snapshot struct {
	// Index of the last entry the image includes.
	Index uint64 `json:"index"`
	// Term of that entry.
	Term uint64 `json:"term"`
	// Conf is the configuration as of Index.
	Conf ConfigState `json:"conf"`
	// Data is the state machine's image.
	Data []byte `json:"data,omitempty"`
}
