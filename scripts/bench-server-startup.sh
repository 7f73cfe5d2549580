#!/usr/bin/env bash
# Benchmark (not a test): server startup and first analysis of this working tree against a
# baseline revision (default HEAD), both published ReadyToRun here and run interleaved in the same run.
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
publish "$out/base-src/server" "$out/base"
publish "$root/server" "$out/current"
ATTENTION_LENS_SERVER_BASELINE="$out/base/attention-lens.dll" ATTENTION_LENS_SERVER="$out/current/attention-lens.dll" node bench-startup.mjs
