package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoLinesKeepsTheRuntimeWorking builds testdata/lines for js/wasm,
// runs it with Go's Node.js runner as built and after -nolines, and checks
// that the stripped module still grows stacks, collects garbage and names
// the functions of a traceback (boom is inlined, so the inlining tables
// are read too), while file and line read "?" and 0
// (runtime.funcline1's answer for a function without tables).
func TestNoLinesKeepsTheRuntimeWorking(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a wasm module and runs Node.js")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("Node.js is needed to run the module:", err)
	}
	dir := t.TempDir()
	built := filepath.Join(dir, "lines.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-o", built, "./testdata/lines")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	stripped := filepath.Join(dir, "stripped.wasm")
	if err := run(built, stripped, 4096, true); err != nil {
		t.Fatal(err)
	}

	want := "sum 50005000\ncaller "
	before := runWasm(t, built)
	if !strings.Contains(before, "/lines/main.go 35 true\n") || !strings.Contains(before, "main.main()\n\tgithub.com/") {
		t.Fatalf("unstripped module printed\n%s\nwant a file and line", before)
	}
	after := runWasm(t, stripped)
	for _, w := range []string{want + "? 0 true\n", "panic: boom", "main.boom(...)\n\t?:0", "main.main()\n\t?:0"} {
		if !strings.Contains(after, w) {
			t.Errorf("stripped module printed\n%s\nwant it to contain %q", after, w)
		}
	}
	if strings.Contains(after, "main.go") {
		t.Errorf("stripped module printed\n%s\nstill naming a file", after)
	}
}

// runWasm runs a js/wasm module with Go's Node.js runner and returns its
// output; the module panics, so it must exit with status 2.
func runWasm(t *testing.T, module string) string {
	t.Helper()
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal("go env GOROOT:", err)
	}
	runner := filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "go_js_wasm_exec")
	out, err := exec.Command(runner, module).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("%s: exit %v, want status 2 (the panic)\n%s", module, err, out)
	}
	return string(out)
}

func TestNoLinesRefusesAModuleWithoutGoTables(t *testing.T) {
	in := module(memorySection, dataSection(segment{offset: 8, data: []byte("not a Go module")}))
	_, _, err := pack(in, 4096, true)
	if err == nil || !strings.Contains(err.Error(), "found 0 Go 1.20+ wasm pc-line table headers") {
		t.Errorf("err = %v, want the header not found", err)
	}
}
