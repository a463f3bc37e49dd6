package raft

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// This file holds the scenario commands that act on nodes and time: set up
// the cluster, elect, tick, propose, crash and restart, show state, compact,
// change membership, transfer leadership, read.

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
