package web

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vugu/html"
)

// This file tests proposals from the page: refused without a leader,
// followed until a majority commits them.

func TestProposeWithoutLeader(t *testing.T) {
	p := newPlayground(t)
	p.Propose()
	pg := render(t, p)
	res := pg.byID("propose-result")
	if got := text(res); !strings.Contains(got, "no leader") {
		t.Errorf("propose result %q, want it to say no leader", got)
	}
	if class, _ := attr(res, "class"); !strings.Contains(class, "failed") {
		t.Errorf("failed proposal has class %q", class)
	}
	if items := listItems(pg, "proposals"); len(items) != 0 {
		t.Errorf("a rejected proposal is listed: %d items", len(items))
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
	if got := text(items[0]); !strings.Contains(got, "set k8=8") {
		t.Errorf("newest proposal %q, want set k8=8", got)
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
