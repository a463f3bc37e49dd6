package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// everyInstruction uses every setting, action and condition of the format
// (docs/scenarios.md), so that the round trip below covers them all.
const everyInstruction = `# a comment
nodes 5
seed 42
election-timeout 250ms
election-timeout-max 400ms
heartbeat-interval 50ms
pre-vote off
lease-reads off
read-index on
backtrack-by-term on
link-latency 5ms..8ms
link-loss 0.01
link-duplicate 0.02
link-reorder 0.03
late-replies 0.5
late-reply-delay 100ms..1.5s
rpc-timeout 200ms
down-fail-max 1s
node-rpc-timeout 400ms
check-quorum-window 2s
disk-latency 2ms
max-inflight 4
max-entries 3
snapshot-every 100
clients 2
client-rate 5.5
keys 3
client-timeout 2s

when leader elected within 3s
say A leader is elected # and this is part of the text
note n2 "  spaced  narration "
say "Quoted" words start this line
say "a string" # and a comment
at 1.5s crash n2
at 1.6s step 1234 crash n3
after 200ms restart n2
cut n1->n2
heal n1<->n3
heal all
partition n1 n2 | n3 n4 n5
partition n1
partition none
isolate n3
link n1<->n2 down latency 10ms..20ms loss 0.1 duplicate 0.2 reorder 0.3 late-replies 0.4 response-delay 30ms
link n2->n1 up latency-min 1ms
link n2->n1 latency-max 3ms
response-delay n4 150ms
hold first append n1->n2
release last append-resp n2->n1
drop heartbeat n1->n3
duplicate msg 17
hold all vote n2->n3
put x 1 as w1
append x "two words" via n2 as a2
get x via n3 as r1
get "#hash" as r2
propose data
propose "via" to n1
transfer leadership
transfer leadership to n3
add n4
add learner n5
promote n5
remove n1
change-peers voters n1 n2 n3 learners n4
snapshot n2
expect leader is n1
expect leader is not none
expect not leader is n2
expect n1 is leader
expect n2 is not down
expect n3 term >= 2
expect n3 vote is n1
expect n3 leader is none
expect n4 commit-index < 10
expect n4 applied-index > 1
expect n4 first-index <= 3
expect n4 last-index is 7
expect n4 last-log-term is not 3
expect n5 snapshot-index is 0
expect n5 role is candidate
expect n5 state is up
expect n1 log terms are 1 1 2
expect n1 log terms are none
expect n1 voters are n1 n2 n3
expect n1 learners are none
expect n2 kv x is "two words"
expect n2 kv x is not 1
expect replicator n1->n2 state is probe
expect replicator n1->n2 blocked is yes
expect replicator n1->n2 next-index is 4
expect replicator n1->n2 match-index >= 3
expect replicator n1->n2 inflights is 2
expect replicator n1->n2 seq is 5
expect replicator n1->n2 required-next-seq is 4
expect replicator n1->n2 pending-responses is 1
expect replicator n1->n2 errors is 0
expect replicator n1->n2 timeout-now-index is 0
expect replicator n1->n2 version is 1
expect index 3 committed on all
expect index 3 committed on n1 n2 n3
expect r1 returned
expect r1 returned ""
expect not r2 is pending
step A tour's step # with its title
step "5"
highlight n2 term
highlight replicator n1->n3 next-index
expect append n1->n2 in flight
expect msg 3 in flight
expect no violation
expect linearizable
when r1 returned expect r1 returned "1"
at 20s
`

// withoutLines clears line numbers so that scenarios parsed from different
// texts compare equal.
func withoutLines(sc *Scenario) *Scenario {
	c := *sc
	c.Settings = append([]Setting{}, sc.Settings...)
	c.Steps = append([]Step{}, sc.Steps...)
	for i := range c.Settings {
		c.Settings[i].Line = 0
	}
	for i := range c.Steps {
		c.Steps[i].Line = 0
	}
	return &c
}

