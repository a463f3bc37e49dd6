package raft_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// proposal asks a node's goroutine to propose a command; the answer says
// whether it leads.
type proposal struct {
	data   []byte
	answer chan error
}

// applied is one command a node applied.
type applied struct {
	node raft.NodeID
	data string
}

// runNode drives one node on its own goroutine with wall-clock timers: it
// steps messages from its inbox, ticks when its deadline passes, proposes
// what it is asked to, and carries out each Ready in the documented order.
func runNode(id raft.NodeID, peers []raft.NodeID, start time.Time, inboxes map[raft.NodeID]chan raft.Message,
	proposals <-chan proposal, out chan<- applied, done <-chan struct{}) {
	now := func() time.Duration { return time.Since(start) }
	cfg := raft.DefaultConfig(id, peers)
	cfg.ElectionTimeout, cfg.HeartbeatInterval = 500*time.Millisecond, 50*time.Millisecond
	var disk raft.DurableState // this example's "disk" lives in memory
	n, err := raft.NewNode(now(), cfg, disk)
	if err != nil {
		panic(err)
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-done:
			return
		case m := <-inboxes[id]:
			_ = n.Step(now(), m)
		case p := <-proposals:
			_, _, err := n.Propose(now(), p.data)
			p.answer <- err
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
				select {
				case inboxes[m.To] <- m:
				default:
					if m.Type.IsRequest() {
						n.ReportRPCError(now(), m)
					}
				}
			}
			// 3. Apply.
			for _, e := range rd.Committed {
				if e.Type == raft.EntryNormal {
					out <- applied{id, string(e.Data)}
				}
			}
			// 4. Acknowledge.
			n.Advance(now())
		}
		timer.Reset(max(0, n.Deadline()-now()))
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
	for _, id := range peers {
		go runNode(id, peers, start, inboxes, proposals[id], out, done)
	}
	defer close(done)

	// Propose each command to the nodes in turn until one leads.
	for _, cmd := range []string{"x=1", "y=2", "z=3"} {
		for i := 0; ; i++ {
			p := proposal{data: []byte(cmd), answer: make(chan error)}
			proposals[peers[i%len(peers)]] <- p
			if <-p.answer == nil {
				break
			}
			time.Sleep(20 * time.Millisecond) // no leader yet, or not this one
		}
	}

	got := map[raft.NodeID][]string{}
	for range 3 * len(peers) {
		a := <-out
		got[a.node] = append(got[a.node], a.data)
	}
	for _, id := range peers {
		fmt.Printf("node %d applied %s\n", id, strings.Join(got[id], " "))
	}
	// Output:
	// node 1 applied x=1 y=2 z=3
	// node 2 applied x=1 y=2 z=3
	// node 3 applied x=1 y=2 z=3
}
