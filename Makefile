# Raft Playground. `make` lists the targets; `make test` runs everything CI runs.

.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# ADDR is where `make serve` listens.
ADDR ?= 127.0.0.1:8080
GOROOT := $(shell go env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

# SEEDS is how many seeds `make swarm` runs.
SEEDS ?= 500

.PHONY: help deps build generate check test-go test-wasm test-node test-browser test-determinism test-swarm test serve bench swarm canaries

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

deps: ## download Go modules (and npm packages when there is a package.json)
	go mod download
	@if [[ -f package.json ]]; then echo "npm ci"; npm ci; fi

build: ## build the site into static/ (wasm, wasm_exec.js, .gz, .br)
	./build.sh

generate: ## regenerate the Vugu code in web/
	go generate ./web/...

check: deps ## gofmt, go vet and staticcheck (native and js/wasm), the TypeScript declarations, generated code current
	@unformatted=$$(gofmt -l .); if [[ -n $$unformatted ]]; then \
		echo "gofmt: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go vet -tags canary ./raft/... ./cmd/swarm/
	GOOS=js GOARCH=wasm go vet ./wasm/
	go tool staticcheck ./...
	go tool staticcheck -tags canary ./raft/... ./cmd/swarm/
	@# `go tool` would build staticcheck itself for js/wasm, so run the native binary.
	GOOS=js GOARCH=wasm "$$(go tool -n staticcheck)" ./wasm/
	$(MAKE) --no-print-directory generate
	@# The TypeScript declarations of the JavaScript API (static/raft-playground.d.ts).
	@if [[ -f package.json ]]; then echo "npm run check-types"; npm run --silent check-types; fi
	@git diff --exit-code --stat -- web/ || { \
		echo "check: go generate ./web/... changed web/: commit the regenerated files"; exit 1; }
	@untracked=$$(git ls-files --others --exclude-standard -- web/); if [[ -n $$untracked ]]; then \
		echo "check: untracked files under web/ (git add them, or ignore them):"; echo "$$untracked"; exit 1; fi

test-go: ## Go tests, native
	go test ./...

test-wasm: ## Go tests of the core and the JS API under Node.js (GOOS=js GOARCH=wasm)
	GOOS=js GOARCH=wasm go test -exec "$(WASM_EXEC)" ./raft/... ./wasm/

test-node: build ## the JavaScript API in Node.js, on the built wasm
	@command -v node >/dev/null || { echo "test-node: node is missing; install Node.js 20 or later"; exit 1; }
	node --test wasm/jstest/ cmd/serve/

test-browser: build ## the page in headless Chromium (installs chromium when root), with axe-core from npm ci
	.ci/ensure-chromium.sh
	@[[ -f node_modules/axe-core/axe.min.js ]] || { echo "npm ci (axe-core for the accessibility test)"; npm ci; }
	go test -tags browser -count=1 ./cmd/serve/

test-determinism: ## the same seeds give byte-identical traces natively and in WebAssembly under Node.js
	mkdir -p artifacts
	go run ./cmd/swarm -digest -seeds 8 > artifacts/digests-native.txt
	GOOS=js GOARCH=wasm go run -exec "$(WASM_EXEC)" ./cmd/swarm -digest -seeds 8 > artifacts/digests-wasm.txt
	diff artifacts/digests-native.txt artifacts/digests-wasm.txt
	@echo "test-determinism: $$(wc -l < artifacts/digests-native.txt) seeds, byte-identical traces"

test-swarm: ## a quick swarm: 1000 seeded worlds with drawn options and faults
	go run ./cmd/swarm -seeds 1000

CANARIES := commit-old-term|vote-twice|not-durable|no-truncate|apply-before-commit|read-unconfirmed|vote-stale-log|restart-votes

canaries: ## a named test and the swarm must catch every planted bug (built with -tags canary); release builds must hold none
	go test -tags canary ./raft/...
	mkdir -p artifacts
	go build -tags canary -o artifacts/swarm-canary ./cmd/swarm
	@# One process runs the seeds in order, so each line names the first seed that catches its canary.
	artifacts/swarm-canary -canaries -seeds 200 -procs 1
	go build -o artifacts/swarm-release ./cmd/swarm
	GOOS=js GOARCH=wasm go build -o artifacts/release.wasm ./wasm
	@if grep -a -q -E '$(CANARIES)' artifacts/swarm-release artifacts/release.wasm; then \
		echo "canaries: a release build contains a canary"; exit 1; fi
	@echo "canaries: release builds contain no canary"

swarm: ## run SEEDS seeded worlds (default 500) in parallel processes
	go run ./cmd/swarm -seeds $(SEEDS)

test: check test-go test-wasm test-node test-browser test-determinism test-swarm canaries ## everything CI runs
	@echo "make test: all checks and tests passed"

serve: build ## build, then serve the site on $(ADDR)
	go run ./cmd/serve -addr $(ADDR)

# BENCH_COUNT is how many rounds `make bench` runs; it prints the median of each figure.
BENCH_COUNT ?= 5
# LOAD prints the machine's load averages and core count, for the figures next to it.
LOAD = echo "load $$(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) on $$(nproc) cores"
BENCH_WASM = GOOS=js GOARCH=wasm go test -exec "$(WASM_EXEC)"

# SIM_STEPS is how many 100 ms steps the simulator's speed benchmarks time,
# natively and in WebAssembly alike, so both figures time the same stretch
# of the same world. 3000 steps take about 1.3 s of WebAssembly at 230× real
# time; 300 (the earlier figure) timed about 0.13 s, which a moment of load
# on a shared machine made range from 50× to 207× (3000: 87× to 230×).
SIM_STEPS ?= 3000

# Each round runs every benchmark once, natively then in WebAssembly, so a
# burst of load hits all of them alike; each wasm round is a fresh V8, which
# the speed benchmarks warm up before timing. -p 1: one test binary at a time.
# The summary compares each round's WebAssembly figures with the native ones
# of the same round (cmd/benchsum -versus).
bench: ## benchmarks of the core and the simulator, natively and in WebAssembly: medians of BENCH_COUNT rounds, with the load; then the core against etcd's raft (bench/); then the page size; then the page in Chromium (frame rate, CPU, first leader)
	@mkdir -p artifacts/bench
	@rm -f artifacts/bench/native.txt artifacts/bench/wasm.txt artifacts/bench/load.txt
	@start=$$(date +%s); \
	for round in $$(seq $(BENCH_COUNT)); do \
		echo "bench: round $$round of $(BENCH_COUNT), $$(date -u +%T) UTC, $$($(LOAD))"; \
		cut -d' ' -f1 /proc/loadavg >> artifacts/bench/load.txt; \
		go test -p 1 -run '^$$' -bench . -skip 'SimSpeed' -benchmem ./raft/... ./web/scene/ >> artifacts/bench/native.txt \
			|| { cat artifacts/bench/native.txt; exit 1; }; \
		go test -run '^$$' -bench 'SimSpeed' -benchtime $(SIM_STEPS)x -benchmem ./raft/sim/ >> artifacts/bench/native.txt \
			|| { cat artifacts/bench/native.txt; exit 1; }; \
		$(BENCH_WASM) -run '^$$' -bench 'SimSpeed' -benchtime $(SIM_STEPS)x -benchmem ./raft/sim/ >> artifacts/bench/wasm.txt \
			|| { cat artifacts/bench/wasm.txt; exit 1; }; \
		$(BENCH_WASM) -run '^$$' -bench 'Frame$$' -benchmem ./web/scene/ >> artifacts/bench/wasm.txt \
			|| { cat artifacts/bench/wasm.txt; exit 1; }; \
	done; \
	cut -d' ' -f1 /proc/loadavg >> artifacts/bench/load.txt; \
	echo; \
	go run ./cmd/benchsum -title native < artifacts/bench/native.txt; \
	go run ./cmd/benchsum -title "WebAssembly (Node.js $$(node --version))" \
		-versus artifacts/bench/native.txt -versus-title native < artifacts/bench/wasm.txt; \
	echo "(issue 10's target: the simulator within 2.5× of native in WebAssembly)"; \
	echo "1-minute load average at the start of each round and at the end: $$(paste -sd' ' artifacts/bench/load.txt), on $$(nproc) cores"; \
	echo "make bench took $$(( $$(date +%s) - start )) s; every run is in artifacts/bench/native.txt and wasm.txt"
	@echo; echo "bench: the core against etcd's raft, one harness, alternating runs (bench/README.md)"
	cd bench && go run .
	@# The page size is a build's output, not a timing: it does not vary with the load.
	@echo; echo "bench: page size, brotli (./build.sh; its whole output is in artifacts/bench/build.txt)"
	@./build.sh > artifacts/bench/build.txt 2>&1 || { cat artifacts/bench/build.txt; exit 1; }
	@grep '^size:' artifacts/bench/build.txt
	@echo; echo "bench: the page in headless Chromium (cmd/pagebench), $$($(LOAD))"
	go run ./cmd/pagebench
