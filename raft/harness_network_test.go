package raft

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// This file is the harness's network: filters that pick messages, and the
// queue the test delivers, drops, duplicates, holds and cuts them from.

// msgFilter picks messages; zero fields match anything.
type msgFilter struct {
	from, to NodeID
	typ      MsgType
	seq      uint64
	// heartbeat: 1 only heartbeats, -1 no heartbeats.
	heartbeat int
}

func (f msgFilter) match(m Message) bool {
	switch {
	case f.from != None && m.From != f.from,
		f.to != None && m.To != f.to,
		f.typ != MsgInvalid && m.Type != f.typ,
		f.seq != 0 && m.Seq != f.seq,
		f.heartbeat == 1 && !m.Heartbeat,
		f.heartbeat == -1 && m.Heartbeat:
		return false
	}
	return true
}

func (f msgFilter) String() string {
	id := func(x NodeID) string {
		if x == None {
			return "*"
		}
		return strconv.FormatUint(uint64(x), 10)
	}
	s := id(f.from) + "->" + id(f.to)
	if f.typ != MsgInvalid {
		s += " " + f.typ.String()
	}
	if f.seq != 0 {
		s += fmt.Sprintf(" seq=%d", f.seq)
	}
	switch f.heartbeat {
	case 1:
		s += " heartbeat"
	case -1:
		s += " no-heartbeat"
	}
	return s
}

// parseFilter reads "1->2 AppendEntriesResp seq=3 heartbeat"; every part is
// optional and "*" stands for any node.
func parseFilter(args []string) (msgFilter, error) {
	var f msgFilter
	for _, a := range args {
		switch {
		case strings.Contains(a, "->"):
			from, to, _ := strings.Cut(a, "->")
			var err error
			if f.from, err = parseOptID(from); err != nil {
				return f, err
			}
			if f.to, err = parseOptID(to); err != nil {
				return f, err
			}
		case strings.HasPrefix(a, "seq="):
			v, err := strconv.ParseUint(strings.TrimPrefix(a, "seq="), 10, 64)
			if err != nil {
				return f, err
			}
			f.seq = v
		case a == "heartbeat":
			f.heartbeat = 1
		case a == "no-heartbeat":
			f.heartbeat = -1
		default:
			i := slices.Index(msgTypeNames[:], a)
			if i <= 0 {
				return f, fmt.Errorf("unknown filter part %q", a)
			}
			f.typ = MsgType(i)
		}
	}
	return f, nil
}

