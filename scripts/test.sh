#!/usr/bin/env bash
# Runs every test of Attention Lens on a fresh machine: installs what it needs (idempotently),
# then the .NET tests, the protocol tests against the real npm client, the client's unit tests,
# the HTML report in headless Chromium and the end-to-end test in code-server + headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== .NET tests"
log=$(mktemp)
if ! dotnet test AttentionLens.sln -c Release --logger "console;verbosity=normal" >"$log" 2>&1; then
  grep -E -A12 "^\s*Failed |error" "$log" | head -300
  tail -20 "$log"
  echo "dotnet tests failed"
  exit 1
fi
passed=$(grep -E "^\s*Passed: [0-9]+" "$log" | awk '{s+=$2} END {print s+0}')
[ "$passed" -gt 0 ] || { tail -40 "$log"; echo "dotnet ran no test"; exit 1; }
echo "dotnet: $passed passed, 0 failed"

for stage in tests/protocol/run.sh client/test/run.sh tests/e2e/report.sh tests/e2e/run.sh; do
  if [ -f "$stage" ]; then
    echo "== $stage"
    bash "$stage"
  fi
done
echo "== all test stages passed"
