package main

// The scene model as JSON, for pages that draw the cluster themselves:
// scene is what web/scene's Builder computes for the page's canvas (nodes
// on a ring with their timers, links, messages with their positions), and
// spaceTime its sequence diagram of the recent past. Both are bounded by
// what the world keeps (its last 1024 messages and 256 role changes).

import (
	"time"

	"github.com/raftplayground/raftplayground/raft"
	"github.com/raftplayground/raftplayground/raft/sim"
	"github.com/raftplayground/raftplayground/web/scene"
)

// Limits of the scene methods' arguments.
const (
	// MaxFadeMillis bounds how long an ended message stays in a scene.
	MaxFadeMillis = 60_000
	// MaxWindowMillis bounds a space-time diagram's window.
	MaxWindowMillis = MaxRunMillis
)

// timerNames name scene.Timer values.
var timerNames = map[scene.Timer]string{scene.TimerNone: "none", scene.TimerElection: "election", scene.TimerHeartbeat: "heartbeat"}

// sceneJSON is a scene as the API answers it; coordinates are in the unit
// square, (0, 0) top left.
type sceneJSON struct {
	// Now is the scene's virtual time; Leader the leader then (0: none).
	Now    int64       `json:"now_ns"`
	Leader raft.NodeID `json:"leader"`
	// Radius is the radius nodes are drawn with.
	Radius   float64       `json:"node_radius"`
	Nodes    []sceneNode   `json:"nodes"`
	Links    []linkJSON    `json:"links"`
	Messages []sceneMsgOut `json:"messages"`
}

// linkJSON is a directed link of a scene.
type linkJSON struct {
	// From and To are its ends; Cut whether it is down.
	From raft.NodeID `json:"from"`
	To   raft.NodeID `json:"to"`
	Cut  bool        `json:"cut"`
}

// sceneNode is one node of a scene.
type sceneNode struct {
	// ID names the node; X and Y are its centre; Up, Role, Term and Vote
	// are as its status says.
	ID   raft.NodeID `json:"id"`
	X    float64     `json:"x"`
	Y    float64     `json:"y"`
	Up   bool        `json:"up"`
	Role raft.Role   `json:"role"`
	Term uint64      `json:"term"`
	Vote raft.NodeID `json:"vote"`
	// Timer is "none", "election" or "heartbeat"; TimerLeft the fraction
	// of its period still to run.
	Timer     string  `json:"timer"`
	TimerLeft float64 `json:"timer_left"`
}

// sceneMsgOut is one message of a scene: its record, where it is, how far
// along its link, and how faded (1 on the wire, towards 0 once ended).
type sceneMsgOut struct {
	sim.MsgRecord
	// X and Y are where it is; Progress how far along its link (0 at the
	// sender, 1 at the receiver); Fade 1 on the wire, falling to 0 once
	// its life ended.
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Progress float64 `json:"progress"`
	Fade     float64 `json:"fade"`
}

// sceneOf answers the cluster's scene now (args: fadeMs, default 0).
func sceneOf(_ *Registry, c *cluster, args []any) (any, error) {
	var fade time.Duration
	if _, undef := args[0].(Undefined); !undef {
		var err error
		if fade, err = msArg("fadeMs", args[0], MaxFadeMillis*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if c.scene == nil {
		c.scene = &scene.Builder{}
	}
	c.scene.Fade = fade
	s := c.scene.Build(c.w)
	out := sceneJSON{Now: int64(s.Now), Leader: s.Leader, Radius: scene.NodeRadius,
		Nodes: make([]sceneNode, len(s.Nodes)), Links: make([]linkJSON, len(s.Links)), Messages: make([]sceneMsgOut, len(s.Messages))}
	for i, n := range s.Nodes {
		out.Nodes[i] = sceneNode{ID: n.ID, X: n.At.X, Y: n.At.Y, Up: n.Up, Role: n.Role, Term: n.Term, Vote: n.Vote,
			Timer: timerNames[n.Timer], TimerLeft: n.TimerLeft}
	}
	for i, l := range s.Links {
		out.Links[i] = linkJSON{From: l.From, To: l.To, Cut: l.Cut}
	}
	for i, m := range s.Messages {
		out.Messages[i] = sceneMsgOut{MsgRecord: m.MsgRecord, X: m.At.X, Y: m.At.Y, Progress: m.Progress, Fade: m.Fade}
	}
	return out, nil
}

// spaceTimeJSON is a space-time diagram as the API answers it.
type spaceTimeJSON struct {
	From   int64       `json:"from_ns"`
	To     int64       `json:"to_ns"`
	Nodes  int         `json:"nodes"`
	Spans  []spanJSON  `json:"spans"`
	Arrows []arrowJSON `json:"arrows"`
}

// spanJSON is a node in one role (or down) over [from, to).
type spanJSON struct {
	// Node is whose lane; Up, Role and Term what it was; From and To the
	// span's bounds.
	Node raft.NodeID `json:"node"`
	Up   bool        `json:"up"`
	Role raft.Role   `json:"role"`
	Term uint64      `json:"term"`
	From int64       `json:"from_ns"`
	To   int64       `json:"to_ns"`
}

// arrowJSON is a message from (sent_ns, from's lane) to (end_ns, to's
// lane); ended tells whether end_ns ends its life or is only now.
type arrowJSON struct {
	sim.MsgRecord
	// Until is where the arrow stops in time (the record's end_ns is 0
	// while it flies).
	Until int64 `json:"until_ns"`
	// Ended: Until ends the message's life.
	Ended bool `json:"ended"`
}

// spaceTime answers the diagram of the last windowMs of virtual time.
func spaceTime(_ *Registry, c *cluster, args []any) (any, error) {
	window, err := msArg("windowMs", args[0], MaxWindowMillis*time.Millisecond)
	if err != nil {
		return nil, err
	}
	if c.spaceTime == nil {
		c.spaceTime = &scene.SpaceTimeBuilder{}
	}
	st := c.spaceTime.Build(c.w, window)
	out := spaceTimeJSON{From: int64(st.From), To: int64(st.To), Nodes: st.Nodes,
		Spans: make([]spanJSON, len(st.Spans)), Arrows: make([]arrowJSON, len(st.Arrows))}
	for i, s := range st.Spans {
		out.Spans[i] = spanJSON{Node: s.Node, Up: s.Up, Role: s.Role, Term: s.Term, From: int64(s.From), To: int64(s.To)}
	}
	for i, a := range st.Arrows {
		out.Arrows[i] = arrowJSON{MsgRecord: a.MsgRecord, Until: int64(a.End), Ended: a.Ended}
	}
	return out, nil
}
