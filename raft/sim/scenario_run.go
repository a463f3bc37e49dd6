package sim

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// This file runs a scenario on a world. Every action becomes a World call,
// so it is recorded as an intervention like any other: the page's
// scrubber, shared URLs and scenarios all read one record. Expectations
// are checked against the world and their outcomes kept.

// Outcome is the result of one expectation.
type Outcome struct {
	// Line is the expectation's line; At the virtual time it was checked.
	Line int           `json:"line"`
	At   time.Duration `json:"at_ns"`
	// Expect is the expectation as written (canonical form).
	Expect string `json:"expect"`
	Pass   bool   `json:"pass"`
	// Observed says what the world showed.
	Observed string `json:"observed"`
}

func (o Outcome) String() string {
	verdict := "ok  "
	if !o.Pass {
		verdict = "FAIL"
	}
	return fmt.Sprintf("line %d: %s at %v: expect %s (observed: %s)", o.Line, verdict, o.At, o.Expect, o.Observed)
}

// StepError is a step that could not be carried out, or a run stopped by a
// safety violation.
type StepError struct {
	Line int
	Err  error
}

func (e *StepError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *StepError) Unwrap() error { return e.Err }

// Runner runs a scenario one step at a time.
type Runner struct {
	sc *Scenario
	w  *World
	// next is the index of the next step to run.
	next int
	// calls are the named client calls made so far.
	calls map[string]ClientCall
	// outcomes of the expectations checked so far, in order.
	outcomes []Outcome
	// err is the error that stopped the run.
	err error
	// waiting is set while Advance has begun the next step's wait without
	// finishing it; waitFrom is when that wait began.
	waiting  bool
	waitFrom time.Duration
}

// NewRunner makes the scenario's world (at time zero, before any step).
func NewRunner(sc *Scenario) (*Runner, error) {
	o, err := sc.Options()
	if err != nil {
		return nil, err
	}
	w, err := New(o)
	if err != nil {
		return nil, err
	}
	return &Runner{sc: sc, w: w, calls: map[string]ClientCall{}}, nil
}

// World is the world the scenario runs on.
func (r *Runner) World() *World { return r.w }

// Done reports whether every step ran or the run stopped.
func (r *Runner) Done() bool { return r.err != nil || r.next == len(r.sc.Steps) }

// Outcomes returns the expectations checked so far.
func (r *Runner) Outcomes() []Outcome { return slices.Clone(r.outcomes) }

// Failed counts the failed expectations.
func (r *Runner) Failed() int {
	n := 0
	for _, o := range r.outcomes {
		if !o.Pass {
			n++
		}
	}
	return n
}

// Run runs every remaining step; it stops at the first step that fails.
func (r *Runner) Run() error {
	for !r.Done() {
		if err := r.Step(); err != nil {
			return err
		}
	}
	return r.err
}

// Advance runs the scenario on by at most about budget events (at least
// one, unless the run is done): it handles the events that come before the
// next step's moment and, when that moment is reached within the budget,
// makes the step's action, and goes on with the steps after it. Called
// until Done, it gives exactly the run Run gives: the same events in the
// same order, and every action at the same point. A caller that must not
// block for long (a page replaying a shared run) calls it in slices.
func (r *Runner) Advance(budget int) error {
	w := r.w
	for !r.Done() {
		t := r.sc.Steps[r.next].Timing
		if !r.waiting {
			r.waiting, r.waitFrom = true, w.Now()
		}
		// The events that come before the step's moment, one by one as
		// wait would handle them, while the budget lasts.
		for budget > 0 && w.violation == nil {
			next, ok := w.nextAt()
			if !ok {
				break
			}
			switch t.Kind {
			case At:
				// With a step count, runToStep handles the events of the
				// instant t.Time itself; every earlier one comes first.
				if next > t.Time || (t.Step != nil && next >= t.Time) {
					ok = false
				}
			case After:
				ok = next <= r.waitFrom+t.Time
			case When:
				ok = next <= r.waitFrom+within(t) && !r.condHolds(t)
			default: // Now: nothing to wait for
				ok = false
			}
			if !ok {
				break
			}
			if t.Kind == When {
				// RunUntilCond's step: one instant, then the condition.
				before := w.handled
				w.RunUntil(max(next, w.now))
				budget -= int(w.handled - before)
				continue
			}
			w.Step()
			budget--
		}
		if budget <= 0 {
			return nil
		}
		// The wait has nothing left to handle before its moment: Step
		// finishes it and acts.
		if err := r.Step(); err != nil {
			return err
		}
	}
	return r.err
}

