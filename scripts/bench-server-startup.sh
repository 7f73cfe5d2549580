#!/usr/bin/env bash
# Benchmark (not a test): server startup and first analysis of this working tree against a
# baseline revision (default HEAD), both built here and run interleaved in the same run.
# Usage: scripts/bench-server-startup.sh [baseline-rev]; BENCH_RUNS=N rounds (default 9).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rev="${1:-HEAD}"
cd "$root/tests/protocol"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
mkdir -p "$out/base-src"
git -C "$root" archive "$rev" server attention-lens Directory.Build.props | tar -x -C "$out/base-src"
dotnet build "$out/base-src/server" -c Release -o "$out/base" -nologo -v quiet >"$out/build-base.log" 2>&1 || { cat "$out/build-base.log"; exit 1; }
dotnet build "$root/server" -c Release -o "$out/current" -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
ATTENTION_LENS_SERVER_BASELINE="$out/base/attention-lens.dll" ATTENTION_LENS_SERVER="$out/current/attention-lens.dll" node bench-startup.mjs
