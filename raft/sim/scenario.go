package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// This file is the scenario format's structure and its printer. A
// scenario is plain text, one instruction a line (docs/scenarios.md has
// the grammar): settings first, then steps, each with an optional timing
// and an action. Parse reads the text; Format prints a scenario back so
// that Parse(Format(s)) gives s again; FromInterventions writes a world's
// record of interventions as a scenario.

// Scenario is a parsed scenario.
type Scenario struct {
	// Settings are the setup lines, in the order written.
	Settings []Setting `json:"settings"`
	// Steps run in order, each after the previous one finished.
	Steps []Step `json:"steps"`
}

// Setting is one setup line, such as "nodes 3".
type Setting struct {
	Line int `json:"line,omitempty"`
	// Name is the setting's keyword; Value its value in canonical form.
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Step is one timed instruction.
type Step struct {
	// Line is where the step was written (0 when made in code).
	Line   int    `json:"line,omitempty"`
	Timing Timing `json:"timing"`
	// Action is nil for a step that only waits (for a time or a condition).
	Action *Action `json:"action,omitempty"`
}

// TimingKind says when a step runs.
type TimingKind uint8

const (
	// Now runs the step as soon as the previous one finished.
	Now TimingKind = iota
	// At runs it at an absolute virtual time.
	At
	// After runs it a while after the previous step.
	After
	// When runs it at the end of the first instant at which a condition
	// holds, giving up after Within.
	When
)

// Timing is when a step runs.
type Timing struct {
	Kind TimingKind `json:"kind"`
	// Time is the time of At and the wait of After.
	Time time.Duration `json:"time_ns,omitempty"`
	// Cond is the condition of When.
	Cond *Predicate `json:"cond,omitempty"`
	// Within bounds how long When waits (0: DefaultWithin).
	Within time.Duration `json:"within_ns,omitempty"`
	// Step, with At, stops after that many events handled since time zero
	// instead of at the end of the instant ("at 1.5s step 1234"): a run
	// acted on between two events of one instant (World.Step).
	Step *uint64 `json:"step,omitempty"`
}

// DefaultWithin is how long a "when" waits for its condition unless the
// step says otherwise.
const DefaultWithin = time.Minute

// LatestTimes gives, for each step, the latest virtual time its run can
// reach it by: every earlier step waits as long as it may (an "at" until
// its time, an "after" its wait, a "when" its whole within).
func (s *Scenario) LatestTimes() []time.Duration {
	out := make([]time.Duration, len(s.Steps))
	var t time.Duration
	for i, st := range s.Steps {
		switch st.Timing.Kind {
		case At:
			t = max(t, st.Timing.Time)
		case After:
			t += st.Timing.Time
		case When:
			t += within(st.Timing)
		}
		out[i] = t
	}
	return out
}

// Action is what a step does. Verb says which fields are used.
type Action struct {
	// Verb is the instruction's keyword, such as "crash" or "expect"
	// (Verbs lists them).
	Verb string `json:"verb"`
	// Nodes are the nodes acted on: one for crash, restart, isolate, add,
	// promote, remove, snapshot, note, response-delay, the transfer
	// target, and the node a client call or proposal goes to (none: the
	// leader); the voters of change-peers.
	Nodes []raft.NodeID `json:"nodes,omitempty"`
	// Learners of change-peers.
	Learners []raft.NodeID `json:"learners,omitempty"`
	// Link of cut, heal and link; Both when written a<->b.
	Link *LinkRef `json:"link,omitempty"`
	// Groups of a partition.
	Groups [][]raft.NodeID `json:"groups,omitempty"`
	// Config is what "link" sets.
	Config *LinkConfig `json:"config,omitempty"`
	// Delay of response-delay.
	Delay time.Duration `json:"delay_ns,omitempty"`
	// Msg selects the messages of hold, release, drop and duplicate.
	Msg *MsgSelector `json:"msg,omitempty"`
	// Key and Value of a client call; Value is also the data of propose.
	Key   string `json:"key,omitempty"`
	Value string `json:"value,omitempty"`
	// Name is the name a client call is given ("as r1").
	Name string `json:"name,omitempty"`
	// Text of say and note; the title of step.
	Text string `json:"text,omitempty"`
	// Expect is the predicate of expect.
	Expect *Predicate `json:"expect,omitempty"`
	// Highlight is the field a tour step points at ("highlight n1 term").
	Highlight *Highlight `json:"highlight,omitempty"`
}

// Highlight names one field the page can outline: a node's
// ("highlight n2 term") or a leader's replicator's
// ("highlight replicator n1->n2 next-index"). Fields are those of
// predicates (nodeFields, replicatorFields).
type Highlight struct {
	// Node is the node, or the leader of a replicator.
	Node raft.NodeID `json:"node"`
	// Peer is the replicator's follower; 0 for a node's field.
	Peer raft.NodeID `json:"peer,omitempty"`
	// Field is the field's name as predicates write it ("next-index").
	Field string `json:"field"`
}

func (h Highlight) String() string {
	if h.Peer != raft.None {
		return fmt.Sprintf("replicator %s->%s %s", fmtNode(h.Node), fmtNode(h.Peer), h.Field)
	}
	return fmtNode(h.Node) + " " + h.Field
}

// Verbs lists every Action.Verb. Two are written as two words: heal-all
// is "heal all" and add-learner is "add learner".
var Verbs = []string{"crash", "restart", "cut", "heal", "heal-all", "partition", "isolate", "link", "response-delay",
	"hold", "release", "drop", "duplicate", "put", "append", "get", "propose", "transfer",
	"add", "add-learner", "promote", "remove", "change-peers", "snapshot", "say", "note", "expect", "step", "highlight"}

// LinkRef names a directed link, or both directions between two nodes.
type LinkRef struct {
	From raft.NodeID `json:"from"`
	To   raft.NodeID `json:"to"`
	Both bool        `json:"both,omitempty"`
}

func (l LinkRef) String() string {
	if l.Both {
		return fmt.Sprintf("n%d<->n%d", l.From, l.To)
	}
	return fmt.Sprintf("n%d->n%d", l.From, l.To)
}

// MsgSelector picks messages in flight: one by id, or by type and link.
type MsgSelector struct {
	// ID picks one message; when set the other fields are unused.
	ID MsgID `json:"id,omitempty"`
	// Which is "all", "first" or "last" of the matching messages.
	Which string `json:"which,omitempty"`
	// Type is a message type name (MsgTypeNames) or "any".
	Type string      `json:"type,omitempty"`
	From raft.NodeID `json:"from,omitempty"`
	To   raft.NodeID `json:"to,omitempty"`
}

func (m MsgSelector) String() string {
	if m.ID != 0 {
		return fmt.Sprintf("msg %d", m.ID)
	}
	s := fmt.Sprintf("%s n%d->n%d", m.Type, m.From, m.To)
	if m.Which != "" && m.Which != "all" {
		s = m.Which + " " + s
	}
	return s
}

// Predicate is a condition on the world, used by "when" and "expect".
type Predicate struct {
	// Not negates the predicate ("not ...").
	Not bool `json:"not,omitempty"`
	// Subject is "leader", "node", "log", "conf", "kv", "replicator", "committed",
	// "call", "message", "violation" or "linearizable".
	Subject string `json:"subject"`
	// Node is the node of node, log and kv, and the leader of replicator.
	Node raft.NodeID `json:"node,omitempty"`
	// Peer is the follower of replicator.
	Peer raft.NodeID `json:"peer,omitempty"`
	// Nodes are the nodes of committed (nil: every node).
	Nodes []raft.NodeID `json:"nodes,omitempty"`
	// Field is the node's or replicator's field, the kv key, or voters or
	// learners of conf.
	Field string `json:"field,omitempty"`
	// Op compares: "is", "is not", ">=", "<=", ">" or "<"; for a call,
	// "returned" or "pending".
	Op string `json:"op,omitempty"`
	// Value is compared with; for log, the terms separated by spaces.
	Value string `json:"value,omitempty"`
	// HasValue tells "r1 returned" from `r1 returned ""`.
	HasValue bool `json:"has_value,omitempty"`
	// Index of committed.
	Index uint64 `json:"index,omitempty"`
	// Name of a client call.
	Name string `json:"name,omitempty"`
	// Msg selects the messages of "in flight".
	Msg *MsgSelector `json:"msg,omitempty"`
}

// Format prints a scenario in the form Parse reads: Parse(Format(s))
// returns s again (line numbers aside).
func Format(s *Scenario) string {
	var b strings.Builder
	for _, st := range s.Settings {
		fmt.Fprintf(&b, "%s %s\n", st.Name, st.Value)
	}
	if len(s.Settings) > 0 && len(s.Steps) > 0 {
		b.WriteString("\n")
	}
	for _, st := range s.Steps {
		b.WriteString(st.String())
		b.WriteString("\n")
	}
	return b.String()
}

// String prints the step as one line of a scenario.
func (s Step) String() string {
	var parts []string
	switch s.Timing.Kind {
	case At:
		parts = append(parts, "at "+fmtDur(s.Timing.Time))
		if s.Timing.Step != nil {
			parts = append(parts, "step "+strconv.FormatUint(*s.Timing.Step, 10))
		}
	case After:
		parts = append(parts, "after "+fmtDur(s.Timing.Time))
	case When:
		parts = append(parts, "when "+s.Timing.Cond.String())
		if s.Timing.Within != 0 {
			parts = append(parts, "within "+fmtDur(s.Timing.Within))
		}
	}
	if s.Action != nil {
		parts = append(parts, s.Action.String())
	}
	return strings.Join(parts, " ")
}

// String prints the action as it is written in a scenario.
func (a *Action) String() string {
	switch a.Verb {
	case "crash", "restart", "isolate", "promote", "remove", "snapshot":
		return fmt.Sprintf("%s %s", a.Verb, fmtNode(a.Nodes[0]))
	case "add":
		return "add " + fmtNode(a.Nodes[0])
	case "add-learner":
		return "add learner " + fmtNode(a.Nodes[0])
	case "cut", "heal":
		return a.Verb + " " + a.Link.String()
	case "heal-all":
		return "heal all"
	case "partition":
		if len(a.Groups) == 0 {
			return "partition none"
		}
		groups := make([]string, len(a.Groups))
		for i, g := range a.Groups {
			groups[i] = fmtNodes(g)
		}
		return "partition " + strings.Join(groups, " | ")
	case "link":
		return "link " + a.Link.String() + " " + fmtLinkConfig(a.Config)
	case "response-delay":
		return fmt.Sprintf("response-delay %s %s", fmtNode(a.Nodes[0]), fmtDur(a.Delay))
	case "hold", "release", "drop", "duplicate":
		return a.Verb + " " + a.Msg.String()
	case "put", "append", "get", "propose":
		s := a.Verb
		if a.Verb != "propose" {
			s += " " + quoteWord(a.Key)
		}
		if a.Verb != "get" {
			s += " " + quoteWord(a.Value)
		}
		if len(a.Nodes) > 0 {
			s += map[bool]string{true: " to ", false: " via "}[a.Verb == "propose"] + fmtNode(a.Nodes[0])
		}
		if a.Name != "" {
			s += " as " + a.Name
		}
		return s
	case "transfer":
		if len(a.Nodes) > 0 {
			return "transfer leadership to " + fmtNode(a.Nodes[0])
		}
		return "transfer leadership"
	case "change-peers":
		s := "change-peers voters " + fmtNodes(a.Nodes)
		if len(a.Learners) > 0 {
			s += " learners " + fmtNodes(a.Learners)
		}
		return s
	case "say":
		return "say " + fmtText(a.Text)
	case "note":
		return fmt.Sprintf("note %s %s", fmtNode(a.Nodes[0]), fmtText(a.Text))
	case "expect":
		return "expect " + a.Expect.String()
	case "step":
		return "step " + fmtText(a.Text)
	case "highlight":
		return "highlight " + a.Highlight.String()
	}
	return "?" + a.Verb
}

// String prints the predicate as it is written after "when" or "expect".
func (p *Predicate) String() string {
	s := p.body()
	if p.Not {
		return "not " + s
	}
	return s
}

func (p *Predicate) body() string {
	switch p.Subject {
	case "leader":
		if p.Op == "is not" && p.Value == "none" {
			return "leader elected"
		}
		return "leader " + p.Op + " " + p.Value
	case "node":
		if (p.Field == "role" || p.Field == "state") && (p.Op == "is" || p.Op == "is not") {
			return fmt.Sprintf("%s %s %s", fmtNode(p.Node), p.Op, p.Value)
		}
		return fmt.Sprintf("%s %s %s %s", fmtNode(p.Node), p.Field, p.Op, p.Value)
	case "log":
		if p.Value == "" {
			return fmtNode(p.Node) + " log terms are none"
		}
		return fmt.Sprintf("%s log terms are %s", fmtNode(p.Node), p.Value)
	case "conf":
		if p.Value == "" {
			return fmt.Sprintf("%s %s are none", fmtNode(p.Node), p.Field)
		}
		return fmt.Sprintf("%s %s are %s", fmtNode(p.Node), p.Field, p.Value)
	case "kv":
		return fmt.Sprintf("%s kv %s %s %s", fmtNode(p.Node), quoteWord(p.Field), p.Op, quoteWord(p.Value))
	case "replicator":
		return fmt.Sprintf("replicator %s->%s %s %s %s", fmtNode(p.Node), fmtNode(p.Peer), p.Field, p.Op, p.Value)
	case "committed":
		on := "all"
		if p.Nodes != nil {
			on = fmtNodes(p.Nodes)
		}
		return fmt.Sprintf("index %d committed on %s", p.Index, on)
	case "call":
		if p.Op == "pending" {
			return p.Name + " is pending"
		}
		if p.HasValue {
			return p.Name + " returned " + strconv.Quote(p.Value)
		}
		return p.Name + " returned"
	case "message":
		return p.Msg.String() + " in flight"
	case "violation":
		return "no violation"
	case "linearizable":
		return "linearizable"
	}
	return "?" + p.Subject
}

func fmtNode(id raft.NodeID) string { return "n" + strconv.FormatUint(uint64(id), 10) }

func fmtNodes(ids []raft.NodeID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmtNode(id)
	}
	return strings.Join(s, " ")
}

