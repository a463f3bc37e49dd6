//go:build browser

// The same scenario, the same run everywhere (issue 9, Tests: "the same
// scenario gives the same trace digest natively, in Node.js and in the
// page"): every library scenario is run natively here, in Node.js through
// the loader and the built wasm, and in Chromium through the loader a page
// imports, and the three digests of each run's trace (sim.NewTraceDigest)
// must agree. The sample page's three embeds, animated to their end, must
// have their scenarios' digests too (animating runs forks, never the
// scenario's own cluster).
//
//	./build.sh && go test -tags browser -count=1 -run TestEmbedSameDigest ./cmd/serve/
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/raftplayground/raftplayground/raft/sim"
)

// digestsNodeJS runs each scenario file named on its command line to its
// end through the loader (the first argument) on the wasm (the second),
// and prints {file's base name: digest} as JSON.
const digestsNodeJS = `
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
const [loader, wasm, ...files] = process.argv.slice(1);
const { load } = await import(pathToFileURL(loader).href);
const pg = await load({ wasm: pathToFileURL(wasm) });
const out = {};
for (const f of files) {
	const run = pg.loadScenario(await readFile(f, "utf8"));
	run.runToEnd();
	out[basename(f)] = run.traceDigest();
	run.cluster.destroy();
}
console.log(JSON.stringify(out));
`

// digestsPageJS does the same in the page, fetching the library from the
// site; the answer lands in window.__digests (JSON) or window.__digestError.
const digestsPageJS = `(async () => {
	const { load } = await import("./raft-playground.js");
	const pg = await load();
	const out = {};
	for (const f of %s) {
		const response = await fetch("scenarios/" + f);
		const run = pg.loadScenario(await response.text());
		run.runToEnd();
		out[f] = run.traceDigest();
		run.cluster.destroy();
	}
	window.__digests = JSON.stringify(out);
})().catch((err) => { window.__digestError = String(err); }), "started"`

// nativeTraceDigest runs a scenario natively as cmd/scenario -digest does
// and returns the digest it prints.
func nativeTraceDigest(t *testing.T, path string) string {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := sim.Parse(string(text))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	runner, err := sim.NewRunner(sc)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	h := sim.NewTraceDigest()
	if err := runner.World().Trace().StartSink(h); err != nil {
		t.Fatal(err)
	}
	if err := runner.Run(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sim.TraceDigest(h)
}

// TestEmbedSameDigestNativeNodePage: each library scenario's trace digest
// is the same natively, in Node.js and in Chromium.
func TestEmbedSameDigestNativeNodePage(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(siteDir, "scenarios", "*.txt"))
	if err != nil || len(files) < 10 {
		t.Fatalf("found %d library scenarios (%v), want at least 10", len(files), err)
	}
	native := map[string]string{}
	var names []string
	for _, f := range files {
		native[filepath.Base(f)] = nativeTraceDigest(t, f)
		names = append(names, filepath.Base(f))
	}

	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is missing (Node.js 20 or later runs the API's tests): %v", err)
	}
	args := append([]string{"--input-type=module", "-e", digestsNodeJS,
		filepath.Join(siteDir, "raft-playground.js"), filepath.Join(siteDir, "raft-playground.wasm")}, files...)
	out, err := exec.Command(node, args...).Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var inNode map[string]string
	if err := json.Unmarshal(out, &inNode); err != nil {
		t.Fatalf("node answered %q: %v", out, err)
	}

	url := startServer(t)
	console := &consoleLog{}
	p := &page{t: t, ctx: newBrowser(t, console), console: console}
	// The sample page, tall enough that its three embeds play at once;
	// they load the instance the script below gets from load().
	if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 4000)); err != nil {
		t.Fatalf("setting the viewport: %v", err)
	}
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url+"docs-example.html")); err != nil {
		t.Fatalf("opening docs-example.html: %v", err)
	}
	list, _ := json.Marshal(names)
	p.eval("running the library in the page", fmt.Sprintf("JSON.stringify(("+digestsPageJS+"))", list), new(string))
	answer := p.waitString("the page's digests", `window.__digestError ? "error: " + window.__digestError : window.__digests ?? ""`)
	var inPage map[string]string
	if err := json.Unmarshal([]byte(answer), &inPage); err != nil {
		p.fatal("the page answered %q: %v", answer, err)
	}

	// The embeds of library scenarios (the fourth shows a tour at a step),
	// fast and without pauses for reading, to their end.
	p.waitString("three embeds with clusters", `(() => {
		const els = [...document.querySelectorAll("raft-playground[src]")];
		return els.length === 3 && els.every((e) => e.cluster) ? "ok" : "";
	})()`)
	p.eval("speeding up", `JSON.stringify([...document.querySelectorAll("raft-playground[src]")].map((e) => {
		e.setAttribute("speed", "40");
		e.setAttribute("narration-pause", "off");
	}))`, new([]any))
	p.waitString("all three at their end", `[...document.querySelectorAll("raft-playground[src]")].every((e) => e.ended) ? "ok" : ""`)
	var embeds []struct{ Src, Digest string }
	p.eval("the embeds' digests", `JSON.stringify([...document.querySelectorAll("raft-playground[src]")].map((e) => ({ src: e.getAttribute("src"), digest: e.traceDigest() })))`, &embeds)
	for _, e := range embeds {
		name := filepath.Base(e.Src)
		if want, ok := native[name]; !ok || e.Digest != want {
			t.Errorf("the embed of %s: trace digest %s, natively %s", e.Src, e.Digest, want)
		}
	}
	if len(embeds) != 3 {
		t.Errorf("%d embeds of a scenario on the sample page, want 3", len(embeds))
	}

	for _, name := range names {
		want := native[name]
		if len(want) != 32 {
			t.Fatalf("%s: native digest %q", name, want)
		}
		if inNode[name] != want || inPage[name] != want {
			t.Errorf("%s: trace digest natively %s, in Node.js %s, in Chromium %s", name, want, inNode[name], inPage[name])
		}
	}
	if len(inNode) != len(names) || len(inPage) != len(names) {
		t.Errorf("%d scenarios, %d digests from Node.js, %d from the page", len(names), len(inNode), len(inPage))
	}
	if errs := console.String(); errs != "" {
		t.Fatalf("the page reported errors:\n%s", errs)
	}
}