// Ends is the latest virtual time the scenario's run can end at
// (Scenario.LatestTimes). A run whose conditions hold early ends sooner.
// Advance's callers show their progress against it.
func (r *Runner) Ends() time.Duration {
	latest := r.sc.LatestTimes()
	if len(latest) == 0 {
		return 0
	}
	return latest[len(latest)-1]
}

// condHolds evaluates a When timing's condition.
func (r *Runner) condHolds(t Timing) bool {
	ok, _ := r.eval(t.Cond)
	return ok
}

// within is how long a When timing waits for its condition.
func within(t Timing) time.Duration {
	if t.Within == 0 {
		return DefaultWithin
	}
	return t.Within
}

// Step runs the next step: waits for its timing, then acts. A wait that
// Advance began goes on from where it left it.
func (r *Runner) Step() error {
	if r.Done() {
		return r.err
	}
	s := r.sc.Steps[r.next]
	r.next++
	from := r.w.Now()
	if r.waiting {
		from = r.waitFrom
	}
	r.waiting = false
	err := r.wait(s.Timing, from)
	if err == nil && s.Action != nil {
		err = r.act(s.Action, s.Line)
	}
	if err == nil && r.w.Violation() != nil {
		err = r.w.Violation()
	}
	if err != nil {
		r.err = &StepError{Line: s.Line, Err: err}
	}
	return r.err
}

// wait waits for a step's timing t; from is when the wait began (After
// and When count from there).
func (r *Runner) wait(t Timing, from time.Duration) error {
	w := r.w
	switch t.Kind {
	case At:
		if t.Time < w.Now() {
			return fmt.Errorf("at %v is in the past: the run is already at %v", t.Time, w.Now())
		}
		if t.Step != nil {
			return w.runToStep(*t.Step, t.Time)
		}
		w.RunUntil(t.Time)
	case After:
		w.RunUntil(from + t.Time)
	case When:
		if !w.RunUntilCond(func() bool { return r.condHolds(t) }, from+within(t)) {
			if v := w.Violation(); v != nil {
				return v // the run stopped there
			}
			_, observed := r.eval(t.Cond)
			return fmt.Errorf("%s did not happen within %v (at %v: %s)", t.Cond, within(t), w.Now(), observed)
		}
	}
	return nil
}

func (r *Runner) act(a *Action, line int) error {
	w := r.w
	node := func() raft.NodeID {
		if len(a.Nodes) == 0 {
			return raft.None
		}
		return a.Nodes[0]
	}
	switch a.Verb {
	case "crash":
		return w.Crash(node())
	case "restart":
		return w.Restart(node())
	case "isolate":
		return w.Isolate(node())
	case "snapshot":
		return w.Snapshot(node())
	case "cut", "heal":
		up := a.Verb == "heal"
		return r.eachWay(a.Link, func(from, to raft.NodeID) error { return w.SetLink(from, to, up) })
	case "heal-all":
		w.HealAll()
		return nil
	case "partition":
		return w.Partition(a.Groups...)
	case "link":
		return r.eachWay(a.Link, func(from, to raft.NodeID) error { return w.SetLinkConfig(from, to, *a.Config) })
	case "response-delay":
		return w.SetResponseDelay(node(), a.Delay)
	case "hold", "release", "drop", "duplicate":
		return r.onMessages(a)
	case "put", "append", "get":
		op := map[string]func(raft.NodeID, string, string) (ClientCall, error){
			"put": w.Put, "append": w.Append, "get": func(via raft.NodeID, k, _ string) (ClientCall, error) { return w.Get(via, k) }}[a.Verb]
		id, err := op(node(), a.Key, a.Value)
		if err == nil && a.Name != "" {
			r.calls[a.Name] = id
		}
		return err
	case "propose":
		var err error
		if id := node(); id != raft.None {
			_, err = w.ProposeTo(id, []byte(a.Value))
		} else {
			_, err = w.Propose([]byte(a.Value))
		}
		return err
	case "transfer":
		return w.TransferLeadership(node())
	case "add", "add-learner", "promote", "remove":
		return r.membership(a.Verb, node())
	case "change-peers":
		return w.ChangePeers(a.Nodes, a.Learners)
	case "say":
		w.Note(raft.None, a.Text)
		return nil
	case "note":
		w.Note(node(), a.Text)
		return nil
	case "step", "highlight":
		return nil // a tour's marks: Tour reads them, the world is not touched
	case "expect":
		ok, observed := r.eval(a.Expect)
		r.outcomes = append(r.outcomes, Outcome{Line: line, At: w.Now(), Expect: a.Expect.String(), Pass: ok, Observed: observed})
		return nil
	}
	return fmt.Errorf("unknown action %q", a.Verb)
}