// fmtDur prints a duration the way time.ParseDuration reads it back.
func fmtDur(d time.Duration) string { return d.String() }

// fmtLinkConfig prints the properties of a "link" line.
func fmtLinkConfig(c *LinkConfig) string {
	var s []string
	if c.Up != nil {
		s = append(s, map[bool]string{true: "up", false: "down"}[*c.Up])
	}
	switch {
	case c.LatencyMin != nil && c.LatencyMax != nil:
		s = append(s, "latency "+fmtDur(*c.LatencyMin)+".."+fmtDur(*c.LatencyMax))
	case c.LatencyMin != nil:
		s = append(s, "latency-min "+fmtDur(*c.LatencyMin))
	case c.LatencyMax != nil:
		s = append(s, "latency-max "+fmtDur(*c.LatencyMax))
	}
	for _, p := range []struct {
		name string
		v    *float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}, {"late-replies", c.LateReplies}} {
		if p.v != nil {
			s = append(s, p.name+" "+fmtFloat(*p.v))
		}
	}
	if c.ResponseDelay != nil {
		s = append(s, "response-delay "+fmtDur(*c.ResponseDelay))
	}
	return strings.Join(s, " ")
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// quoteWord prints a key or value bare when it reads back as one word,
// else as a Go string literal.
func quoteWord(s string) string {
	if s == "" || strings.ContainsAny(s, "\"#|\\") || slices.Contains(keywordsAfterValue, s) || !plainText(s) || strings.ContainsAny(s, " \t") {
		return strconv.Quote(s)
	}
	return s
}

// keywordsAfterValue may follow a key or value, so a value spelled like
// one is quoted.
var keywordsAfterValue = []string{"via", "to", "as", "is", "within"}

// fmtText prints narration bare unless reading it back would change it.
func fmtText(s string) string {
	if s == "" || strings.HasPrefix(s, "\"") || strings.TrimSpace(s) != s || !plainText(s) {
		return strconv.Quote(s)
	}
	return s
}

// plainText reports whether s is printable text on one line.
func plainText(s string) bool {
	for _, r := range s {
		if !strconv.IsPrint(r) || r == '\n' || r == '\r' {
			return false
		}
	}
	return true
}
