package sim

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// This file parses actions and predicates (scenario_parse.go has the
// words, lines, settings and timings).

// msgTypes are the message type names of selectors: the core's types, with
// heartbeats told apart from other appends (a probe is an append).
var msgTypes = []string{"any", "append", "append-resp", "heartbeat", "heartbeat-resp", "pre-vote", "pre-vote-resp",
	"vote", "vote-resp", "install-snapshot", "install-snapshot-resp", "timeout-now", "timeout-now-resp",
	"read-index", "read-index-resp"}

// roles are the role names of predicates.
var roles = []string{"follower", "precandidate", "candidate", "leader"}

// nodeFields are the node fields predicates compare; the first three are
// not numbers.
var nodeFields = []string{"role", "state", "vote", "leader", "term", "commit-index", "applied-index", "first-index",
	"last-index", "last-log-term", "snapshot-index"}

// replicatorFields are the replicator fields predicates compare; the first
// two are not numbers.
var replicatorFields = []string{"state", "blocked", "next-index", "match-index", "inflights", "seq", "required-next-seq",
	"pending-responses", "errors", "timeout-now-index", "version"}

// keywords cannot name a client call.
var keywords = []string{"at", "after", "when", "within", "expect", "leader", "index", "replicator", "no", "not",
	"linearizable", "msg", "all", "first", "last", "via", "to", "as", "is", "returned", "pending", "say", "note", "step", "highlight"}

// isCallName reports whether s names a client call: a lower-case letter,
// then lower-case letters, digits, '_' and '-'. (Written out rather than
// as a regexp: package regexp would add some 40 KB to the page.)
func isCallName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func (p *parser) parseAction() (*Action, error) {
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.quoted || !slices.Contains(Verbs, t.text) || t.text == "heal-all" || t.text == "add-learner" {
		what := "an instruction (a setting such as nodes, a timing such as at 1s, or an action such as crash n1)"
		if len(p.sc.Steps) > 0 {
			what = "an action such as crash n1, expect leader is n1 or say some text"
		}
		return nil, p.expected(t, what)
	}
	a := &Action{Verb: t.text}
	switch a.Verb {
	case "crash", "restart", "isolate", "promote", "remove", "snapshot":
		id, err := p.node()
		a.Nodes = []raft.NodeID{id}
		return a, err
	case "add":
		if p.keyword("learner") {
			a.Verb = "add-learner"
		}
		id, err := p.node()
		a.Nodes = []raft.NodeID{id}
		return a, err
	case "heal":
		if p.keyword("all") {
			a.Verb = "heal-all"
			return a, nil
		}
		a.Link, err = p.link(true)
		return a, err
	case "cut":
		a.Link, err = p.link(true)
		return a, err
	case "partition":
		return a, p.parsePartition(a)
	case "link":
		if a.Link, err = p.link(true); err != nil {
			return nil, err
		}
		a.Config, err = p.parseLinkConfig()
		return a, err
	case "response-delay":
		id, err := p.node()
		if err != nil {
			return nil, err
		}
		a.Nodes = []raft.NodeID{id}
		a.Delay, err = p.duration("the most extra delay, like 200ms")
		if err == nil && a.Delay > maxDelay {
			err = p.errAt(p.pos, "the response delay must be at most 1m0s")
		}
		return a, err
	case "hold", "release", "drop", "duplicate":
		a.Msg, err = p.parseMsgSelector(true)
		return a, err
	case "put", "append", "get", "propose":
		return a, p.parseCall(a)
	case "transfer":
		if err := p.must("leadership"); err != nil {
			return nil, err
		}
		if p.keyword("to") {
			id, err := p.node()
			a.Nodes = []raft.NodeID{id}
			return a, err
		}
		return a, nil
	case "change-peers":
		if err := p.must("voters"); err != nil {
			return nil, err
		}
		if a.Nodes, err = p.nodeList(); err != nil {
			return nil, err
		}
		if p.keyword("learners") {
			if a.Learners, err = p.nodeList(); err != nil {
				return nil, err
			}
		}
		for _, id := range a.Learners {
			if slices.Contains(a.Nodes, id) {
				return nil, p.errAt(p.pos, "%s cannot be both a voter and a learner", fmtNode(id))
			}
		}
		return a, nil
	case "say":
		a.Text, err = p.rest()
		return a, err
	case "note":
		id, err := p.node()
		if err != nil {
			return nil, err
		}
		a.Nodes = []raft.NodeID{id}
		a.Text, err = p.rest()
		return a, err
	case "step":
		a.Text, err = p.rest()
		return a, err
	case "highlight":
		a.Highlight, err = p.parseHighlight()
		return a, err
	}
	// expect
	a.Expect, err = p.parsePredicate()
	return a, err
}

