#!/usr/bin/env bash
# Benchmark (not a test): builds the server and times attentionLens/analyze of 64 tokens with
# rollout, one-target flow and influence on a BERT-base-size random model, server side, over stdio.
# BENCH_RUNS=N sets the number of timed runs (default 7). Reads ../shared (or $ATTENTION_LENS_SHARED).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/tests/protocol"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build "$root/server" -c Release -o "$out" -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
ATTENTION_LENS_SERVER="$out/attention-lens.dll" node bench-server.mjs
