//go:build canary

package raft

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCanaryScenarios runs testdata/canary/NAME.txt with canary NAME on:
// each script shows the planted bug break what the matching script in
// testdata/ shows holding (regenerate with -tags canary -rewrite). The
// canary is switched off again before the next script and at the end.
func TestCanaryScenarios(t *testing.T) {
	files, err := filepath.Glob("testdata/canary/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no canary scenarios: %v", err)
	}
	defer SetCanary("")
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txt")
		t.Run(name, func(t *testing.T) {
			if err := SetCanary(name); err != nil {
				t.Fatal(err)
			}
			defer SetCanary("")
			runScenario(t, file)
		})
	}
}
