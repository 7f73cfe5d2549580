#!/usr/bin/env bash
# Benchmark (not a test): server startup and first analysis of this working tree against a
# baseline revision (default HEAD), both published ReadyToRun here exactly as package.json's build:server
# does (each revision's own Server.csproj decides its ReadyToRun settings) and run interleaved in the
# same run. Reports medians and min–max ranges per build.
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
# Published as the extension packages it (package.json build:server): ReadyToRun, framework-dependent.
publish() { dotnet publish "$1/Server.csproj" -c Release -o "$2" --nologo -v quiet -p:SatelliteResourceLanguages=en \
  --use-current-runtime --self-contained false -p:PublishReadyToRun=true >"$2.log" 2>&1 || { cat "$2.log"; exit 1; }; }
# This working tree (committed or not) is published from a copy too, so no earlier build's
# intermediate ReadyToRun files (obj/) are reused: both builds are what build:server makes fresh.
mkdir -p "$out/current-src"
(cd "$root" && git ls-files -co --exclude-standard -- server attention-lens Directory.Build.props |
  while IFS= read -r f; do if [ -e "$f" ]; then printf '%s\n' "$f"; fi; done | tar -c -T - | tar -x -C "$out/current-src")
publish "$out/base-src/server" "$out/base"
publish "$out/current-src/server" "$out/current"
ATTENTION_LENS_SERVER_BASELINE="$out/base/attention-lens.dll" ATTENTION_LENS_SERVER="$out/current/attention-lens.dll" node bench-startup.mjs