// TestScenarioRoundTrip: Format prints what Parse reads back as the same
// scenario (shared URLs encode runs this way, issue 9 item 8), and printing
// is stable.
func TestScenarioRoundTrip(t *testing.T) {
	sc, err := Parse(everyInstruction)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(sc.Steps), strings.Count(everyInstruction, "\n")-29; got != want {
		t.Fatalf("parsed %d steps, want %d", got, want)
	}
	text := Format(sc)
	again, err := Parse(text)
	if err != nil {
		t.Fatalf("the printed scenario does not parse: %v\n%s", err, text)
	}
	if !reflect.DeepEqual(withoutLines(sc), withoutLines(again)) {
		t.Fatalf("round trip changed the scenario:\n%s", text)
	}
	if Format(again) != text {
		t.Fatal("printing is not stable")
	}
	// Spot checks of the structure.
	say := sc.Steps[1].Action
	if say.Verb != "say" || say.Text != "A leader is elected # and this is part of the text" {
		t.Fatalf("say: %+v", say)
	}
	if n := sc.Steps[2].Action; n.Text != "  spaced  narration " || n.Nodes[0] != 2 {
		t.Fatalf("note: %+v", n)
	}
	if a, b := sc.Steps[3].Action.Text, sc.Steps[4].Action.Text; a != `"Quoted" words start this line` || b != "a string" {
		t.Fatalf("say: %q, %q", a, b)
	}
	if st := sc.Steps[0]; st.Timing.Kind != When || st.Timing.Within != 3*time.Second || st.Timing.Cond.Op != "is not" {
		t.Fatalf("when: %+v", st.Timing)
	}
}

// TestScenarioParseSkipsBOM: a scenario saved by an editor that starts
// UTF-8 files with a byte order mark reads as the same scenario; a mark
// anywhere else is still an error.
func TestScenarioParseSkipsBOM(t *testing.T) {
	const text = "nodes 3\nseed 7\nat 1s crash n1\n"
	want, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse("\ufeff" + text)
	if err != nil {
		t.Fatalf("with a byte order mark: %v", err)
	}
	if Format(got) != Format(want) || !reflect.DeepEqual(withoutLines(got), withoutLines(want)) {
		t.Fatalf("with a byte order mark:\n%s\nwithout:\n%s", Format(got), Format(want))
	}
	if _, err := Parse("nodes 3\n\ufeffseed 7\n"); err == nil {
		t.Fatal("a byte order mark inside the text was accepted")
	}
}