// parseHighlight reads what a highlight line points at: "n2 FIELD" or
// "replicator n1->n2 FIELD".
func (p *parser) parseHighlight() (*Highlight, error) {
	if p.keyword("replicator") {
		l, err := p.link(false)
		if err != nil {
			return nil, err
		}
		f, err := p.oneOf("a replicator field ("+strings.Join(replicatorFields, ", ")+")", replicatorFields...)
		return &Highlight{Node: l.From, Peer: l.To, Field: f}, err
	}
	if !isNode(p.peek()) {
		return nil, p.expected(p.peek(), "what to highlight: a node field like n2 term, or a replicator field like replicator n1->n2 next-index")
	}
	id, err := p.node()
	if err != nil {
		return nil, err
	}
	f, err := p.oneOf("a node field ("+strings.Join(nodeFields, ", ")+")", nodeFields...)
	return &Highlight{Node: id, Field: f}, err
}

// maxDelay bounds delays and latencies (the world's own limit).
const maxDelay = time.Minute

func (p *parser) parsePartition(a *Action) error {
	if p.keyword("none") {
		a.Groups = [][]raft.NodeID{} // every node alone
		return nil
	}
	seen := map[raft.NodeID]bool{}
	for {
		g, err := p.nodeList()
		if err != nil {
			return err
		}
		for _, id := range g {
			if seen[id] {
				return p.errAt(p.pos, "%s is in two groups", fmtNode(id))
			}
			seen[id] = true
		}
		a.Groups = append(a.Groups, g)
		if !p.keyword("|") {
			break
		}
	}
	return nil
}

func (p *parser) parseLinkConfig() (*LinkConfig, error) {
	c := &LinkConfig{}
	props := []string{"up", "down", "latency", "latency-min", "latency-max", "loss", "duplicate", "reorder", "late-replies", "response-delay"}
	set := map[string]bool{}
	for !p.peek().eol {
		t := p.peek()
		prop, err := p.oneOf("a link property: "+strings.Join(props, ", "), props...)
		if err != nil {
			return nil, err
		}
		// keys are what a property sets: up and down set one thing, and
		// latency sets both bounds.
		keys := map[string][]string{"down": {"up"}, "latency": {"latency-min", "latency-max"}}[prop]
		if keys == nil {
			keys = []string{prop}
		}
		for _, k := range keys {
			if set[k] {
				return nil, p.errAt(t.off, "%s is set twice on this line", k)
			}
			set[k] = true
		}
		switch prop {
		case "up", "down":
			up := prop == "up"
			c.Up = &up
		case "latency":
			r, err := p.next()
			if err != nil {
				return nil, err
			}
			lo, hi, rerr := parseRange(r.text)
			if r.quoted || rerr != nil || hi > maxDelay {
				return nil, p.expected(r, "a latency range like 10ms..50ms (at most 1m0s)")
			}
			c.LatencyMin, c.LatencyMax = &lo, &hi
		case "response-delay", "latency-min", "latency-max":
			d, err := p.duration("a duration of at most 1m0s after " + prop)
			if err != nil {
				return nil, err
			}
			if d > maxDelay {
				return nil, p.errAt(p.pos, "%s must be at most 1m0s", prop)
			}
			switch prop {
			case "latency-min":
				c.LatencyMin = &d
			case "latency-max":
				c.LatencyMax = &d
			default:
				c.ResponseDelay = &d
			}
		default:
			f, err := p.probability("a probability between 0 and 1 after " + prop)
			if err != nil {
				return nil, err
			}
			switch prop {
			case "loss":
				c.Loss = &f
			case "duplicate":
				c.Duplicate = &f
			case "reorder":
				c.Reorder = &f
			default:
				c.LateReplies = &f
			}
		}
	}
	if len(set) == 0 {
		return nil, p.expected(p.peek(), "a link property: "+strings.Join(props, ", "))
	}
	return c, nil
}

// parseMsgSelector reads "msg 12" or "[all|first|last] TYPE n1->n2".
func (p *parser) parseMsgSelector(quantified bool) (*MsgSelector, error) {
	m := &MsgSelector{}
	if p.keyword("msg") {
		n, err := p.uint("a message number after msg")
		if err == nil && n == 0 {
			err = p.errAt(p.pos-1, "message numbers start at 1")
		}
		m.ID = MsgID(n)
		return m, err
	}
	if quantified {
		for _, q := range []string{"all", "first", "last"} {
			if p.keyword(q) {
				m.Which = q
			}
		}
	}
	t, err := p.next()
	if err != nil {
		return nil, err
	}
	if t.quoted || !slices.Contains(msgTypes, t.text) {
		what := "a message type (" + strings.Join(msgTypes, ", ") + ") or msg N"
		if quantified {
			what = "all, first, last, " + what
		}
		return nil, p.expected(t, what)
	}
	m.Type = t.text
	l, err := p.link(false)
	if err != nil {
		return nil, err
	}
	m.From, m.To = l.From, l.To
	if m.Which == "all" {
		m.Which = ""
	}
	return m, nil
}

