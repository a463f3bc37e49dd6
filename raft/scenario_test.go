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
// to regenerate the expected output, then review the diff. In builds with
// -tags canary, TestCanariesFailScripts runs each planted bug against the
// script it must break.
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
//
// The handlers of the commands on the message queue are in
// scenario_network_test.go; the rest are in scenario_commands_test.go.
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

func parseScript(t testing.TB, file string) []block {
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

func runScenario(t testing.TB, file string) {
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
	t testing.TB
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