// TestScenarioParseErrors: every error names the line and column and what
// was expected there.
func TestScenarioParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"nodes", `line 1, column 6: expected a whole number after nodes, got the end of the line`},
		{"nodes 12", `line 1, column 7: expected between 1 and 9 nodes, got 12`},
		{"seed 1\nnodes 3", `line 2, column 1: nodes must be the first setting`},
		{"seed 1\nseed 2", `line 2, column 1: seed is already set on line 1`},
		{"crash n1\nseed 2", `line 2, column 1: settings come before the first step, but seed comes after the step on line 1`},
		{"election-timeout 3", `line 1, column 18: expected a duration like 300ms or 1.5s after election-timeout, got "3"`},
		{"link-latency 5ms", `line 1, column 14: expected a range of durations like 10ms..15ms after link-latency, got "5ms"`},
		{"link-loss 2", `line 1, column 11: expected a probability between 0 and 1 after link-loss, got "2"`},
		{"pre-vote yes", `line 1, column 10: expected on or off after pre-vote, got "yes"`},
		{"seed 1 2", `line 1, column 8: expected the end of the line, got "2"`},
		{"explode n1", `line 1, column 1: expected an instruction (a setting such as nodes, a timing such as at 1s, or an action such as crash n1), got "explode"`},
		{"crash n1\nexplode", `line 2, column 1: expected an action such as crash n1, expect leader is n1 or say some text, got "explode"`},
		{"at 1s step x crash n1", `line 1, column 12: expected the number of events handled, after "step", got "x" (a tour's step line takes no timing: write the timing on a line of its own after it)`},
		{"when leader elected step Elected", `line 1, column 21: a tour's step line takes no timing: write the timing on a line of its own after it`},
		{"step", `line 1, column 5: expected the text to show, got the end of the line`},
		{"highlight", `line 1, column 10: expected what to highlight: a node field like n2 term, or a replicator field like replicator n1->n2 next-index, got the end of the line`},
		{"highlight n1 mood", `line 1, column 14: expected a node field (role, state, vote, leader, term, commit-index, applied-index, first-index, last-index, last-log-term, snapshot-index), got "mood"`},
		{"highlight replicator n1<->n2 seq", `line 1, column 22: expected a link like n1->n2, got "n1<->n2"`},
		{"highlight replicator n1->n2 speed", `line 1, column 29: expected a replicator field (state, blocked, next-index, match-index, inflights, seq, required-next-seq, pending-responses, errors, timeout-now-index, version), got "speed"`},
		{"highlight n1 term n2", `line 1, column 19: expected the end of the line, got "n2"`},
		{"at soon crash n1", `line 1, column 4: expected a time like 1.5s after "at", got "soon"`},
		{"after -1s crash n1", `line 1, column 7: expected a duration like 200ms after "after", got "-1s"`},
		{"crash", `line 1, column 6: expected a node like n1, got the end of the line`},
		{"crash 2", `line 1, column 7: expected a node like n1, got "2"`},
		{"crash n6", `line 1, column 7: there is no node n6: the cluster has n1 to n5`},
		{"nodes 3\ncrash n4", `line 2, column 7: there is no node n4: the cluster has n1 to n3`},
		{"cut n1", `line 1, column 5: expected a link like n1->n2 (one way) or n1<->n2 (both ways), got "n1"`},
		{"cut n1->n1", `line 1, column 5: a link joins two different nodes, got "n1->n1"`},
		{"cut n1->n7", `line 1, column 9: there is no node n7: the cluster has n1 to n5`},
		{"hold append n1<->n2", `line 1, column 13: expected a link like n1->n2, got "n1<->n2"`},
		{"hold n1->n2", `line 1, column 6: expected all, first, last, a message type (any, append, append-resp, heartbeat, heartbeat-resp, pre-vote, pre-vote-resp, vote, vote-resp, install-snapshot, install-snapshot-resp, timeout-now, timeout-now-resp, read-index, read-index-resp) or msg N, got "n1->n2"`},
		{"drop msg 0", `line 1, column 10: message numbers start at 1`},
		{"drop msg x", `line 1, column 10: expected a message number after msg, got "x"`},
		{"partition n1 n2 | n2 n3", `line 1, column 24: n2 is in two groups`},
		{"partition n1 n1", `line 1, column 14: n1 is listed twice`},
		{"partition n1 |", `line 1, column 15: expected a node like n1, got the end of the line`},
		{"link n1->n2", `line 1, column 12: expected a link property: up, down, latency, latency-min, latency-max, loss, duplicate, reorder, late-replies, response-delay, got the end of the line`},
		{"link n1->n2 up down", `line 1, column 16: up is set twice on this line`},
		{"link n1->n2 loss 1.5", `line 1, column 18: expected a probability between 0 and 1 after loss, got "1.5"`},
		{"link n1->n2 latency 5ms", `line 1, column 21: expected a latency range like 10ms..50ms (at most 1m0s), got "5ms"`},
		{"link n1->n2 response-delay 2m", `line 1, column 30: response-delay must be at most 1m0s`},
		{"response-delay n1 2m", `line 1, column 21: the response delay must be at most 1m0s`},
		{"put x", `line 1, column 6: expected a value, got the end of the line`},
		{`put "" 1`, `line 1, column 5: a key must have 1 to 1024 bytes`},
		{"get x as n1", `line 1, column 10: expected a name for the call, like r1 (a lower-case letter, then letters, digits, - or _), got "n1"`},
		{"get x as leader", `line 1, column 10: "leader" is a keyword; name the call something else, like r1`},
		{"get x as r1\nget y as r1", `line 2, column 10: a call is already named r1`},
		{"get x via", `line 1, column 10: expected a node like n1, got the end of the line`},
		{`put x "open`, `line 1, column 7: this string is not closed or has a bad escape (strings are written like "two words")`},
		{"transfer n2", `line 1, column 10: expected "leadership", got "n2"`},
		{"change-peers n1", `line 1, column 14: expected "voters", got "n1"`},
		{"change-peers voters n1 n2 learners n2", `line 1, column 38: n2 cannot be both a voter and a learner`},
		{"add learner", `line 1, column 12: expected a node like n1, got the end of the line`},
		{"say", `line 1, column 4: expected the text to show, got the end of the line`},
		{"expect", `line 1, column 7: expected a condition: leader is n1, n1 is leader, n1 term is 2, n1 voters are n1 n2 n3, index 3 committed on all, replicator n1->n2 state is probe, r1 returned, append n1->n2 in flight, no violation or linearizable, got the end of the line`},
		{"expect leader n1", `line 1, column 15: expected is or is not, got "n1"`},
		{"expect leader is n9", `line 1, column 18: there is no node n9: the cluster has n1 to n5`},
		{"expect leader is someone", `line 1, column 18: expected a node like n1, or none, got "someone"`},
		{"expect n1 is king", `line 1, column 14: expected a role (follower, precandidate, candidate, leader), up or down, got "king"`},
		{"expect n1 height is 3", `line 1, column 11: expected is, log, voters, learners, kv or a node field (role, state, vote, leader, term, commit-index, applied-index, first-index, last-index, last-log-term, snapshot-index), got "height"`},
		{"expect n1 term = 3", `line 1, column 16: expected is, is not, >=, <=, > or <, got "="`},
		{"expect n1 term is three", `line 1, column 19: expected a number, got "three"`},
		{"expect n1 role > leader", `line 1, column 16: expected is or is not, got ">"`},
		{"expect n1 log terms are x", `line 1, column 25: expected the terms of the log's entries, like 1 1 2, or none, got "x"`},
		{"expect n1 voters n1", `line 1, column 18: expected "are", got "n1"`},
		{"expect n1 learners are n7", `line 1, column 24: there is no node n7: the cluster has n1 to n5`},
		{"expect n1 voters are everyone", `line 1, column 22: expected a list of nodes like n1 n2 n3, or none, got "everyone"`},
		{"expect n1 kv x is", `line 1, column 18: expected a value, got the end of the line`},
		{"expect replicator n1->n2 mood is good", `line 1, column 26: expected a replicator field (state, blocked, next-index, match-index, inflights, seq, required-next-seq, pending-responses, errors, timeout-now-index, version), got "mood"`},
		{"expect replicator n1->n2 state is fine", `line 1, column 35: expected probe or replicate or snapshot, got "fine"`},
		{"expect replicator n1->n2 blocked is maybe", `line 1, column 37: expected yes or no, got "maybe"`},
		{"expect index x committed on all", `line 1, column 14: expected an index after "index", got "x"`},
		{"expect index 3 committed", `line 1, column 25: expected "on", got the end of the line`},
		{"expect index 3 committed on", `line 1, column 28: expected all or a list of nodes like n1 n2 n3, got the end of the line`},
		{"expect no leader", `line 1, column 11: expected "violation", got "leader"`},
		{"expect r1 returned", `line 1, column 8: no call is named r1 yet (name one with: get KEY as r1)`},
		{"get x as r1\nexpect r1 done", `line 2, column 11: expected "returned", got "done"`},
		{"expect append n1->n2 flying", `line 1, column 22: expected "in", got "flying"`},
		{"when leader elected within 0s crash n1", `line 1, column 30: within must be longer than 0s`},
		{"when leader elected within crash n1", `line 1, column 28: expected a duration like 5s after "within", got "crash"`},
		{"when leader elected crash", `line 1, column 26: expected a node like n1, got the end of the line`},
		{"crash n1 n2", `line 1, column 10: expected the end of the line, got "n2"`},
		{"# é\ncrash é", `line 2, column 7: expected a node like n1, got "é"`},
		{strings.Repeat("x", maxLineBytes+1), `line 1, column 1: a line must be at most 4096 bytes, this one has 4097`},
	} {
		_, err := Parse(tc.in)
		if err == nil {
			t.Errorf("%q parsed", tc.in)
			continue
		}
		if err.Error() != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.in, err, tc.want)
		}
	}
	if _, err := Parse(strings.Repeat("\n", MaxScenarioBytes+1)); err == nil || !strings.Contains(err.Error(), "at most 1048576 bytes") {
		t.Errorf("a huge scenario: %v", err)
	}
}

