package raft_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// slowTransport carries messages between node goroutines the way a real
// RPC layer may: requests arrive after a few milliseconds, one reply in
// three comes back late, and one reply to an append in five never comes
// back and is never reported, so only the core's own RPCTimeout fails it.
type slowTransport struct {
	inboxes map[raft.NodeID]chan raft.Message
	done    <-chan struct{}
	mu      sync.Mutex
	// replies counts the replies sent, to pick the late and lost ones.
	replies int
}

func (t *slowTransport) send(m raft.Message) bool {
	delay := 2 * time.Millisecond
	if !m.Type.IsRequest() {
		t.mu.Lock()
		t.replies++
		k := t.replies
		t.mu.Unlock()
		switch {
		case m.Type == raft.MsgAppResp && !m.Heartbeat && k%5 == 0:
			return true // lost on the way, and nobody says so
		case k%3 == 0:
			delay = 60 * time.Millisecond
		}
	}
	time.AfterFunc(delay, func() {
		select {
		case t.inboxes[m.To] <- m:
		case <-t.done:
		}
	})
	return true
}

// Three nodes on goroutines over a transport that delivers late and loses
// replies without a word. Each command is proposed until it is applied
// (the state machine ignores a command it has applied, as clients'
// sequence numbers would make it); the core's RPCTimeout fails the
// requests whose replies were lost, so in the end the leader knows that
// every follower holds its whole log. The example gives up after a minute
// of wall-clock time rather than hang.
func Example_slowTransport() {
	peers := []raft.NodeID{1, 2, 3}
	start := time.Now()
	done := make(chan struct{})
	defer close(done)
	deadline := time.After(time.Minute)
	t := &slowTransport{inboxes: map[raft.NodeID]chan raft.Message{}, done: done}
	proposals := map[raft.NodeID]chan proposal{}
	statuses := map[raft.NodeID]chan chan raft.Status{}
	for _, id := range peers {
		t.inboxes[id] = make(chan raft.Message, 1024)
		proposals[id] = make(chan proposal)
		statuses[id] = make(chan chan raft.Status)
	}
	out := make(chan applied, 64)
	for _, id := range peers {
		cfg := raft.DefaultConfig(id, peers)
		cfg.ElectionTimeout, cfg.HeartbeatInterval = 200*time.Millisecond, 20*time.Millisecond
		cfg.RPCTimeout = 150 * time.Millisecond
		go runNode(host{cfg: cfg, start: start, inbox: t.inboxes[id], send: t.send, proposals: proposals[id],
			statuses: statuses[id], out: out, done: done})
	}

	got := map[raft.NodeID][]string{}
	apply := func(a applied) {
		if cmd := string(a.entry.Data); a.entry.Type == raft.EntryNormal && !slices.Contains(got[a.node], cmd) {
			got[a.node] = append(got[a.node], cmd)
		}
	}
	// wait handles what is applied for d; false once the deadline passed.
	wait := func(d time.Duration) bool {
		after := time.After(d)
		for {
			select {
			case a := <-out:
				apply(a)
			case <-after:
				return true
			case <-deadline:
				fmt.Println("gave up after a minute")
				return false
			}
		}
	}
	// propose and status hand a request to a node's goroutine, taking
	// what the nodes apply meanwhile (a node may be waiting to report it).
	propose := func(id raft.NodeID, cmd string) error {
		p := proposal{data: []byte(cmd), answer: make(chan answer, 1)}
		for {
			select {
			case proposals[id] <- p:
				return (<-p.answer).err
			case a := <-out:
				apply(a)
			}
		}
	}
	status := func(id raft.NodeID) raft.Status {
		c := make(chan raft.Status, 1)
		for {
			select {
			case statuses[id] <- c:
				return <-c
			case a := <-out:
				apply(a)
			}
		}
	}

	leader := peers[0]
	for _, cmd := range []string{"x=1", "y=2", "z=3"} {
		for !slices.Contains(got[leader], cmd) {
			// Propose to the nodes in turn until one leads, then give the
			// command time to be applied there.
			for j := 0; ; j++ {
				leader = peers[j%len(peers)]
				if propose(leader, cmd) == nil {
					break
				}
				if !wait(20 * time.Millisecond) {
					return
				}
			}
			if !wait(300 * time.Millisecond) {
				return
			}
		}
	}
	// Every node applies everything, and the leader learns that every
	// follower holds its log, lost replies or not.
	for {
		matched := false
		for _, id := range peers {
			if s := status(id); s.Role == raft.Leader {
				matched = !slices.ContainsFunc(s.Replicators, func(r raft.ReplicatorStatus) bool { return r.MatchIndex < s.LastIndex })
			}
		}
		if matched && len(got[1]) == 3 && len(got[2]) == 3 && len(got[3]) == 3 {
			break
		}
		if !wait(50 * time.Millisecond) {
			return
		}
	}
	for _, id := range peers {
		fmt.Printf("node %d applied %s\n", id, strings.Join(got[id], " "))
	}
	fmt.Println("every follower holds the leader's log")
	// Output:
	// node 1 applied x=1 y=2 z=3
	// node 2 applied x=1 y=2 z=3
	// node 3 applied x=1 y=2 z=3
	// every follower holds the leader's log
}
