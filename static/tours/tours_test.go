package tours

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAllListsEveryFile: the picker lists every tour file, and every entry
// has its file (a tour missing from All could not be linked to).
func TestAllListsEveryFile(t *testing.T) {
	files, err := filepath.Glob("*.txt")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".txt"))
	}
	var listed []string
	for _, tour := range All {
		listed = append(listed, tour.Name)
		if text, ok := Text(tour.Name); !ok || text == "" {
			t.Errorf("%s: no text", tour.Name)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(names, listed) {
		t.Errorf("files %v, All lists %v", names, listed)
	}
	if _, ok := Text("nope"); ok {
		t.Error("a tour that does not exist has a text")
	}
}
