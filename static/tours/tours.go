// Package tours holds the guided tours (docs/scenarios.md, "Tours"): each
// a scenario cut into narrated steps, shipped with the site as text and
// embedded here so that the page and its tests read the same files.
package tours

import "embed"

// files are the tours' texts, NAME.txt.
//
//go:embed *.txt
var files embed.FS

// Tour names one tour and says what it shows.
type Tour struct {
	// Name is the file's name without .txt, as links write it
	// (#tour=election).
	Name string
	// Title is what the tour picker shows.
	Title string
}

// All lists the tours in the order a learner takes them.
var All = []Tour{
	{"replication", "Log replication, after SOFAJRaft"},
	{"election", "Leader election"},
	{"safety", "Safety: the paper's Figure 8"},
	{"membership", "Membership change and leadership transfer"},
	{"reads", "Reads: ReadIndex and the lease"},
}

// Text returns the text of the tour called name; ok is false when there
// is none.
func Text(name string) (text string, ok bool) {
	for _, t := range All {
		if t.Name == name {
			b, err := files.ReadFile(name + ".txt")
			return string(b), err == nil
		}
	}
	return "", false
}
