package main

import "testing"

func TestPackageOf(t *testing.T) {
	pkgOf := packageOf([]string{"github.com/x/y/raft", "github.com/x/y/raft/sim", "slices", "internal/runtime/maps"})
	for name, want := range map[string]string{
		"github.com_x_y_raft_sim.__World_.Step":           "github.com/x/y/raft/sim",
		"github.com_x_y_raft.__Node_.Step":                "github.com/x/y/raft",
		"github.com_x_y_raft_sim.init.func1":              "github.com/x/y/raft/sim",
		"slices.SortFunc_go.shape.string_":                "slices",
		"slices.pdqsort_go.shape.struct___a.b_c.d_int___": "slices",
		"main.main": "main (./wasm)",
		"internal_runtime_maps.__Map_.getWithKey": "internal/runtime/maps",
		"type_.eq.github.com_x_y_raft.Entry":      "type: (equality and hash functions)",
		"_rt0_wasm_js":                            "_rt0",
		"wasm_export_run":                         "wasm",
	} {
		if got := pkgOf(name); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", name, got, want)
		}
	}
}