func (r *Runner) eachWay(l *LinkRef, f func(from, to raft.NodeID) error) error {
	if err := f(l.From, l.To); err != nil || !l.Both {
		return err
	}
	return f(l.To, l.From)
}

// membership turns add, add learner, promote and remove into the change
// of peers they mean for the leader's configuration now.
func (r *Runner) membership(verb string, id raft.NodeID) error {
	lead := r.w.Leader()
	if lead == raft.None {
		return errNoLeader
	}
	conf := r.w.nodes[lead-1].node.Status().Conf
	voters := slices.DeleteFunc(slices.Clone(conf.Voters), func(x raft.NodeID) bool { return x == id })
	learners := slices.DeleteFunc(slices.Clone(conf.Learners), func(x raft.NodeID) bool { return x == id })
	inConf := len(voters) < len(conf.Voters) || len(learners) < len(conf.Learners)
	switch verb {
	case "add":
		if inConf {
			return fmt.Errorf("%s is already in the configuration (use promote for a learner)", fmtNode(id))
		}
		voters = append(voters, id)
	case "add-learner":
		if inConf {
			return fmt.Errorf("%s is already in the configuration", fmtNode(id))
		}
		learners = append(learners, id)
	case "promote":
		if len(learners) == len(conf.Learners) {
			return fmt.Errorf("%s is not a learner", fmtNode(id))
		}
		voters = append(voters, id)
	default:
		if !inConf {
			return fmt.Errorf("%s is not in the configuration", fmtNode(id))
		}
	}
	slices.Sort(voters)
	slices.Sort(learners)
	return r.w.ChangePeers(voters, learners)
}

// selectMsgs returns the messages in flight m selects, oldest first;
// held picks held messages only, unheld the others.
func (r *Runner) selectMsgs(m *MsgSelector, held, unheld bool) []MsgID {
	var ids []MsgID
	for wm := range r.w.wire.all() {
		if (wm.held && !held) || (!wm.held && !unheld) {
			continue
		}
		if m.ID != 0 {
			if wm.id == m.ID {
				ids = append(ids, wm.id)
			}
			continue
		}
		if wm.msg.From == m.From && wm.msg.To == m.To && (m.Type == "any" || m.Type == msgTypeName(wm.msg)) {
			ids = append(ids, wm.id)
		}
	}
	switch {
	case len(ids) == 0:
	case m.Which == "first":
		ids = ids[:1]
	case m.Which == "last":
		ids = ids[len(ids)-1:]
	}
	return ids
}

