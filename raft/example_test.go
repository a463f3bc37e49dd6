package raft_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// proposal asks a node's goroutine to propose a command.
type proposal struct {
	data []byte
	// answer receives the index and term the command was given, or the
	// error of a node that does not lead. Buffered: the node never waits.
	answer chan answer
}

// answer is a node's answer to a proposal.
type answer struct {
	index, term uint64
	err         error
}

// applied is one entry a node applied.
type applied struct {
	node  raft.NodeID
	entry raft.Entry
}

// host is what a node's goroutine is given: its config, its inbox, a way
// to send (false when the message cannot leave), its callers' requests,
// where to report what it applies, and when to stop.
type host struct {
	cfg       raft.Config
	start     time.Time
	inbox     <-chan raft.Message
	send      func(raft.Message) bool
	proposals <-chan proposal
	// statuses asks for the node's Status (nil: nobody asks).
	statuses <-chan chan raft.Status
	out      chan<- applied
	done     <-chan struct{}
}

// runNode drives one node on its own goroutine with wall-clock timers: it
// steps messages from its inbox, ticks when its deadline passes, proposes
// what it is asked to, and carries out each Ready in the documented order.
func runNode(h host) {
	id := h.cfg.ID
	now := func() time.Duration { return time.Since(h.start) }
	var disk raft.DurableState // this example's "disk" lives in memory
	n, err := raft.NewNode(now(), h.cfg, disk)
	if err != nil {
		panic(err)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-h.done:
			return
		case m := <-h.inbox:
			_ = n.Step(now(), m)
		case p := <-h.proposals:
			index, term, err := n.Propose(now(), p.data)
			p.answer <- answer{index, term, err}
		case c := <-h.statuses:
			c <- n.Status()
		case <-timer.C:
			n.Tick(now())
		}
		for n.HasReady() {
			rd := n.Ready()
			// 1. Persist.
			if rd.HardState != nil {
				disk.HardState = *rd.HardState
			}
			if rd.LogFrom != 0 {
				disk.Entries = append(disk.Entries[:rd.LogFrom-1:rd.LogFrom-1], rd.Entries...)
			}
			// 2. Send; a request that cannot be delivered is reported.
			for _, m := range rd.Messages {
				if !h.send(m) && m.Type.IsRequest() {
					n.ReportRPCError(now(), m)
				}
			}
			// 3. Apply.
			for _, e := range rd.Committed {
				select {
				case h.out <- applied{id, e}:
				case <-h.done:
					return
				}
			}
			// 4. Acknowledge.
			n.Advance(now())
		}
		timer.Reset(max(0, n.Deadline()-now()))
	}
}

// exampleDeadline bounds Example_goroutines: an election takes about a
// second of wall-clock time, and past the deadline the example gives up and
// prints so (failing) instead of hanging.
const exampleDeadline = 30 * time.Second

// client proposes commands to a cluster of goroutines and follows what
// every node applies. Every wait ends at the deadline.
type client struct {
	peers     []raft.NodeID
	proposals map[raft.NodeID]chan proposal
	out       <-chan applied
	deadline  <-chan time.Time
	// applied are the entries each node applied, in order: applied[id][i]
	// has index i+1 (this cluster never compacts its log).
	applied map[raft.NodeID][]raft.Entry
}

// propose hands cmd to the nodes in turn until one leads and accepts it,
// and returns the index and term it was given.
func (c *client) propose(cmd string) (index, term uint64, ok bool) {
	for i := 0; ; i++ {
		p := proposal{data: []byte(cmd), answer: make(chan answer, 1)}
		select {
		case c.proposals[c.peers[i%len(c.peers)]] <- p:
		case <-c.deadline:
			return 0, 0, false
		}
		if a := <-p.answer; a.err == nil {
			return a.index, a.term, true
		}
		select {
		case <-time.After(20 * time.Millisecond): // no leader yet, or not this one
		case <-c.deadline:
			return 0, 0, false
		}
	}
}

// waitApplied collects applied entries until every node applied index.
func (c *client) waitApplied(index uint64) bool {
	for _, id := range c.peers {
		for uint64(len(c.applied[id])) < index {
			select {
			case a := <-c.out:
				c.applied[a.node] = append(c.applied[a.node], a.entry)
			case <-c.deadline:
				return false
			}
		}
	}
	return true
}

// commit proposes cmd until it is committed. A leader that loses office
// may lose what it accepted: the entry applied at the index it gave then
// has another term, and the command is proposed again. It cannot have been
// committed elsewhere, so it is applied exactly once.
func (c *client) commit(cmd string) bool {
	for {
		index, term, ok := c.propose(cmd)
		if !ok || !c.waitApplied(index) {
			return false
		}
		if c.applied[c.peers[0]][index-1].Term == term {
			return true
		}
	}
}

// Three nodes on goroutines, with wall-clock timers and channels between
// them: the core does not depend on the simulator. Commands proposed to
// whichever node leads are applied on every node, in the same order.
func Example_goroutines() {
	peers := []raft.NodeID{1, 2, 3}
	start := time.Now()
	done := make(chan struct{})
	inboxes := map[raft.NodeID]chan raft.Message{}
	proposals := map[raft.NodeID]chan proposal{}
	for _, id := range peers {
		inboxes[id] = make(chan raft.Message, 1024)
		proposals[id] = make(chan proposal)
	}
	out := make(chan applied, 64)
	send := func(m raft.Message) bool {
		select {
		case inboxes[m.To] <- m:
			return true
		default:
			return false
		}
	}
	for _, id := range peers {
		cfg := raft.DefaultConfig(id, peers)
		cfg.ElectionTimeout, cfg.HeartbeatInterval = 500*time.Millisecond, 50*time.Millisecond
		go runNode(host{cfg: cfg, start: start, inbox: inboxes[id], send: send, proposals: proposals[id], out: out, done: done})
	}
	defer close(done)
	deadline := time.NewTimer(exampleDeadline)
	defer deadline.Stop()
	c := &client{peers: peers, proposals: proposals, out: out, deadline: deadline.C, applied: map[raft.NodeID][]raft.Entry{}}

	for _, cmd := range []string{"x=1", "y=2", "z=3"} {
		if !c.commit(cmd) {
			fmt.Printf("%q was not committed within %v\n", cmd, exampleDeadline)
			return
		}
	}
	for _, id := range peers {
		var cmds []string
		for _, e := range c.applied[id] {
			if e.Type == raft.EntryNormal {
				cmds = append(cmds, string(e.Data))
			}
		}
		fmt.Printf("node %d applied %s\n", id, strings.Join(cmds, " "))
	}
	// Output:
	// node 1 applied x=1 y=2 z=3
	// node 2 applied x=1 y=2 z=3
	// node 3 applied x=1 y=2 z=3
}
