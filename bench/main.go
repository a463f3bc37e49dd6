// Command bench drives this project's Raft core and etcd's raft (v3.6.0)
// through one in-process loop and prints their throughput, allocations and
// messages per committed command side by side. See README.md for what the
// loop does and the differences between the two that remain.
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// The shared settings. Flow control: at most maxInflight append requests
// per follower in flight, at most maxEntriesPerMsg entries in one.
const (
	maxInflight      = 8
	maxEntriesPerMsg = 16
	// commandSize is the size of every proposed command.
	commandSize = 128
	// compactEvery is how many rounds of proposals pass between
	// compactions, in commands.
	compactEvery = 4096
	// slices is how many times each library runs in one configuration,
	// alternating; sliceTime is how long each run lasts.
	slices    = 10
	sliceTime = 100 * time.Millisecond
)

// cluster is one library's nodes in the shared loop. Node 1 leads.
type cluster interface {
	// propose hands one command to the leader.
	propose(cmd []byte)
	// deliver carries out the leader's Readys, then delivers every message
	// in FIFO order, carrying out each receiver's Readys, until none is left.
	deliver()
	// compact snapshots every node at the lowest applied index.
	compact()
	count() *counters
}

// counters is the apply work both libraries share, and the messages sent.
type counters struct {
	// applied is each node's last applied index.
	applied []uint64
	// commands counts the commands applied on each node.
	commands []int
	// sent counts the messages the nodes have sent.
	sent int
}

func newCounters(size int) counters {
	return counters{applied: make([]uint64, size), commands: make([]int, size)}
}

// apply is the state machine: it counts commands.
func (c *counters) apply(node int, index uint64, data []byte) {
	c.applied[node] = index
	if len(data) == commandSize {
		c.commands[node]++
	}
}

func (c *counters) minApplied() uint64 {
	m := c.applied[0]
	for _, a := range c.applied {
		m = min(m, a)
	}
	return m
}

// result sums one library's runs in one configuration.
type result struct {
	commands int
	elapsed  time.Duration
	mallocs  uint64
	bytes    uint64
	messages int
}

func (r result) perSec() float64   { return float64(r.commands) / r.elapsed.Seconds() }
func (r result) allocs() float64   { return float64(r.mallocs) / float64(r.commands) }
func (r result) bytesPer() float64 { return float64(r.bytes) / float64(r.commands) }
func (r result) msgs() float64     { return float64(r.messages) / float64(r.commands) }

// run proposes batch commands, delivers everything, and repeats for d,
// compacting every compactEvery commands. Every proposed command must be
// applied on the leader when it returns.
func run(c cluster, batch int, d time.Duration, cmd []byte) result {
	cnt := c.count()
	before := append([]int(nil), cnt.commands...)
	sent := cnt.sent
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mallocs, bytes := ms.Mallocs, ms.TotalAlloc
	start := time.Now()
	proposed := 0
	var elapsed time.Duration
	for {
		for range batch {
			c.propose(cmd)
		}
		proposed += batch
		c.deliver()
		if proposed%compactEvery == 0 {
			c.compact()
		}
		if proposed%256 == 0 {
			if elapsed = time.Since(start); elapsed >= d {
				break
			}
		}
	}
	runtime.ReadMemStats(&ms)
	// The leader applies every command; our followers learn the last
	// commit index only with the next append, so they may lag one batch.
	if n := cnt.commands[0] - before[0]; n != proposed {
		panic(fmt.Sprintf("leader applied %d of %d commands", n, proposed))
	}
	for i, n := range cnt.commands {
		if n < cnt.commands[0]-batch {
			panic(fmt.Sprintf("node %d applied %d of the leader's %d commands", i+1, n, cnt.commands[0]))
		}
	}
	return result{proposed, elapsed, ms.Mallocs - mallocs, ms.TotalAlloc - bytes, cnt.sent - sent}
}

func main() {
	cmd := make([]byte, commandSize)
	for i := range cmd {
		cmd[i] = byte(i)
	}
	start := time.Now()
	fmt.Printf("ours vs go.etcd.io/raft/v3 v3.6.0: %d-byte commands, %d runs of %v each, alternating\n", commandSize, slices, sliceTime)
	fmt.Printf("load %s (1, 5, 15 min) on %d CPUs, %s\n\n", loadavg(), runtime.NumCPU(), runtime.Version())
	fmt.Printf("%-16s %-5s %12s %9s %10s %9s\n", "config", "lib", "commands/s", "allocs/c", "bytes/c", "msgs/c")
	for _, size := range []int{3, 5} {
		for _, batch := range []int{1, 16} {
			ours, err := newOurCluster(size)
			check(err)
			etcd, err := newEtcdCluster(size)
			check(err)
			// Warm up both (heap growth, caches) before timing.
			run(ours, batch, sliceTime/2, cmd)
			run(etcd, batch, sliceTime/2, cmd)
			var ro, re result
			for range slices {
				runtime.GC()
				ro = add(ro, run(ours, batch, sliceTime, cmd))
				runtime.GC()
				re = add(re, run(etcd, batch, sliceTime, cmd))
			}
			name := fmt.Sprintf("nodes=%d batch=%d", size, batch)
			row(name, "ours", ro)
			row("", "etcd", re)
			fmt.Printf("%-16s %-5s %11.2fx %9.2f %10.2f %9.2f\n\n", "", "ratio", ro.perSec()/re.perSec(),
				ro.allocs()/re.allocs(), ro.bytesPer()/re.bytesPer(), ro.msgs()/re.msgs())
		}
	}
	fmt.Printf("ratio: ours/etcd (commands/s: higher is better for ours; the rest: lower is)\n")
	fmt.Printf("load %s at the end; took %.1f s\n", loadavg(), time.Since(start).Seconds())
}

func add(a, b result) result {
	return result{a.commands + b.commands, a.elapsed + b.elapsed, a.mallocs + b.mallocs, a.bytes + b.bytes, a.messages + b.messages}
}

func row(name, lib string, r result) {
	fmt.Printf("%-16s %-5s %12.0f %9.2f %10.1f %9.2f\n", name, lib, r.perSec(), r.allocs(), r.bytesPer(), r.msgs())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	var l1, l5, l15 string
	fmt.Sscan(string(b), &l1, &l5, &l15)
	return l1 + " " + l5 + " " + l15
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
