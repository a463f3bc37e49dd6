package raft

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// benchCluster drives nodes with no latency and no harness overhead: one
// FIFO of messages, Readys carried out in order, a disk that keeps nothing
// (the cost measured is the core's), and compaction every compactEvery
// commands so the logs stay small however long the benchmark runs.
type benchCluster struct {
	nodes []*Node
	queue []Message
	head  int
	now   time.Duration
	// applied is each node's last applied index.
	applied []uint64
	// sent counts the messages the nodes have sent.
	sent int
}

const compactEvery = 4096

func newBenchCluster(b testing.TB, size int) *benchCluster {
	b.Helper()
	peers := make([]NodeID, size)
	for i := range peers {
		peers[i] = NodeID(i + 1)
	}
	bc := &benchCluster{now: time.Second, applied: make([]uint64, size)}
	for _, id := range peers {
		n, err := NewNode(0, DefaultConfig(id, peers), DurableState{})
		if err != nil {
			b.Fatal(err)
		}
		bc.nodes = append(bc.nodes, n)
	}
	bc.nodes[0].Tick(bc.now)
	bc.process(0)
	bc.pump()
	if bc.nodes[0].Role() != Leader {
		b.Fatalf("node 1 is %s after its election", bc.nodes[0].Role())
	}
	return bc
}

// process carries out node i's Readys: persist (nothing kept), send, apply,
// Advance.
func (bc *benchCluster) process(i int) {
	n := bc.nodes[i]
	for n.HasReady() {
		rd := n.Ready()
		bc.queue = append(bc.queue, rd.Messages...)
		bc.sent += len(rd.Messages)
		if k := len(rd.Committed); k > 0 {
			bc.applied[i] = rd.Committed[k-1].Index
		}
		n.Advance(bc.now)
	}
}

// pump delivers messages until none is left.
func (bc *benchCluster) pump() {
	for bc.head < len(bc.queue) {
		m := bc.queue[bc.head]
		bc.queue[bc.head] = Message{}
		bc.head++
		to := int(m.To - 1)
		if err := bc.nodes[to].Step(bc.now, m); err != nil {
			panic(err)
		}
		bc.process(to)
	}
	bc.queue, bc.head = bc.queue[:0], 0
}

// compact takes a snapshot on every node at the lowest applied index.
func (bc *benchCluster) compact() {
	at := bc.applied[0]
	for _, a := range bc.applied {
		at = min(at, a)
	}
	for i, n := range bc.nodes {
		if at > n.Status().SnapshotIndex {
			if err := n.Compact(bc.now, at, nil); err != nil {
				panic(err)
			}
			bc.process(i)
		}
	}
}

// BenchmarkCommit measures committed commands per second and allocations
// per committed command: 128-byte commands, no latency, one proposal per
// round trip (batch=1) or several proposals before the messages are
// delivered (batch=16). One op is one committed command; allocs/command is
// allocs/op before `go test` rounds it down to an integer, and
// messages/command counts every message sent (no time passes, so none is
// a heartbeat).
func BenchmarkCommit(b *testing.B) {
	for _, size := range []int{3, 5} {
		for _, batch := range []int{1, 16} {
			b.Run(fmt.Sprintf("nodes=%d/batch=%d", size, batch), func(b *testing.B) {
				bc := newBenchCluster(b, size)
				leader := bc.nodes[0]
				cmd := make([]byte, 128)
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				mallocs := ms.Mallocs
				sent := bc.sent
				b.ResetTimer()
				start := time.Now()
				var last uint64
				for i := 0; i < b.N; i += batch {
					for range min(batch, b.N-i) {
						index, _, err := leader.Propose(bc.now, cmd)
						if err != nil {
							b.Fatal(err)
						}
						last = index
					}
					bc.process(0)
					bc.pump()
					if (i/batch)%(compactEvery/batch) == 0 {
						bc.compact()
					}
				}
				elapsed := time.Since(start)
				b.StopTimer()
				runtime.ReadMemStats(&ms)
				if c := leader.CommitIndex(); c < last {
					b.Fatalf("commit index %d, want %d", c, last)
				}
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "commands/s")
				b.ReportMetric(float64(ms.Mallocs-mallocs)/float64(b.N), "allocs/command")
				b.ReportMetric(float64(bc.sent-sent)/float64(b.N), "messages/command")
			})
		}
	}
}

// BenchmarkStatus measures Status() on a 5-node leader with 10 000 entries,
// all committed or all waiting for their ballots.
func BenchmarkStatus(b *testing.B) {
	for _, pending := range []bool{false, true} {
		name := "committed"
		if pending {
			name = "pending"
		}
		b.Run(name, func(b *testing.B) {
			bc := newBenchCluster(b, 5)
			leader := bc.nodes[0]
			cmd := make([]byte, 128)
			for range 10000 {
				if _, _, err := leader.Propose(bc.now, cmd); err != nil {
					b.Fatal(err)
				}
				bc.process(0)
				if pending {
					bc.queue, bc.head = bc.queue[:0], 0 // the followers hear nothing
				} else {
					bc.pump()
				}
			}
			s := leader.Status()
			if s.LastIndex < 10000 || (s.CommitIndex == s.LastIndex) == pending {
				b.Fatalf("last %d commit %d", s.LastIndex, s.CommitIndex)
			}
			b.ReportAllocs()
			for b.Loop() {
				s = leader.Status()
			}
			_ = s
		})
	}
}
