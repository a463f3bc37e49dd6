# Raft Playground. `make` lists the targets; `make test` runs everything CI runs.

.DEFAULT_GOAL := help
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# ADDR is where `make serve` listens.
ADDR ?= 127.0.0.1:8080
GOROOT := $(shell go env GOROOT)
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec

.PHONY: help deps build generate check test-go test-wasm test-node test-browser test serve bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

deps: ## download Go modules (and npm packages when there is a package.json)
	go mod download
	@if [[ -f package.json ]]; then echo "npm ci"; npm ci; fi

build: ## build the site into static/ (wasm, wasm_exec.js, .gz, .br)
	./build.sh

generate: ## regenerate the Vugu code in web/
	go generate ./web/...

check: deps ## gofmt, go vet and staticcheck (native and js/wasm), generated code current
	@unformatted=$$(gofmt -l .); if [[ -n $$unformatted ]]; then \
		echo "gofmt: these files need gofmt -w:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./wasm/
	go tool staticcheck ./...
	@# `go tool` would build staticcheck itself for js/wasm, so run the native binary.
	GOOS=js GOARCH=wasm "$$(go tool -n staticcheck)" ./wasm/
	$(MAKE) --no-print-directory generate
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
	node --test wasm/jstest/

test-browser: build ## the page in headless Chromium (installs chromium when root)
	.ci/ensure-chromium.sh
	go test -tags browser -count=1 ./cmd/serve/

test: check test-go test-wasm test-node test-browser ## everything CI runs
	@echo "make test: all checks and tests passed"

serve: build ## build, then serve the site on $(ADDR)
	go run ./cmd/serve -addr $(ADDR)

bench: ## benchmarks of the core and the simulator
	go test -run '^$$' -bench . -benchmem ./raft/...