// FuzzScenarioParse: Parse never panics, and whatever it accepts prints
// back to the same scenario.
func FuzzScenarioParse(f *testing.F) {
	f.Add(everyInstruction)
	for _, s := range []string{"say \"\\x00\"", "put \"a b\" \"\" via n1 as r", "note n1 \"\"", "partition none", "crash n1 # c"} {
		f.Add(s)
	}
	if files, _ := filepath.Glob(filepath.Join(libraryDir, "*.txt")); len(files) > 0 {
		for _, name := range files {
			b, _ := os.ReadFile(name)
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		sc, err := Parse(text)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out := Format(sc)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("the printed scenario does not parse: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(withoutLines(sc), withoutLines(again)) {
			t.Fatalf("round trip changed the scenario:\nin:  %q\nout: %q", text, out)
		}
	})
}

// handRun makes a world with every kind of intervention, hand client calls
// and a snapshot by hand among them, and runs it to until.
func handRun(t *testing.T, until time.Duration) *World {
	t.Helper()
	o := DefaultOptions()
	o.Seed, o.Clients, o.ClientRate = 11, 2, 20
	w, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	ms := 20 * time.Millisecond
	steps := []struct {
		at time.Duration
		do func() error
	}{
		{time.Second, func() error { _, err := w.Put(raft.None, "x", "1"); return err }},
		{time.Second, func() error { _, err := w.Append(3, "x", "2"); return err }},
		{2 * time.Second, func() error { _, err := w.Get(2, "x"); return err }},
		{3 * time.Second, func() error { return w.Snapshot(w.Leader()) }},
		{4 * time.Second, func() error { return w.Crash(w.Leader()) }},
		{5 * time.Second, func() error { return w.SetLinkConfig(1, 2, LinkConfig{LatencyMin: &ms}) }},
		{6 * time.Second, func() error { return w.Partition([]raft.NodeID{1, 2, 3}) }},
		{7 * time.Second, func() error { w.HealAll(); return nil }},
		{7 * time.Second, func() error { return w.Restart(firstDown(w)) }},
		{8 * time.Second, func() error { return w.Hold(w.Status().Wire[0].ID) }},
		{9 * time.Second, func() error { return w.TransferLeadership(raft.None) }},
		{9 * time.Second, func() error { w.Note(2, "a note"); return nil }},
		{10 * time.Second, func() error { _, err := w.Propose([]byte("raw")); return err }},
		{11 * time.Second, func() error { return w.SetResponseDelay(3, 40*time.Millisecond) }},
		{12 * time.Second, func() error { return w.Isolate(4) }},
	}
	for _, s := range steps {
		if s.at > until {
			break
		}
		w.RunUntil(s.at)
		if err := s.do(); err != nil {
			t.Fatalf("at %v: %v", s.at, err)
		}
	}
	w.RunUntil(until)
	if err := w.Violation(); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestScenarioHandCallsSeek: hand client calls and snapshots are
// interventions like the rest: seeking back gives the world a run stopped
// there had, their answers included.
func TestScenarioHandCallsSeek(t *testing.T) {
	end := handRun(t, 16*time.Second)
	h := end.History()
	var hand int
	for _, op := range h {
		if op.Client > 2 && op.Done {
			hand++
		}
	}
	if hand != 3 {
		t.Fatalf("%d hand calls answered, want 3: %+v", hand, h)
	}
	if c, ok := end.Call(4); !ok || !c.Done || c.Value != "2" {
		t.Fatalf("the append by hand: %+v %v", c, ok)
	}
	if c, ok := end.Call(5); !ok || !c.Done || c.Value != "12" {
		t.Fatalf("the get by hand read %+v, want x = 12 (the put, then the append)", c)
	}
	if err := end.CheckLinearizability(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Duration{1500 * time.Millisecond, 3 * time.Second, 9 * time.Second, 16 * time.Second} {
		got, err := end.Seek(at)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := statusJSON(t, got), statusJSON(t, handRun(t, at)); g != w {
			t.Fatalf("seek to %v differs from a run stopped there:\nseek: %.600s\nrun:  %.600s", at, g, w)
		}
	}
}

// TestScenarioFromInterventions: a run written as a scenario, printed,
// read back and run again gives the same world (shared URLs, issue 9 item
// 8).
func TestScenarioFromInterventions(t *testing.T) {
	w := handRun(t, 16*time.Second)
	sc, err := FromInterventions(w.Options(), w.Interventions(), w.Now())
	if err != nil {
		t.Fatal(err)
	}
	text := Format(sc)
	for _, want := range []string{"seed 11\nclients 2\nclient-rate 20\n", "at 1s put x 1\n", "at 1s append x 2 via n3\n", "at 3s snapshot n", "at 5s link n1->n2 latency-min 20ms\n",
		"at 6s partition n1 n2 n3\n", "at 8s hold msg ", "at 9s note n2 a note\n", "at 10s propose raw to n", "at 16s\n"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the scenario lacks %q:\n%s", want, text)
		}
	}
	r, err := RunScenario(text)
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if g, want := statusJSON(t, r.World()), statusJSON(t, w); g != want {
		t.Fatalf("the scenario's run differs from the original:\nscenario: %.600s\noriginal: %.600s", g, want)
	}
	if _, err := FromInterventions(w.Options(), []Intervention{{Kind: "teleport", At: time.Second}}, 0); err == nil ||
		err.Error() != "sim: intervention 0 (teleport at 1s) has no scenario form" {
		t.Fatalf("an unknown kind: %v", err)
	}
}

// TestScenarioWhenStopsBetweenInstants: "when" acts at the end of the
// first instant after which its condition holds, so the intervention it
// makes replays exactly; World.Step handles one event at a time.
func TestScenarioWhenStopsBetweenInstants(t *testing.T) {
	r, err := RunScenario("nodes 3\nwhen leader elected\ncrash n1\nafter 2s\n")
	if err != nil {
		t.Fatal(err)
	}
	w := r.World()
	ivs := w.Interventions()
	if len(ivs) != 1 || ivs[0].Kind != "crash" || ivs[0].At == 0 {
		t.Fatalf("interventions: %+v", ivs)
	}
	re, err := Replay(w.Options(), ivs, w.Now())
	if err != nil {
		t.Fatal(err)
	}
	if statusJSON(t, re) != statusJSON(t, w) {
		t.Fatal("a replay of the when-run differs")
	}
	// The leader was elected in the instant the crash was made, not before.
	before, err := Replay(w.Options(), nil, ivs[0].At-1)
	if err != nil {
		t.Fatal(err)
	}
	if before.Leader() != raft.None {
		t.Fatalf("a leader existed before %v", ivs[0].At)
	}
	one, _ := New(w.Options())
	n := one.Trace().Len()
	if !one.Step() || one.Trace().Len() <= n || one.Now() == 0 {
		t.Fatal("Step handled no event")
	}
}

// libraryDir holds the scenario library shipped with the site.
var libraryDir = filepath.Join("..", "..", "static", "scenarios")

// TestScenarioLibrary runs every scenario of the library: each must run
// to its end with every expectation met.
func TestScenarioLibrary(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(libraryDir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios in %s: %v", libraryDir, err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := RunScenario(string(b))
			if r != nil {
				for _, o := range r.Outcomes() {
					if !o.Pass {
						t.Error(o)
					}
				}
				if len(r.Outcomes()) == 0 {
					t.Error("the scenario expects nothing")
				}
			}
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestScenarioStepMidInstant: an intervention made between two events of
// one instant (after World.Step) records how many events had run, and a
// replay, a seek and the run written as a scenario all make it at that
// point, not at the end of the instant.
func TestScenarioStepMidInstant(t *testing.T) {
	o := DefaultOptions()
	// Fixed latencies: a leader's heartbeats to all four peers arrive in
	// one instant.
	o.Seed, o.LatencyMin, o.LatencyMax = 5, 20*time.Millisecond, 20*time.Millisecond
	run := func(until time.Duration) *World {
		w, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		w.RunUntil(time.Second)
		// Step into an instant with more events still due in it.
		for w.Step() && !w.deliveryDueNow() {
			if w.now > 2*time.Second {
				t.Fatal("no instant with two events")
			}
		}
		// Drop the message the next event of this instant delivers.
		next, _, _, _ := w.next()
		if err := w.Drop(MsgID(next.id)); err != nil {
			t.Fatal(err)
		}
		if err := w.Crash(w.Leader()); err != nil {
			t.Fatal(err)
		}
		w.RunUntil(until)
		return w
	}
	w := run(3 * time.Second)
	ivs := w.Interventions()
	if len(ivs) != 2 || ivs[0].Step == nil || *ivs[0].Step != *ivs[1].Step || *ivs[0].Step == 0 {
		t.Fatalf("interventions: %+v", ivs)
	}
	// Made at the end of the instant instead, the drop comes too late:
	// the step matters.
	late := append([]Intervention(nil), ivs...)
	late[0].Step, late[1].Step = nil, nil
	if other, err := Replay(o, late, w.Now()); err == nil && statusJSON(t, other) == statusJSON(t, w) {
		t.Fatal("the instant's remaining events changed nothing; the test shows nothing")
	}
	re, err := Replay(o, ivs, w.Now())
	if err != nil {
		t.Fatal(err)
	}
	if statusJSON(t, re) != statusJSON(t, w) {
		t.Fatal("the replay differs")
	}
	at := ivs[0].At
	sought, err := w.Seek(at)
	if err != nil {
		t.Fatal(err)
	}
	if statusJSON(t, sought) != statusJSON(t, run(at)) {
		t.Fatal("the seek differs")
	}
	sc, err := FromInterventions(o, ivs, w.Now())
	if err != nil {
		t.Fatal(err)
	}
	text := Format(sc)
	if !strings.Contains(text, fmt.Sprintf("at %v step %d drop msg ", at, *ivs[0].Step)) {
		t.Fatalf("the scenario:\n%s", text)
	}
	r, err := RunScenario(text)
	if err != nil {
		t.Fatal(err)
	}
	if statusJSON(t, r.World()) != statusJSON(t, w) {
		t.Fatal("the scenario's run differs")
	}
}

// deliveryDueNow reports whether the next event delivers a message now.
func (w *World) deliveryDueNow() bool {
	ev, _, _, ok := w.next()
	return ok && ev.at == w.now && ev.kind == evDeliver
}