func (p *parser) parseCall(a *Action) error {
	var err error
	if a.Verb != "propose" {
		off := p.peek().off
		if a.Key, err = p.word("a key"); err != nil {
			return err
		}
		if a.Key == "" || len(a.Key) > maxHandKey {
			return p.errAt(off, "a key must have 1 to %d bytes", maxHandKey)
		}
	}
	if a.Verb != "get" {
		what := "a value"
		if a.Verb == "propose" {
			what = "the data to propose"
		}
		if a.Value, err = p.word(what); err != nil {
			return err
		}
	}
	via := map[bool]string{true: "to", false: "via"}[a.Verb == "propose"]
	if p.keyword(via) {
		id, err := p.node()
		if err != nil {
			return err
		}
		a.Nodes = []raft.NodeID{id}
	}
	if a.Verb != "propose" && p.keyword("as") {
		t, err := p.next()
		if err != nil {
			return err
		}
		if t.quoted || !isCallName(t.text) || isNodeName(t.text) {
			return p.expected(t, "a name for the call, like r1 (a lower-case letter, then letters, digits, - or _)")
		}
		if slices.Contains(keywords, t.text) || slices.Contains(msgTypes, t.text) {
			return p.errAt(t.off, "%q is a keyword; name the call something else, like r1", t.text)
		}
		if p.names[t.text] {
			return p.errAt(t.off, "a call is already named %s", t.text)
		}
		p.names[t.text] = true
		a.Name = t.text
	}
	return nil
}

// parsePredicate reads a condition of "when" or "expect".
func (p *parser) parsePredicate() (*Predicate, error) {
	pr := &Predicate{}
	if p.keyword("not") {
		pr.Not = true
	}
	t := p.peek()
	var err error
	switch {
	case t.quoted || t.eol:
	case t.text == "leader":
		_, _ = p.next()
		pr.Subject = "leader"
		if p.keyword("elected") {
			pr.Op, pr.Value = "is not", "none"
			return pr, nil
		}
		if pr.Op, err = p.isOp(false); err != nil {
			return nil, err
		}
		pr.Value, err = p.nodeOrNone()
		return pr, err
	case isNode(t):
		return pr, p.parseNodePredicate(pr)
	case t.text == "replicator":
		_, _ = p.next()
		pr.Subject = "replicator"
		l, err := p.link(false)
		if err != nil {
			return nil, err
		}
		pr.Node, pr.Peer = l.From, l.To
		f, err := p.oneOf("a replicator field ("+strings.Join(replicatorFields, ", ")+")", replicatorFields...)
		if err != nil {
			return nil, err
		}
		pr.Field = f
		return pr, p.comparison(pr, slices.Index(replicatorFields, f) >= 2)
	case t.text == "index":
		_, _ = p.next()
		pr.Subject = "committed"
		if pr.Index, err = p.uint("an index after \"index\""); err != nil {
			return nil, err
		}
		if err := p.must("committed"); err != nil {
			return nil, err
		}
		if err := p.must("on"); err != nil {
			return nil, err
		}
		if p.keyword("all") {
			return pr, nil
		}
		if !isNode(p.peek()) {
			return nil, p.expected(p.peek(), "all or a list of nodes like n1 n2 n3")
		}
		pr.Nodes, err = p.nodeList()
		return pr, err
	case t.text == "no":
		_, _ = p.next()
		pr.Subject = "violation"
		return pr, p.must("violation")
	case t.text == "linearizable":
		_, _ = p.next()
		pr.Subject = "linearizable"
		return pr, nil
	case t.text == "msg" || slices.Contains(msgTypes, t.text):
		pr.Subject = "message"
		if pr.Msg, err = p.parseMsgSelector(false); err != nil {
			return nil, err
		}
		if err := p.must("in"); err != nil {
			return nil, err
		}
		return pr, p.must("flight")
	case p.names[t.text]:
		_, _ = p.next()
		pr.Subject, pr.Name = "call", t.text
		if p.keyword("is") {
			pr.Op = "pending"
			return pr, p.must("pending")
		}
		if err := p.must("returned"); err != nil {
			return nil, err
		}
		pr.Op = "returned"
		if v := p.peek(); v.quoted {
			_, _ = p.next()
			pr.Value, pr.HasValue = v.text, true
		}
		return pr, nil
	case isCallName(t.text) && !slices.Contains(keywords, t.text):
		return nil, p.errAt(t.off, "no call is named %s yet (name one with: get KEY as %s)", t.text, t.text)
	}
	return nil, p.expected(t, "a condition: leader is n1, n1 is leader, n1 term is 2, n1 voters are n1 n2 n3, index 3 committed on all, replicator n1->n2 state is probe, r1 returned, append n1->n2 in flight, no violation or linearizable")
}

