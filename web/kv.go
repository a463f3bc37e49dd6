package web

import (
	"sort"
	"strconv"

	"github.com/raftplayground/raftplayground/raft"
)

// kvShown is the most keys the key-value panel lists.
const kvShown = 40

// KVView is the key-value store of the node the page lists it for.
type KVView struct {
	// Node is that node, 0 for none; Nodes how many nodes there are.
	Node, Nodes int
	// Up is false while the node is down (its store is rebuilt from its
	// log and snapshot when it restarts, so there is nothing to list).
	Up bool
	// Pairs are the first kvShown keys in order, with their values; More
	// counts the keys left out.
	Pairs []Field
	More  int
}

// KVChooser is what the key-value panel asks of the page: to list the
// store of another node (0 hides it).
type KVChooser interface{ ShowKV(id int) }

// ShowKV lists the key-value store of node id on the page; 0 (or an id
// that is not a node) hides it.
func (p *Playground) ShowKV(id int) {
	if id < 0 || id > p.world.Options().Nodes {
		id = 0
	}
	p.logs.kvNode = raft.NodeID(id)
}

// KVView returns the key-value store of the node chosen with ShowKV.
func (p *Playground) KVView() KVView {
	v := KVView{Node: int(p.logs.kvNode), Nodes: p.world.Options().Nodes}
	if v.Node > v.Nodes {
		v.Node = 0 // a reset to fewer nodes
	}
	if v.Node == 0 {
		return v
	}
	kv, err := p.world.KV(p.logs.kvNode)
	if err != nil {
		return v
	}
	st := p.world.Status().Nodes[v.Node-1]
	v.Up = st.Up
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Sort(byKey(keys))
	if len(keys) > kvShown {
		v.More = len(keys) - kvShown
		keys = keys[:kvShown]
	}
	for _, k := range keys {
		v.Pairs = append(v.Pairs, Field{Name: k, Value: kv[k]})
	}
	return v
}

// byKey sorts keys by compareKeys. (With sort.Sort, which the page has
// anyway, rather than slices.SortFunc, whose pdqsort for strings with a
// comparison function only this would use: 19 KB raw, 2 KB brotli.)
type byKey []string

func (k byKey) Len() int           { return len(k) }
func (k byKey) Less(i, j int) bool { return compareKeys(k[i], k[j]) < 0 }
func (k byKey) Swap(i, j int)      { k[i], k[j] = k[j], k[i] }

// compareKeys orders keys as a person reads them: "k2" before "k10".
func compareKeys(a, b string) int {
	pa, na := splitNumber(a)
	pb, nb := splitNumber(b)
	if pa != pb {
		if pa < pb {
			return -1
		}
		return 1
	}
	switch {
	case na < nb:
		return -1
	case na > nb:
		return 1
	case a < b: // "k02" and "k2": not left to the map's order
		return -1
	case a > b:
		return 1
	}
	return 0
}

// splitNumber splits a key into a prefix and a trailing number (-1 for
// none).
func splitNumber(s string) (string, int) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(s[i:])
	if err != nil {
		return s, -1
	}
	return s[:i], n
}

// NodeButtons are the nodes the panel offers, 1..Nodes.
func (v *KVView) NodeButtons() []int {
	out := make([]int, v.Nodes)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// Title is the panel's heading.
func (v *KVView) Title() string {
	if v.Node == 0 {
		return "Key-value store"
	}
	return "Key-value store of " + nodeName(v.Node)
}

// EmptyText says why no key is listed.
func (v *KVView) EmptyText() string {
	if !v.Up {
		return nodeName(v.Node) + " is down: its store is rebuilt from its log when it restarts."
	}
	return nodeName(v.Node) + " has applied no command yet."
}

// MoreText counts the keys left out.
func (v *KVView) MoreText() string { return "and " + strconv.Itoa(v.More) + " more keys" }