func parseOptID(s string) (NodeID, error) {
	if s == "*" || s == "" {
		return None, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return NodeID(v), err
}

// send puts m in the queue unless a cut drops it.
func (c *cluster) send(m Message) {
	for _, f := range c.cuts {
		if f.match(m) {
			c.logf("%s (cut)", fmtMsg(m))
			return
		}
	}
	c.logf("%s", fmtMsg(m))
	c.queue = append(c.queue, m)
}

func (c *cluster) held(m Message) bool {
	return slices.ContainsFunc(c.holds, func(f msgFilter) bool { return f.match(m) })
}

// deliverAt removes queue[i] and steps it into its receiver.
func (c *cluster) deliverAt(i int) {
	c.t.Helper()
	m := c.queue[i]
	c.queue = slices.Delete(c.queue, i, i+1)
	tn := c.tn(m.To)
	if tn.n == nil {
		if (m.Type != MsgApp && m.Type != MsgSnap) || c.tn(m.From).n == nil {
			c.logf("%s (dropped: %d is down)", fmtMsg(m), m.To)
			return
		}
		// The connection is refused: the sender learns at once.
		c.logf("%s (dropped: %d is down, rpc error)", fmtMsg(m), m.To)
		c.indent = "  "
		defer func() { c.indent = "" }()
		c.do(m.From, func(n *Node) error { n.ReportRPCError(c.now, m); return nil })
		return
	}
	c.logf("%s", fmtMsg(m))
	c.indent = "  "
	defer func() { c.indent = "" }()
	if err := c.do(m.To, func(n *Node) error { return n.Step(c.now, m) }); err != nil {
		c.t.Fatalf("step %s: %v", fmtMsg(m), err)
	}
}

// deliverOne delivers the oldest message that f matches and no hold keeps.
func (c *cluster) deliverOne(f msgFilter) bool {
	c.t.Helper()
	for i, m := range c.queue {
		if f.match(m) && !c.held(m) {
			c.deliverAt(i)
			return true
		}
	}
	return false
}

// deliverWhere delivers the oldest queued message pred accepts; holds do
// not apply.
func (c *cluster) deliverWhere(pred func(Message) bool) bool {
	c.t.Helper()
	if i := slices.IndexFunc(c.queue, pred); i >= 0 {
		c.deliverAt(i)
		return true
	}
	return false
}

// dropWhere drops the queued messages pred accepts.
func (c *cluster) dropWhere(pred func(Message) bool) int {
	n := 0
	c.queue = slices.DeleteFunc(c.queue, func(m Message) bool {
		if pred(m) {
			c.logf("%s (dropped)", fmtMsg(m))
			n++
			return true
		}
		return false
	})
	return n
}

// deliver delivers matching messages, oldest first, including the ones
// they cause, until none is left. It returns how many it delivered.
func (c *cluster) deliver(f msgFilter) int {
	c.t.Helper()
	n := 0
	for c.deliverOne(f) {
		if n++; n > 100000 {
			c.t.Fatalf("messages keep coming after %d deliveries", n)
		}
	}
	return n
}

// deliverAll delivers every message that is not held.
func (c *cluster) deliverAll() int { c.t.Helper(); return c.deliver(msgFilter{}) }

// take removes and returns the queued messages f matches.
func (c *cluster) take(f msgFilter) []Message {
	var out []Message
	c.queue = slices.DeleteFunc(c.queue, func(m Message) bool {
		if f.match(m) {
			out = append(out, m)
			return true
		}
		return false
	})
	return out
}

// drop removes matching messages from the queue.
func (c *cluster) drop(f msgFilter) int {
	ms := c.take(f)
	for _, m := range ms {
		c.logf("%s (dropped)", fmtMsg(m))
	}
	return len(ms)
}

// dup queues a second copy of every matching message, right after it.
func (c *cluster) dup(f msgFilter) int {
	n := 0
	for i := 0; i < len(c.queue); i++ {
		if m := c.queue[i]; f.match(m) {
			c.queue = slices.Insert(c.queue, i+1, m)
			c.logf("%s (duplicated)", fmtMsg(m))
			i++
			n++
		}
	}
	return n
}

// hold keeps matching messages, queued and future, from being delivered.
func (c *cluster) hold(f msgFilter) { c.holds = append(c.holds, f) }

// release lifts the holds equal to f (every hold when f is the zero filter).
func (c *cluster) release(f msgFilter) {
	c.holds = slices.DeleteFunc(c.holds, func(h msgFilter) bool { return f == (msgFilter{}) || h == f })
}

// cut drops matching messages from now on; heal removes every cut.
func (c *cluster) cut(f msgFilter) { c.cuts = append(c.cuts, f) }
func (c *cluster) heal()           { c.cuts = nil }

// isolate cuts every link to and from id.
func (c *cluster) isolate(id NodeID) {
	c.cut(msgFilter{from: id})
	c.cut(msgFilter{to: id})
}

// rpcError removes the oldest queued request f matches and reports it to
// its sender as failed (ReportRPCError).
func (c *cluster) rpcError(f msgFilter) bool {
	c.t.Helper()
	for i, m := range c.queue {
		if f.match(m) && (m.Type == MsgApp || m.Type == MsgSnap) {
			c.queue = slices.Delete(c.queue, i, i+1)
			c.logf("%s (rpc error)", fmtMsg(m))
			c.indent = "  "
			err := c.do(m.From, func(n *Node) error { n.ReportRPCError(c.now, m); return nil })
			c.indent = ""
			if err != nil {
				c.t.Fatal(err)
			}
			return true
		}
	}
	return false
}

// count returns how many queued messages f matches.
func (c *cluster) count(f msgFilter) int {
	n := 0
	for _, m := range c.queue {
		if f.match(m) {
			n++
		}
	}
	return n
}
