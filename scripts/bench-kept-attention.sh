#!/usr/bin/env bash
# Benchmark (not a test): a long input's per-head attention kept by the server session against the
# memory budget (issue 12, item 4): a panel's per-head request answered from the session versus
# recomputed with one forward pass, on a random Pythia-160M-shaped model, through the real server
# over stdio (tests/protocol/bench-kept-attention.mjs). TOKENS=N sets the input length (default 1536,
# about 3 GB resident). Reads ../shared (or $ATTENTION_LENS_SHARED).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/tests/protocol"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build "$root/server" -c Release -o "$out" -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
ATTENTION_LENS_SERVER="$out/attention-lens.dll" node bench-kept-attention.mjs
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
