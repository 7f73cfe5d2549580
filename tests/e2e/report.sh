#!/usr/bin/env bash
# The standalone HTML report in headless Chromium (reportPage.ts): writes the demo's report and two
# `analyze --format html` reports of stories260K on text with HTML in it (one short enough to embed
# per-head attention, one too long), opens them from file:// with every request refused, and checks
# that each view drew. Needs Debian's chromium (installed here if
# missing, as tests/e2e/install.sh does) and ../shared for stories260K. Takes seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${ATTENTION_LENS_SHARED:-$(pwd)/../shared}"
model="$shared/models/stories260K"
[ -f "$model/config.json" ] || { echo "report: $model not found (shared/ must sit beside the repository)"; exit 1; }
if ! dpkg -s chromium >/dev/null 2>&1; then
  echo "apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi
[ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund >/dev/null

dotnet build server/Server.csproj -c Release --nologo -v quiet -o out/report-server >/dev/null
node client/build.mjs --e2e
work=$(mktemp -d /tmp/attention-lens-report.XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet out/report-server/attention-lens.dll demo --output "$work/demo.html" >/dev/null
story='Once upon a time, there was a little girl named Lily. She found a tag <img src=x onerror=alert(1)></script> in the park.'
dotnet out/report-server/attention-lens.dll analyze --model "$model" --format html --out "$work/analyze.html" --text "$story" 2>/dev/null
# Long enough (about 90 tokens) that the per-head attention is left out and the report says why.
dotnet out/report-server/attention-lens.dll analyze --model "$model" --format html --out "$work/analyze-long.html" \
  --text "$story She was happy. Lily ran to her mom and showed her the tag. Her mom smiled and said they could keep it at home." 2>/dev/null
REPORT_ARTIFACTS="${REPORT_ARTIFACTS:-}" node out/e2e/reportPage.js "$work/demo.html" "$work/analyze.html" "$work/analyze-long.html"