// isOp reads "is" or "is not" (and, when ordered, >=, <=, > or <).
func (p *parser) isOp(ordered bool) (string, error) {
	t := p.peek()
	if p.keyword("is") {
		if p.keyword("not") {
			return "is not", nil
		}
		return "is", nil
	}
	if ordered {
		for _, op := range []string{">=", "<=", ">", "<"} {
			if p.keyword(op) {
				return op, nil
			}
		}
		return "", p.expected(t, "is, is not, >=, <=, > or <")
	}
	return "", p.expected(t, "is or is not")
}

func (p *parser) nodeOrNone() (string, error) {
	t, err := p.next()
	if err != nil {
		return "", err
	}
	if !t.quoted && t.text == "none" {
		return "none", nil
	}
	if !isNode(t) {
		return "", p.expected(t, "a node like n1, or none")
	}
	id, err := p.nodeOf(t)
	return fmtNode(id), err
}

func (p *parser) parseNodePredicate(pr *Predicate) error {
	var err error
	if pr.Node, err = p.node(); err != nil {
		return err
	}
	pr.Subject = "node"
	switch {
	case p.keyword("is"):
		// n1 is leader, n1 is not down
		pr.Op = "is"
		if p.keyword("not") {
			pr.Op = "is not"
		}
		v, err := p.oneOf("a role ("+strings.Join(roles, ", ")+"), up or down", append(slices.Clone(roles), "up", "down")...)
		pr.Field, pr.Value = "role", v
		if v == "up" || v == "down" {
			pr.Field = "state"
		}
		return err
	case p.keyword("log"):
		pr.Subject = "log"
		if err := p.must("terms"); err != nil {
			return err
		}
		if err := p.must("are"); err != nil {
			return err
		}
		var terms []string
		for {
			t := p.peek()
			if _, err := strconv.ParseUint(t.text, 10, 64); t.quoted || t.eol || err != nil {
				break
			}
			_, _ = p.next()
			terms = append(terms, t.text)
		}
		if len(terms) == 0 && !p.keyword("none") {
			return p.expected(p.peek(), "the terms of the log's entries, like 1 1 2, or none")
		}
		pr.Value = strings.Join(canonicalUints(terms), " ")
		return nil
	case p.keywordOf("voters", "learners") != "":
		pr.Subject, pr.Field = "conf", p.last
		if err := p.must("are"); err != nil {
			return err
		}
		if p.keyword("none") {
			return nil
		}
		if !isNode(p.peek()) {
			return p.expected(p.peek(), "a list of nodes like n1 n2 n3, or none")
		}
		ids, err := p.nodeList()
		if err != nil {
			return err
		}
		slices.Sort(ids)
		pr.Value = fmtNodes(ids)
		return nil
	case p.keyword("kv"):
		pr.Subject = "kv"
		if pr.Field, err = p.word("a key"); err != nil {
			return err
		}
		if pr.Op, err = p.isOp(false); err != nil {
			return err
		}
		pr.Value, err = p.word("a value")
		return err
	}
	f, err := p.oneOf("is, log, voters, learners, kv or a node field ("+strings.Join(nodeFields, ", ")+")", nodeFields...)
	if err != nil {
		return err
	}
	pr.Field = f
	return p.comparison(pr, slices.Index(nodeFields, f) >= 4)
}

func canonicalUints(s []string) []string {
	out := make([]string, len(s))
	for i, t := range s {
		n, _ := strconv.ParseUint(t, 10, 64)
		out[i] = strconv.FormatUint(n, 10)
	}
	return out
}

// comparison reads the operator and value of a field; numeric fields take
// a number and any operator, the others is / is not and a name.
func (p *parser) comparison(pr *Predicate, numeric bool) error {
	var err error
	if pr.Op, err = p.isOp(numeric); err != nil {
		return err
	}
	if numeric {
		n, err := p.uint("a number")
		pr.Value = strconv.FormatUint(n, 10)
		return err
	}
	switch pr.Field {
	case "role":
		pr.Value, err = p.oneOf("a role ("+strings.Join(roles, ", ")+")", roles...)
	case "vote", "leader":
		pr.Value, err = p.nodeOrNone()
	case "blocked":
		pr.Value, err = p.oneOf("yes or no", "yes", "no")
	default: // state
		choices := []string{"up", "down"}
		if pr.Subject == "replicator" {
			choices = []string{"probe", "replicate", "snapshot"}
		}
		pr.Value, err = p.oneOf(strings.Join(choices, " or "), choices...)
	}
	return err
}
