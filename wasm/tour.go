package main

// Tours through the API: loadTour runs a tour (a scenario cut into steps,
// docs/scenarios.md "Tours") to its end on a new cluster and answers its
// steps, each with its moment; seeking the cluster to a step's moment
// shows that step (the embed's Back and Next do so).

import (
	"github.com/raftplayground/raftplayground/raft/sim"
)

// loadedTour is what loadTour answers.
type loadedTour struct {
	// ID is the cluster, at the tour's end.
	ID int `json:"id"`
	// Steps are the tour's steps, in order.
	Steps []tourStep `json:"steps"`
}

// tourStep is one step of a tour.
type tourStep struct {
	// Line is the step line's; Title its text.
	Line  int    `json:"line"`
	Title string `json:"title"`
	// Narration holds its say lines (and note lines as "n2: text").
	Narration []string `json:"narration"`
	// Highlights name the fields it points at, as written
	// ("replicator n1->n2 next-index").
	Highlights []string `json:"highlights"`
	// At is the step's moment: seek there to show it.
	At int64 `json:"at_ns"`
}

// loadTour runs a tour to its end. A text that is not a tour, a step that
// cannot run or an expectation that fails is an error naming the step.
func (r *Registry) loadTour(arg any) (any, error) {
	text, _, err := readScenario(arg)
	if err != nil {
		return nil, err
	}
	t, err := sim.RunTour(text)
	if err != nil {
		return nil, err
	}
	id, err := r.add(&cluster{w: t.World, bytes: len(text)})
	if err != nil {
		return nil, err
	}
	out := loadedTour{ID: id, Steps: make([]tourStep, len(t.Steps))}
	for i, st := range t.Steps {
		hl := make([]string, len(st.Highlights))
		for j, h := range st.Highlights {
			hl[j] = h.String()
		}
		out.Steps[i] = tourStep{Line: st.Line, Title: st.Title, Narration: nonNil(st.Narration), Highlights: hl, At: int64(st.At)}
	}
	return out, nil
}
