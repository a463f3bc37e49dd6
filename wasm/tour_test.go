package main

import (
	"os"
	"strings"
	"testing"
)

// TestLoadTour: loadTour answers a tour's steps with their moments, and a
// seek to a step's moment shows that step's state (static/tours/election.txt:
// at step 2 n2 is the first pre-candidate, n1 still a follower).
func TestLoadTour(t *testing.T) {
	text, err := os.ReadFile("../static/tours/election.txt")
	if err != nil {
		t.Fatal(err)
	}
	r := NewRegistry()
	var loaded struct {
		ID    int
		Steps []struct {
			Title      string
			Narration  []string
			Highlights []string
			At         int64 `json:"at_ns"`
		}
	}
	ok(t, r, &loaded, "loadTour", string(text))
	if len(loaded.Steps) != 14 || loaded.Steps[1].Title != "A timer runs out: pre-vote" ||
		len(loaded.Steps[1].Narration) != 1 || strings.Join(loaded.Steps[1].Highlights, ",") != "n2 role" {
		t.Fatalf("steps %+v", loaded.Steps)
	}
	var id int
	ok(t, r, &id, "seek", float64(loaded.ID), float64(loaded.Steps[1].At)/1e6)
	var st status
	ok(t, r, &st, "status", float64(id))
	if st.Now != loaded.Steps[1].At || st.Nodes[1].Role != "precandidate" || st.Nodes[0].Role != "follower" {
		t.Errorf("at step 2: now %d (want %d), n2 %+v", st.Now, loaded.Steps[1].At, st.Nodes[1])
	}

	if msg := fails(t, r, "loadTour", "nodes 3\nsay hello\n"); msg != "loadTour: line 2, column 1: a tour starts with a step line (step TITLE) after its settings" {
		t.Errorf("not a tour: %s", msg)
	}
}
