package raft

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Scenario scripts live in testdata/*.txt. A script is a list of blocks
// separated by blank lines; each block is optional '#' comment lines, one
// command, a line "----", and the command's expected output: the trace of
// messages and state changes it caused. Run
//
//	go test ./raft/ -run TestScenarios -rewrite
//
// to regenerate the expected output, then review the diff. Scripts in
// testdata/canary/NAME.txt run only in builds with -tags canary, with
// canary NAME switched on (TestCanaryScenarios): each shows the planted
// bug breaking what a script in testdata/ shows holding.
//
// Commands (ids are node ids, filters are "1->2 AppendEntriesResp seq=3
// heartbeat|no-heartbeat" with any part optional, "*" for any node and
// "1<->2" for both directions):
//
//	nodes N [prevote=off] [backtrack-by-term] [max-inflight=N] [max-entries=N]
//	        [max-bytes=N] [read=lease] [catchup-margin=N]
//	disk ID term=T [vote=V] [log=T,T,...]   set a node's disk and restart it
//	add-node ID                  start an empty node that joins later
//	campaign ID                  move the clock to ID's election deadline, tick it
//	elect ID                     campaign and deliver the election messages only
//	tick IDS|all [DURATION]      advance the clock, then fire due timers
//	advance DURATION             advance the clock only
//	run DURATION                 every 60ms: advance, tick all, deliver all
//	deliver [FILTER]             deliver matching messages until none is left
//	deliver-one [FILTER]         deliver the oldest matching message, held or not
//	hold FILTER / release [FILTER]   keep messages from delivery / let them go
//	drop FILTER / dup FILTER     drop / duplicate queued messages
//	cut FILTER / isolate ID / heal   drop messages as they are sent
//	rpc-error FILTER             fail the oldest matching request at its sender
//	queue                        list the messages in flight
//	propose ID DATA...           one proposal per DATA
//	crash ID / restart ID
//	status ID / log IDS|all / time
//	compact ID INDEX
//	add-peer ID NEW / add-learner ID NEW / promote ID NEW / remove-peer ID OLD
//	transfer ID TARGET|any
//	read ID READ-ID
var rewrite = flag.Bool("rewrite", false, "rewrite the expected output of testdata/*.txt")

func TestScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no scenarios in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) { runScenario(t, file) })
	}
}

// block is one command of a script with its expected output.
type block struct {
	line     int // of the command
	comments []string
	cmd      string
	want     string
}

func parseScript(t *testing.T, file string) []block {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []block
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); {
		if strings.TrimSpace(lines[i]) == "" {
			i++
			continue
		}
		var b block
		for ; i < len(lines) && strings.HasPrefix(lines[i], "#"); i++ {
			b.comments = append(b.comments, lines[i])
		}
		if i >= len(lines) || strings.TrimSpace(lines[i]) == "" {
			t.Fatalf("%s:%d: comment without a command", file, i)
		}
		b.line, b.cmd = i+1, lines[i]
		i++
		if i >= len(lines) || lines[i] != "----" {
			t.Fatalf("%s:%d: want ---- after the command", file, i+1)
		}
		var out []string
		for i++; i < len(lines) && lines[i] != ""; i++ {
			out = append(out, lines[i])
		}
		b.want = strings.Join(out, "\n")
		blocks = append(blocks, b)
	}
	return blocks
}

func runScenario(t *testing.T, file string) {
	blocks := parseScript(t, file)
	s := &scenario{t: t}
	var buf strings.Builder
	for _, b := range blocks {
		got := strings.TrimRight(s.run(b.cmd), "\n")
		if *rewrite {
			for _, c := range b.comments {
				buf.WriteString(c + "\n")
			}
			fmt.Fprintf(&buf, "%s\n----\n", b.cmd)
			if got != "" {
				buf.WriteString(got + "\n")
			}
			buf.WriteString("\n")
			continue
		}
		if got != b.want {
			t.Errorf("%s:%d: %s\n%s", file, b.line, b.cmd, lineDiff(b.want, got))
		}
	}
	if *rewrite {
		if err := os.WriteFile(file, []byte(strings.TrimRight(buf.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// lineDiff shows expected and actual output side by side from the first
// line that differs.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at output line %d\n--- want\n", i+1)
	for _, l := range w[i:min(len(w), i+15)] {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("--- got\n")
	for _, l := range g[i:min(len(g), i+15)] {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

// scenario runs the commands of one script on one cluster.
type scenario struct {
	t *testing.T
	c *cluster
}

// errUsage marks a malformed command: the script is wrong, not the node.
var errUsage = errors.New("usage")

// commands maps a command to its handler. A handler writes extra output to
// out; the cluster's trace comes first.
var commands map[string]func(s *scenario, args []string, out *strings.Builder) error

func init() {
	commands = map[string]func(s *scenario, args []string, out *strings.Builder) error{
		"nodes":       (*scenario).cmdNodes,
		"disk":        (*scenario).cmdDisk,
		"add-node":    (*scenario).cmdAddNode,
		"campaign":    (*scenario).cmdCampaign,
		"elect":       (*scenario).cmdElect,
		"tick":        (*scenario).cmdTick,
		"advance":     (*scenario).cmdAdvance,
		"run":         (*scenario).cmdRun,
		"deliver":     (*scenario).cmdDeliver,
		"deliver-one": (*scenario).cmdDeliverOne,
		"hold":        (*scenario).cmdHold,
		"release":     (*scenario).cmdRelease,
		"drop":        (*scenario).cmdDrop,
		"dup":         (*scenario).cmdDup,
		"cut":         (*scenario).cmdCut,
		"isolate":     (*scenario).cmdIsolate,
		"heal":        (*scenario).cmdHeal,
		"rpc-error":   (*scenario).cmdRPCError,
		"queue":       (*scenario).cmdQueue,
		"propose":     (*scenario).cmdPropose,
		"crash":       (*scenario).cmdCrash,
		"restart":     (*scenario).cmdRestart,
		"status":      (*scenario).cmdStatus,
		"log":         (*scenario).cmdLog,
		"time":        (*scenario).cmdTime,
		"compact":     (*scenario).cmdCompact,
		"add-peer":    confCmd(func(n *Node, now time.Duration, id NodeID) error { return n.AddPeer(now, id) }),
		"add-learner": confCmd(func(n *Node, now time.Duration, id NodeID) error { return n.AddLearner(now, id) }),
		"promote":     confCmd(func(n *Node, now time.Duration, id NodeID) error { return n.PromoteLearner(now, id) }),
		"remove-peer": confCmd(func(n *Node, now time.Duration, id NodeID) error { return n.RemovePeer(now, id) }),
		"transfer":    (*scenario).cmdTransfer,
		"read":        (*scenario).cmdRead,
	}
}

// run executes one command line and returns its output.
func (s *scenario) run(line string) string {
	s.t.Helper()
	fields := strings.Fields(line)
	h, ok := commands[fields[0]]
	if !ok {
		s.t.Fatalf("unknown command %q", fields[0])
	}
	if s.c == nil && fields[0] != "nodes" {
		s.t.Fatalf("%q before nodes", line)
	}
	var out strings.Builder
	err := h(s, fields[1:], &out)
	if errors.Is(err, errUsage) {
		s.t.Fatalf("%s: %v", line, err)
	}
	res := ""
	if s.c != nil {
		res = s.c.takeTrace()
	}
	res += out.String()
	if err != nil {
		res += "error: " + err.Error() + "\n"
	}
	return res
}

func usage(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

func parseID(s string) (NodeID, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 {
		return None, usage("bad node id %q", s)
	}
	return NodeID(v), nil
}

// ids parses node ids, "all" meaning every node.
func (s *scenario) ids(args []string) ([]NodeID, error) {
	if len(args) == 1 && args[0] == "all" {
		var ids []NodeID
		for _, tn := range s.c.nodes {
			ids = append(ids, tn.id)
		}
		return ids, nil
	}
	var ids []NodeID
	for _, a := range args {
		id, err := parseID(a)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// filter parses a message filter; "a<->b" becomes two filters.
func filters(args []string) ([]msgFilter, error) {
	for i, a := range args {
		if from, to, ok := strings.Cut(a, "<->"); ok {
			one := slices.Clone(args)
			one[i] = from + "->" + to
			two := slices.Clone(args)
			two[i] = to + "->" + from
			f1, err := parseFilter(one)
			if err != nil {
				return nil, usage("%v", err)
			}
			f2, err := parseFilter(two)
			if err != nil {
				return nil, usage("%v", err)
			}
			return []msgFilter{f1, f2}, nil
		}
	}
	f, err := parseFilter(args)
	if err != nil {
		return nil, usage("%v", err)
	}
	return []msgFilter{f}, nil
}

func anyMatch(fs []msgFilter) func(Message) bool {
	return func(m Message) bool {
		return slices.ContainsFunc(fs, func(f msgFilter) bool { return f.match(m) })
	}
}

func (s *scenario) cmdNodes(args []string, _ *strings.Builder) error {
	if len(args) < 1 {
		return usage("nodes N [options]")
	}
	size, err := strconv.Atoi(args[0])
	if err != nil || size < 1 {
		return usage("bad size %q", args[0])
	}
	var opts []func(*Config)
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		num := func() int {
			n, err := strconv.Atoi(v)
			if err != nil {
				s.t.Fatalf("nodes: bad %s", a)
			}
			return n
		}
		switch k {
		case "prevote":
			off := v == "off"
			opts = append(opts, func(c *Config) { c.DisablePreVote = off })
		case "backtrack-by-term":
			opts = append(opts, func(c *Config) { c.BacktrackByTerm = true })
		case "max-inflight":
			n := num()
			opts = append(opts, func(c *Config) { c.MaxInflight = n })
		case "max-entries":
			n := num()
			opts = append(opts, func(c *Config) { c.MaxEntriesPerRequest = n })
		case "max-bytes":
			n := num()
			opts = append(opts, func(c *Config) { c.MaxBytesPerRequest = n })
		case "catchup-margin":
			n := num()
			opts = append(opts, func(c *Config) { c.CatchupMargin = n })
		case "read":
			lease := v == "lease"
			opts = append(opts, func(c *Config) {
				if lease {
					c.ReadOnly = ReadLeaseBased
				}
			})
		default:
			return usage("unknown option %q", a)
		}
	}
	s.c = newCluster(s.t, size, func(c *Config) {
		for _, o := range opts {
			o(c)
		}
	})
	return nil
}

func (s *scenario) cmdDisk(args []string, _ *strings.Builder) error {
	if len(args) < 2 {
		return usage("disk ID term=T [vote=V] [log=T,T,...]")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	var term uint64
	var vote NodeID
	var terms []uint64
	for _, a := range args[1:] {
		k, v, _ := strings.Cut(a, "=")
		switch k {
		case "term":
			term, err = strconv.ParseUint(v, 10, 64)
		case "vote":
			vote, err = parseID(v)
		case "log":
			for _, x := range strings.Split(v, ",") {
				tm, perr := strconv.ParseUint(x, 10, 64)
				if perr != nil {
					return usage("bad log %q", v)
				}
				terms = append(terms, tm)
			}
		default:
			return usage("unknown disk field %q", a)
		}
		if err != nil {
			return usage("bad %q", a)
		}
	}
	s.c.setDisk(id, term, vote, terms...)
	return nil
}

func (s *scenario) cmdAddNode(args []string, _ *strings.Builder) error {
	if len(args) != 1 {
		return usage("add-node ID")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	s.c.addNode(id, nil)
	return nil
}

func (s *scenario) oneID(args []string, cmd string) (NodeID, error) {
	if len(args) != 1 {
		return None, usage("%s ID", cmd)
	}
	return parseID(args[0])
}

func (s *scenario) cmdCampaign(args []string, _ *strings.Builder) error {
	id, err := s.oneID(args, "campaign")
	if err != nil {
		return err
	}
	s.c.campaign(id)
	return nil
}

// cmdElect runs an election quietly: only its outcome is shown.
func (s *scenario) cmdElect(args []string, out *strings.Builder) error {
	id, err := s.oneID(args, "elect")
	if err != nil {
		return err
	}
	s.c.campaign(id)
	for s.c.deliverWhere(func(m Message) bool {
		switch m.Type {
		case MsgPreVote, MsgPreVoteResp, MsgVote, MsgVoteResp:
			return true
		}
		return false
	}) {
	}
	s.c.takeTrace()
	for _, tn := range s.c.nodes {
		if tn.n != nil {
			fmt.Fprintf(out, "%d: %s term=%d leader=%d\n", tn.id, tn.n.Role(), tn.n.Term(), tn.n.Leader())
		}
	}
	return nil
}

func (s *scenario) cmdTick(args []string, _ *strings.Builder) error {
	if len(args) < 1 {
		return usage("tick IDS|all [DURATION]")
	}
	if d, err := time.ParseDuration(args[len(args)-1]); err == nil {
		s.c.advance(d)
		args = args[:len(args)-1]
	}
	ids, err := s.ids(args)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if s.c.tn(id).n != nil {
			s.c.tick(id)
		}
	}
	return nil
}

func (s *scenario) cmdAdvance(args []string, _ *strings.Builder) error {
	if len(args) != 1 {
		return usage("advance DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return usage("%v", err)
	}
	s.c.advance(d)
	return nil
}

// cmdRun lets time pass in heartbeat-sized steps, with every node ticked
// and every message delivered at each step.
func (s *scenario) cmdRun(args []string, _ *strings.Builder) error {
	if len(args) != 1 {
		return usage("run DURATION")
	}
	d, err := time.ParseDuration(args[0])
	if err != nil {
		return usage("%v", err)
	}
	const step = 60 * time.Millisecond
	for end := s.c.now + d; s.c.now < end; {
		s.c.advance(min(step, end-s.c.now))
		s.c.tick()
		s.c.deliverAll()
	}
	return nil
}

func (s *scenario) cmdDeliver(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	match := anyMatch(fs)
	for n := 0; s.c.deliverWhere(func(m Message) bool { return match(m) && !s.c.held(m) }); n++ {
		if n > 100000 {
			s.t.Fatal("messages keep coming")
		}
	}
	return nil
}

func (s *scenario) cmdDeliverOne(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	if !s.c.deliverWhere(anyMatch(fs)) {
		return errors.New("no such message")
	}
	return nil
}

func (s *scenario) cmdHold(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.hold(f)
	}
	return nil
}

func (s *scenario) cmdRelease(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.release(f)
	}
	return nil
}

func (s *scenario) cmdDrop(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	s.c.dropWhere(anyMatch(fs))
	return nil
}

func (s *scenario) cmdDup(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.dup(f)
	}
	return nil
}

func (s *scenario) cmdCut(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		s.c.cut(f)
	}
	return nil
}

func (s *scenario) cmdIsolate(args []string, _ *strings.Builder) error {
	id, err := s.oneID(args, "isolate")
	if err != nil {
		return err
	}
	s.c.isolate(id)
	return nil
}

func (s *scenario) cmdHeal(args []string, _ *strings.Builder) error {
	s.c.heal()
	return nil
}

func (s *scenario) cmdRPCError(args []string, _ *strings.Builder) error {
	fs, err := filters(args)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if s.c.rpcError(f) {
			return nil
		}
	}
	return errors.New("no such request")
}

func (s *scenario) cmdQueue(_ []string, out *strings.Builder) error {
	for _, m := range s.c.queue {
		held := ""
		if s.c.held(m) {
			held = " (held)"
		}
		fmt.Fprintf(out, "%s%s\n", fmtMsg(m), held)
	}
	return nil
}

func (s *scenario) cmdPropose(args []string, _ *strings.Builder) error {
	if len(args) < 2 {
		return usage("propose ID DATA...")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	for _, d := range args[1:] {
		if len(args) > 2 {
			s.c.logf("propose %s", d)
		}
		if _, _, err := s.c.propose(id, d); err != nil {
			return err
		}
	}
	return nil
}

func (s *scenario) cmdCrash(args []string, _ *strings.Builder) error {
	id, err := s.oneID(args, "crash")
	if err != nil {
		return err
	}
	s.c.crash(id)
	return nil
}

func (s *scenario) cmdRestart(args []string, _ *strings.Builder) error {
	id, err := s.oneID(args, "restart")
	if err != nil {
		return err
	}
	s.c.restart(id)
	return nil
}

func (s *scenario) cmdStatus(args []string, out *strings.Builder) error {
	id, err := s.oneID(args, "status")
	if err != nil {
		return err
	}
	out.WriteString(fmtStatus(s.c.status(id)) + "\n")
	return nil
}

func (s *scenario) cmdLog(args []string, out *strings.Builder) error {
	ids, err := s.ids(args)
	if err != nil {
		return err
	}
	for _, id := range ids {
		tn := s.c.tn(id)
		if tn.n == nil {
			fmt.Fprintf(out, "%d: down\n", id)
			continue
		}
		st := tn.n.Status()
		var terms []string
		for _, tm := range s.c.logTerms(id) {
			terms = append(terms, strconv.FormatUint(tm, 10))
		}
		snap := ""
		if st.SnapshotIndex != 0 {
			snap = fmt.Sprintf("snapshot=%d/%d ", st.SnapshotIndex, st.SnapshotTerm)
		}
		fmt.Fprintf(out, "%d: %sterms=[%s] commit=%d applied=%d\n", id, snap, strings.Join(terms, " "), st.CommitIndex, appliedIndex(tn))
	}
	return nil
}

func (s *scenario) cmdTime(_ []string, out *strings.Builder) error {
	fmt.Fprintf(out, "%v\n", s.c.now)
	return nil
}

func (s *scenario) cmdCompact(args []string, _ *strings.Builder) error {
	if len(args) != 2 {
		return usage("compact ID INDEX")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	index, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil {
		return usage("bad index %q", args[1])
	}
	return s.c.do(id, func(n *Node) error { return n.Compact(s.c.now, index, []byte(fmt.Sprint("image@", index))) })
}

// confCmd makes the handler of a one-peer membership command.
func confCmd(f func(n *Node, now time.Duration, id NodeID) error) func(*scenario, []string, *strings.Builder) error {
	return func(s *scenario, args []string, _ *strings.Builder) error {
		if len(args) != 2 {
			return usage("COMMAND ID PEER")
		}
		id, err := parseID(args[0])
		if err != nil {
			return err
		}
		peer, err := parseID(args[1])
		if err != nil {
			return err
		}
		return s.c.do(id, func(n *Node) error { return f(n, s.c.now, peer) })
	}
}

func (s *scenario) cmdTransfer(args []string, _ *strings.Builder) error {
	if len(args) != 2 {
		return usage("transfer ID TARGET|any")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	target := None
	if args[1] != "any" {
		if target, err = parseID(args[1]); err != nil {
			return err
		}
	}
	return s.c.do(id, func(n *Node) error { return n.TransferLeadership(s.c.now, target) })
}

func (s *scenario) cmdRead(args []string, _ *strings.Builder) error {
	if len(args) != 2 {
		return usage("read ID READ-ID")
	}
	id, err := parseID(args[0])
	if err != nil {
		return err
	}
	rid, err := strconv.ParseUint(args[1], 10, 64)
	if err != nil {
		return usage("bad read id %q", args[1])
	}
	return s.c.do(id, func(n *Node) error { return n.ReadIndex(s.c.now, rid) })
}