func (r *Runner) onMessages(a *Action) error {
	w := r.w
	held, unheld := true, true
	switch a.Verb {
	case "hold":
		held = false
	case "release":
		unheld = false
	}
	ids := r.selectMsgs(a.Msg, held, unheld)
	if len(ids) == 0 {
		what := "in flight"
		switch {
		case !held:
			what = "in flight and not held"
		case !unheld:
			what = "held"
		}
		return fmt.Errorf("no %s %s", a.Msg, what)
	}
	for _, id := range ids {
		var err error
		switch a.Verb {
		case "hold":
			err = w.Hold(id)
		case "release":
			err = w.Release(id)
		case "drop":
			err = w.Drop(id)
		default:
			_, err = w.Duplicate(id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// msgTypeName names a message's type as selectors do.
func msgTypeName(m raft.Message) string {
	switch m.Type {
	case raft.MsgApp:
		if m.Heartbeat {
			return "heartbeat"
		}
		return "append"
	case raft.MsgAppResp:
		if m.Heartbeat {
			return "heartbeat-resp"
		}
		return "append-resp"
	case raft.MsgPreVote:
		return "pre-vote"
	case raft.MsgPreVoteResp:
		return "pre-vote-resp"
	case raft.MsgVote:
		return "vote"
	case raft.MsgVoteResp:
		return "vote-resp"
	case raft.MsgSnap:
		return "install-snapshot"
	case raft.MsgSnapResp:
		return "install-snapshot-resp"
	case raft.MsgTimeoutNow:
		return "timeout-now"
	case raft.MsgTimeoutNowResp:
		return "timeout-now-resp"
	case raft.MsgReadIndex:
		return "read-index"
	case raft.MsgReadIndexResp:
		return "read-index-resp"
	}
	return m.Type.String()
}

// linearizabilityTimeout bounds porcupine's search for an expectation.
const linearizabilityTimeout = 10 * time.Second

// eval checks a predicate and says what it saw.
func (r *Runner) eval(p *Predicate) (bool, string) {
	ok, observed := r.evalBody(p)
	if p.Not {
		ok = !ok
	}
	return ok, observed
}

func (r *Runner) evalBody(p *Predicate) (bool, string) {
	w := r.w
	switch p.Subject {
	case "leader":
		got := "none"
		if id := w.Leader(); id != raft.None {
			got = fmtNode(id)
		}
		return (got == p.Value) == (p.Op == "is"), "leader is " + got
	case "node":
		got := nodeField(w.nodes[p.Node-1].status(), p.Field)
		return compare(got, p.Op, p.Value), fmt.Sprintf("%s %s is %s", fmtNode(p.Node), p.Field, got)
	case "log":
		log, _ := w.Log(p.Node)
		terms := make([]string, len(log))
		for i, e := range log {
			terms[i] = strconv.FormatUint(e.Term, 10)
		}
		got := strings.Join(terms, " ")
		first := uint64(1)
		if len(log) > 0 {
			first = log[0].Index
		}
		return got == p.Value, fmt.Sprintf("%s log terms are %q from index %d", fmtNode(p.Node), got, first)
	case "conf":
		conf := w.nodes[p.Node-1].status().Conf
		ids := map[string][]raft.NodeID{"voters": conf.Voters, "learners": conf.Learners}[p.Field]
		got := fmtNodes(ids)
		return got == p.Value, fmt.Sprintf("%s %s are %q", fmtNode(p.Node), p.Field, got)
	case "kv":
		got := ""
		if sn := w.nodes[p.Node-1]; sn.store != nil {
			got, _ = sn.store.Get(p.Field)
		}
		return compare(got, p.Op, p.Value), fmt.Sprintf("%s kv %s is %q", fmtNode(p.Node), p.Field, got)
	case "replicator":
		return r.evalReplicator(p)
	case "committed":
		return r.evalCommitted(p)
	case "call":
		h, ok := w.Call(r.calls[p.Name])
		switch {
		case !ok:
			return false, p.Name + " was not called yet"
		case !h.Done:
			return p.Op == "pending", p.Name + " is pending"
		}
		got := fmt.Sprintf("%s returned %q at %v", p.Name, h.Value, h.Return)
		return p.Op == "returned" && (!p.HasValue || h.Value == p.Value), got
	case "message":
		n := len(r.selectMsgs(p.Msg, true, true))
		return n > 0, fmt.Sprintf("%d such messages in flight", n)
	case "violation":
		if err := w.Violation(); err != nil {
			return false, err.Error()
		}
		return true, "no violation"
	case "linearizable":
		if err := w.CheckLinearizability(linearizabilityTimeout); err != nil {
			return false, err.Error()
		}
		return true, fmt.Sprintf("%d client calls are linearizable", len(w.History()))
	}
	return false, "unknown condition " + p.Subject
}

func (r *Runner) evalReplicator(p *Predicate) (bool, string) {
	sn := r.w.nodes[p.Node-1]
	if sn.node == nil || sn.node.Role() != raft.Leader {
		return false, fmt.Sprintf("%s is not a leader, so it has no replicators", fmtNode(p.Node))
	}
	for _, rs := range sn.node.Status().Replicators {
		if rs.Peer == p.Peer {
			got := replicatorField(rs, p.Field)
			return compare(got, p.Op, p.Value), fmt.Sprintf("replicator %s->%s %s is %s", fmtNode(p.Node), fmtNode(p.Peer), p.Field, got)
		}
	}
	return false, fmt.Sprintf("%s has no replicator for %s", fmtNode(p.Node), fmtNode(p.Peer))
}

func (r *Runner) evalCommitted(p *Predicate) (bool, string) {
	nodes := p.Nodes
	if nodes == nil {
		nodes = NodeIDs(r.w)
	}
	ok := true
	var seen []string
	for _, id := range nodes {
		st := r.w.nodes[id-1].status()
		if !st.Up || st.CommitIndex < p.Index {
			ok = false
		}
		c := strconv.FormatUint(st.CommitIndex, 10)
		if !st.Up {
			c = "down"
		}
		seen = append(seen, fmtNode(id)+"="+c)
	}
	return ok, "commit index " + strings.Join(seen, " ")
}

func nodeField(st NodeStatus, field string) string {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	node := func(id raft.NodeID) string {
		if id == raft.None {
			return "none"
		}
		return fmtNode(id)
	}
	switch field {
	case "role":
		if !st.Up {
			return "down"
		}
		return st.Role.String()
	case "state":
		return map[bool]string{true: "up", false: "down"}[st.Up]
	case "vote":
		return node(st.Vote)
	case "leader":
		return node(st.Leader)
	case "term":
		return u(st.Term)
	case "commit-index":
		return u(st.CommitIndex)
	case "applied-index":
		return u(st.AppliedIndex)
	case "first-index":
		return u(st.FirstIndex)
	case "last-index":
		return u(st.LastIndex)
	case "last-log-term":
		return u(st.LastLogTerm)
	}
	return u(st.SnapshotIndex)
}

func replicatorField(rs raft.ReplicatorStatus, field string) string {
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	switch field {
	case "state":
		return strings.ToLower(rs.State.String())
	case "blocked":
		return map[bool]string{true: "yes", false: "no"}[rs.BlockedUntil != 0]
	case "next-index":
		return u(rs.NextIndex)
	case "match-index":
		return u(rs.MatchIndex)
	case "inflights":
		return strconv.Itoa(len(rs.Inflights))
	case "seq":
		return u(rs.Seq)
	case "required-next-seq":
		return u(rs.RequiredNextSeq)
	case "pending-responses":
		return strconv.Itoa(len(rs.PendingResponses))
	case "errors":
		return strconv.Itoa(rs.ConsecutiveErrors)
	case "timeout-now-index":
		return u(rs.TimeoutNowIndex)
	}
	return u(rs.Version)
}

// compare applies op to got and want: numbers compare as numbers, other
// values only for (in)equality.
func compare(got, op, want string) bool {
	g, gerr := strconv.ParseUint(got, 10, 64)
	v, verr := strconv.ParseUint(want, 10, 64)
	numeric := gerr == nil && verr == nil
	switch op {
	case "is":
		return got == want
	case "is not":
		return got != want
	case ">=":
		return numeric && g >= v
	case "<=":
		return numeric && g <= v
	case ">":
		return numeric && g > v
	case "<":
		return numeric && g < v
	}
	return false
}

// RunScenario parses and runs a scenario; it returns the runner (for the
// outcomes and the world) even when a step failed.
func RunScenario(text string) (*Runner, error) {
	sc, err := Parse(text)
	if err != nil {
		return nil, err
	}
	r, err := NewRunner(sc)
	if err != nil {
		return nil, err
	}
	return r, r.Run()
}
