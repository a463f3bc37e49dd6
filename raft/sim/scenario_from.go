package sim

import (
	"fmt"
	"slices"
	"time"

	"github.com/raftplayground/raftplayground/raft"
)

// FromInterventions writes a run as a scenario: the settings that make
// opts, then every intervention at its virtual time, then a last step that
// runs to end (if end is later). Running the scenario replays the run:
// the same seed and interventions give the same world. Messages are named
// by number (msg 12), client calls are unnamed, and there are no
// expectations. It fails on an intervention it cannot write, rather than
// leave it out and replay another run.
func FromInterventions(opts Options, ivs []Intervention, end time.Duration) (*Scenario, error) {
	sc := &Scenario{Settings: settingsFor(opts), Steps: []Step{}}
	var last time.Duration
	for i, iv := range ivs {
		a := actionOf(iv)
		if a == nil {
			return nil, fmt.Errorf("sim: intervention %d (%s at %v) has no scenario form", i, iv.Kind, iv.At)
		}
		if iv.At > maxScenarioTime {
			return nil, fmt.Errorf("sim: intervention %d is at %v, past the %v a scenario can express", i, iv.At, maxScenarioTime)
		}
		sc.Steps = append(sc.Steps, Step{Timing: Timing{Kind: At, Time: iv.At, Step: iv.Step}, Action: a})
		last = iv.At
	}
	if end > last {
		sc.Steps = append(sc.Steps, Step{Timing: Timing{Kind: At, Time: min(end, maxScenarioTime)}})
	}
	return sc, nil
}

// actionOf is the scenario action that makes iv (nil for a kind it does
// not know, or a link change that changes nothing).
func actionOf(iv Intervention) *Action {
	one := []raft.NodeID{iv.Node}
	a := &Action{Verb: iv.Kind}
	switch iv.Kind {
	case "crash", "restart", "isolate", "snapshot":
		a.Nodes = one
	case "link":
		a.Link = &LinkRef{From: iv.From, To: iv.To}
		c := iv.Link.clone()
		a.Config = &c
		if *a.Config == (LinkConfig{}) {
			return nil // "link" needs a property
		}
	case "partition":
		for _, g := range iv.Groups {
			if len(g) > 0 {
				a.Groups = append(a.Groups, slices.Clone(g))
			}
		}
		if len(a.Groups) == 0 {
			a.Groups = [][]raft.NodeID{} // isolate everyone: no group at all
		}
	case "heal-all":
	case "response-delay":
		a.Nodes, a.Delay = one, iv.Delay
	case "hold", "release", "drop", "duplicate":
		a.Msg = &MsgSelector{ID: iv.Msg}
	case "propose", "put", "append", "get":
		a.Key, a.Value = iv.Key, iv.Data
		if iv.Node != raft.None {
			a.Nodes = one
		}
	case "transfer":
		if iv.Node != raft.None {
			a.Nodes = one
		}
	case "change-peers":
		a.Nodes, a.Learners = slices.Clone(iv.Voters), slices.Clone(iv.Learners)
	case "note":
		a.Text = iv.Data
		if iv.Node == raft.None {
			a.Verb = "say"
		} else {
			a.Nodes = one
		}
	default:
		return nil
	}
	return a
}
