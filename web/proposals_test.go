package web

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"

	"github.com/raftplayground/raftplayground/raft"
)

// This file tests proposals from the page: refused without a leader,
// followed until a majority commits them.

// TestProposeWithoutLeader: Send command is a client's put, so without a
// leader it is not refused but waits, the client retrying (as the
// workload's clients do), until an elected leader commits and applies it.
func TestProposeWithoutLeader(t *testing.T) {
	p := newPlayground(t)
	p.Propose()
	pg := render(t, p)
	res := pg.byID("propose-result")
	if got := text(res); got != `put k1="1" → waiting for an answer (no leader has accepted it yet; the client retries)` {
		t.Errorf("propose result %q, want it to say no leader accepted it yet", got)
	}
	if class, _ := attr(res, "class"); strings.Contains(class, "failed") {
		t.Errorf("a waiting call has class %q", class)
	}
	if items := listItems(pg, "proposals"); len(items) != 0 {
		t.Errorf("a call no node accepted is listed: %d items", len(items))
	}
	leader := leaderAfter(t, p, 2*time.Second)
	advance(p, 300*time.Millisecond)
	if got := text(render(t, p).byID("propose-result")); !strings.HasPrefix(got, `put k1="1" → ok, at index `) {
		t.Errorf("once n%d leads, the result is %q, want the put done", leader, got)
	}
	assertKV(t, p, leader, "k1", "1")
}

// TestSendCommandApplies: the command Send command proposes is one the
// key-value store applies (it once proposed raw text the store refused):
// every node's store ends with k<n> = <n>.
func TestSendCommandApplies(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	p.Propose()
	p.Burst()
	advance(p, 300*time.Millisecond)
	for id := 1; id <= 5; id++ {
		for n := 1; n <= 1+BurstSize; n++ {
			assertKV(t, p, id, fmt.Sprintf("k%d", n), fmt.Sprint(n))
		}
	}
	if items := listItems(render(t, p), "proposals"); len(items) != keepProposals {
		t.Errorf("%d proposals listed, want %d", len(items), keepProposals)
	}
}

// assertKV checks that node id's key-value store holds key = value.
func assertKV(t *testing.T, p *Playground, id int, key, value string) {
	t.Helper()
	kv, err := p.World().KV(raft.NodeID(id))
	if err != nil {
		t.Fatal(err)
	}
	if kv[key] != value {
		t.Errorf("n%d's store has %s=%q, want %q", id, key, kv[key], value)
	}
}

// listItems returns the <li> children of the element with id.
func listItems(pg *page, id string) []*html.Node {
	var out []*html.Node
	for c := pg.byID(id).FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == "li" {
			out = append(out, c)
		}
	}
	return out
}

var committedRE = regexp.MustCompile(`^index (\d+): on (\d)/5 nodes, committed`)

func TestProposeCommitsOnMajority(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	p.Propose()
	pg := render(t, p)
	if got := text(pg.byID("propose-result")); !regexp.MustCompile(fmt.Sprintf(`accepted by n%d at index \d+, term \d+`, leader)).MatchString(got) {
		t.Errorf("propose result %q", got)
	}
	advance(p, 200*time.Millisecond)
	items := listItems(render(t, p), "proposals")
	if len(items) != 1 {
		t.Fatalf("%d proposals listed, want 1", len(items))
	}
	m := committedRE.FindStringSubmatch(text(items[0]))
	if m == nil || m[2] != "5" {
		t.Fatalf("proposal line %q, want on 5/5 nodes, committed", text(items[0]))
	}
	if class, _ := attr(items[0], "class"); class != "majority" {
		t.Errorf("committed proposal has class %q", class)
	}
	// Every card shows the command's index as committed.
	var index int
	fmt.Sscan(m[1], &index)
	for _, nv := range p.View().Nodes {
		if nv.CommitIndex < uint64(index) {
			t.Errorf("node %d commit index %d < %d", nv.ID, nv.CommitIndex, index)
		}
	}

	// Only the last keepProposals are listed, newest first.
	for range 7 {
		p.Propose()
	}
	items = listItems(render(t, p), "proposals")
	if len(items) != keepProposals {
		t.Fatalf("%d proposals listed, want %d", len(items), keepProposals)
	}
	if got := text(items[0]); !strings.Contains(got, `put k8="8"`) {
		t.Errorf("newest proposal %q, want put k8=\"8\"", got)
	}
}

// TestProposalStoredApartFromCommitted: right after it is proposed a
// command is stored on the leader only and not committed; once committed
// it stays committed when the nodes holding it crash (issue 8: a committed
// entry never reads as not committed).
func TestProposalStoredApartFromCommitted(t *testing.T) {
	p := newPlayground(t)
	leader := leaderAfter(t, p, 2*time.Second)
	p.Propose()
	items := listItems(render(t, p), "proposals")
	if got := text(items[0]); !strings.Contains(got, "on 1/5 nodes, not committed yet") {
		t.Fatalf("a fresh proposal: %q", got)
	}
	advance(p, 300*time.Millisecond)
	for id := 1; id <= 5; id++ {
		if id != leader && id != leader%5+1 {
			p.Crash(id)
		}
	}
	items = listItems(render(t, p), "proposals")
	if got := text(items[0]); !strings.Contains(got, "on 5/5 nodes, committed") {
		t.Errorf("a committed proposal with three nodes down (their disks hold it): %q", got)
	}
}

// TestSendCommandInSharedRun: Send command is recorded as a put, so the
// run written for a link (#run=) holds it, and the run rebuilt from that
// text has the same proposals and applied it alike.
func TestSendCommandInSharedRun(t *testing.T) {
	p := newPlayground(t)
	leaderAfter(t, p, 2*time.Second)
	p.Propose()
	p.Burst()
	advance(p, 300*time.Millisecond)
	text, err := p.RunText()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, " put k1 1\n") {
		t.Errorf("the run's text lacks the put of k1:\n%s", text)
	}
	q, err := NewFromRun(text)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := q.World().Proposals(-1), p.World().Proposals(-1); !reflect.DeepEqual(got, want) {
		t.Errorf("rebuilt proposals\n%+v\nwant\n%+v", got, want)
	}
	for id := 1; id <= 5; id++ {
		assertKV(t, q, id, "k11", "11")
	}
}
