package web

import (
	"fmt"
	"strings"
)

// Announcer tells screen readers, through two polite aria-live regions,
// who leads (and which nodes are down) whenever that changes, and what
// came of the last command or action. It is not seen.
type Announcer struct {
	// View is the playground's view.
	View *View
}

// RolesText says who leads in which term and which nodes are down, e.g.
// "n3 leads in term 4. n1 is down."; it changes only when a role does.
func (v *View) RolesText() string {
	var b strings.Builder
	if v.Leader == 0 {
		b.WriteString("No leader.")
	} else {
		fmt.Fprintf(&b, "n%d leads in term %d.", v.Leader, v.Term)
	}
	var down []string
	for _, n := range v.Nodes {
		if !n.Up {
			down = append(down, n.Name())
		}
	}
	switch len(down) {
	case 0:
	case 1:
		fmt.Fprintf(&b, " %s is down.", down[0])
	default:
		fmt.Fprintf(&b, " %s are down.", strings.Join(down, ", "))
	}
	return b.String()
}

// ResultText is the outcome of the last action: the run stopping on a
// violation, an action that failed, or the answer to the last command.
func (v *View) ResultText() string {
	switch {
	case v.Violation != "":
		return "The run stopped: " + v.Violation
	case v.Notice != "":
		return v.Notice
	}
	return v.Result
}
