#!/usr/bin/env bash
# Builds the site into static/: generates the Vugu code, compiles the
# WebAssembly, copies Go's wasm_exec.js beside it and writes precompressed
# .gz and .br copies for cmd/serve. All outputs are ignored by git.
set -euo pipefail
cd "$(dirname "$0")"

out=static
wasm=$out/raft-playground.wasm

# Generate: only once web/ has a go:generate directive.
if grep -rqs --include='*.go' '^//go:generate' web/; then
	echo "generate: go generate ./web/..."
	go generate ./web/...
else
	echo "generate: nothing to generate in web/ yet"
fi

# Cross builds stamp the commit (shown as the API's version) only when asked.
buildvcs=auto
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	buildvcs=true
fi
echo "build: $wasm"
GOOS=js GOARCH=wasm go build -trimpath -buildvcs=$buildvcs -ldflags="-s -w" -o "$wasm" ./wasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"

have_brotli=true
if ! command -v brotli >/dev/null; then
	have_brotli=false
	echo "build: warning: brotli is not installed, so no .br files (apt-get install brotli)" >&2
fi
for f in "$wasm" "$out/wasm_exec.js"; do
	gzip -9 -k -f "$f"
	if $have_brotli; then
		brotli -f -q 11 "$f"
	else
		rm -f "$f.br" # a stale .br would be served in place of the new file
	fi
done

# size prints a file's size in bytes, or "-" when it does not exist.
size() {
	if [[ -f $1 ]]; then wc -c <"$1" | tr -d ' '; else echo -; fi
}
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
for f in "$wasm" "$out/wasm_exec.js"; do
	printf '%-28s %10s %10s %10s\n' "$f" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
done
