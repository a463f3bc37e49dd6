#!/usr/bin/env bash
# Builds the site into static/: generates the Vugu code, compiles the
# WebAssembly, shrinks it with wasm-opt (Debian's binaryen) and
# cmd/wasmpack, copies Go's wasm_exec.js beside it, writes precompressed .gz
# and .br copies of the whole page for cmd/serve and prints their sizes.
# All outputs are ignored by git.
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
# Packages that only draw the page or format text are compiled without
# inlining (-l): the generated Vugu code (web/) and fmt, reflect,
# encoding/json and time. That saves about 50 KB brotli; their callers are
# one event or one frame at a time. The simulator (raft/...) and the
# runtime keep their inlining: their speed is the page's frame rate
# (README, "Size").
noinline=(
	github.com/raftplayground/raftplayground/web
	fmt
	reflect
	encoding/json
	time
)
gcflags=()
for p in "${noinline[@]}"; do
	gcflags+=("-gcflags=$p=-l")
done
echo "build: $wasm"
# Tried for the simulator's speed in WebAssembly (issue 10) and left out, as
# none beat the noise of alternating runs on a loaded 2-core machine (Node.js
# 20; 60 virtual seconds of warm-up, then 20 timed chunks of 5 s; 6 to 10
# rounds; ~220x real time in wasm against ~1,000x natively):
# GOWASM=satconv,signext (per-round ratio to the plain build 1.01; the code
# has almost no narrow sign extensions or float conversions), PGO from a
# native profile of the simulator (0.96 to 1.08 in three series, for 22 KB
# more brotli), wasm-opt -O3 with or without inlining Go's functions, GOGC
# 200, 400 or off (the collector takes ~5% of the time). The gap is Go's
# wasm code itself, evenly spread: every subsystem runs 4 to 6 times slower.
# go build leaves an output whose build ID matches the sources alone, and
# wasm-opt keeps that ID: without this, a second build would optimise and
# pack the already optimised and packed file of the first.
rm -f "$wasm"
GOOS=js GOARCH=wasm go build -trimpath -buildvcs=$buildvcs -ldflags="-s -w" "${gcflags[@]}" -o "$wasm" ./wasm
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"

# ensure TOOL PACKAGE reports whether the command TOOL is there, installing
# Debian's PACKAGE with apt-get when it is missing and this runs as root (as
# .ci/ensure-chromium.sh installs chromium); otherwise it warns in one line.
ensure() {
	local tool=$1 pkg=$2
	if command -v "$tool" >/dev/null; then
		return 0
	fi
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		echo "build: installing $pkg ($tool) with apt-get" >&2
		export DEBIAN_FRONTEND=noninteractive
		# Update the package lists only when they do not know the package yet.
		if ! apt-cache show "$pkg" >/dev/null 2>&1; then
			apt-get update
		fi
		if apt-get install -y --no-install-recommends "$pkg" && command -v "$tool" >/dev/null; then
			return 0
		fi
	fi
	echo "build: warning: $tool is missing (apt-get install $pkg)" >&2
	return 1
}

# wasm-opt rewrites the binary. Go's wasm uses these post-MVP features, which
# binaryen 108 must be told about. -O1 gave the smallest brotli file: -O2,
# -Os, -Oz and -O3 make the raw file smaller or about the same but compress
# worse, and take 4 to 20 times longer (README, "Size").
if ensure wasm-opt binaryen; then
	echo "optimise: wasm-opt -O1 $wasm"
	start=$SECONDS
	wasm-opt -O1 --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
		-o "$wasm.opt" "$wasm"
	mv "$wasm.opt" "$wasm"
	echo "optimise: $((SECONDS - start)) s"
fi

# Go's linker writes some 70,000 small data segments, one per run of bytes
# between zeros; joined, they compress by about 59 KB better
# (cmd/wasmpack says why this leaves memory as it was). -nolines also empties
# the runtime's file and line tables, which only tracebacks read: 111 KB
# brotli, and a panic's trace shows "?:0" instead of file:line
# (cmd/wasmpack/lines.go). WASM_LINES=1 ./build.sh keeps them, to debug.
pack=(-nolines)
if [[ ${WASM_LINES:-} == 1 ]]; then
	pack=()
fi
echo "pack: go run ./cmd/wasmpack ${pack[*]} $wasm"
go run ./cmd/wasmpack "${pack[@]}" "$wasm"

# Without brotli the site is served gzip-compressed only.
have_brotli=true
if ! ensure brotli brotli; then
	have_brotli=false
fi
# The whole page: what a browser downloads to show it.
page=("$out/index.html" "$out/style.css" "$out/domsync.js" "$out/boot.js" "$out/paint.js" "$out/raft-playground.js" "$out/wasm_exec.js" "$wasm")
# The rest of the site's text files (the embeds, the experiments' worker, the
# sample page) are served compressed too, but are not part of the page.
rest=()
for f in "$out"/*.html "$out"/*.css "$out"/*.js; do
	case " ${page[*]} " in *" $f "*) ;; *) rest+=("$f") ;; esac
done
for f in "${page[@]}" "${rest[@]}"; do
	gzip -9 -n -k -f "$f"
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
# total sums the sizes of the page's files with a suffix, or prints "-" when
# one is missing.
total() {
	local sum=0 f
	for f in "${page[@]}"; do
		[[ -f $f$1 ]] || { echo -; return; }
		sum=$((sum + $(size "$f$1")))
	done
	echo "$sum"
}
printf '%-28s %10s %10s %10s\n' file raw gzip brotli
for f in "${page[@]}"; do
	printf '%-28s %10s %10s %10s\n' "$f" "$(size "$f")" "$(size "$f.gz")" "$(size "$f.br")"
done
printf '%-28s %10s %10s %10s\n' "page (sum of the above)" "$(total '')" "$(total .gz)" "$(total .br)"
# The figure issue 10 sets a target for: the page, brotli, at most 900,000 bytes.
echo "size: page $(total .br) B brotli (target 900000), wasm alone $(size "$wasm.br") B brotli"
