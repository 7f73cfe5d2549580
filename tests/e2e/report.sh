#!/usr/bin/env bash
# The standalone HTML report in headless Chromium (reportPage.ts): writes the demo's report and two
# `analyze --format html` reports of stories260K on text with HTML in it (one short enough to embed
# per-head attention, one too long), opens them from file:// with every request refused, and checks
# that each view drew, that the edge slider prunes, that export gives a PNG, an SVG and the JSON, and
# that the flow trace fits a narrow window. Two long analyses (about 512 and 1,024 tokens; the second
# on a copy of stories260K whose config allows 2,048 positions — rotary positions have no table to
# outgrow) time the drawings and the slider (printed as `# timing`, not asserted); the Layer Graph,
# whose per-head attention such a report leaves out, is timed on layer 1's attention from `forward`.
# Needs Debian's chromium (installed here if
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
long_text=$(node -e "const w='once upon a time there was a little girl named lily she liked to play in the park with her dog and the sun was warm'.split(' ');let s='',x=7;while(s.length<3400){x=(x*1103515245+12345)%2147483648;s+=w[x%w.length]+' ';}console.log(s)")
dotnet out/report-server/attention-lens.dll analyze --model "$model" --format html --out "$work/analyze-512-tokens.html" --methods rollout,influence,valueNorms \
  --text "${long_text:0:1450}" 2>/dev/null
# The same texts' per-head attention (too large for the reports) for timing the Layer Graph.
dotnet out/report-server/attention-lens.dll forward --model "$model" --text "${long_text:0:1450}" --out "$work/analyze-512-tokens.attentions.safetensors" >/dev/null
long_model="$work/stories260K-2048-positions"
mkdir -p "$long_model"
for f in "$model"/*; do [ "$(basename "$f")" = config.json ] || ln -s "$(realpath "$f")" "$long_model/"; done
sed 's/"max_position_embeddings": *[0-9]*/"max_position_embeddings": 2048/' "$model/config.json" > "$long_model/config.json"
dotnet out/report-server/attention-lens.dll analyze --model "$long_model" --format html --out "$work/analyze-1024-tokens.html" --max-tokens 1024 \
  --methods rollout,influence,valueNorms --text "${long_text:0:2900}" 2>/dev/null
dotnet out/report-server/attention-lens.dll forward --model "$long_model" --text "${long_text:0:2900}" --out "$work/analyze-1024-tokens.attentions.safetensors" >/dev/null
# REPORT_UPDATE_DOCS=1 keeps the screenshots the README shows (docs/images/report-*.png).
artifacts="${REPORT_ARTIFACTS:-}"
if [ -n "${REPORT_UPDATE_DOCS:-}" ] && [ -z "$artifacts" ]; then artifacts="$work/artifacts"; mkdir -p "$artifacts"; fi
REPORT_ARTIFACTS="$artifacts" node out/e2e/reportPage.js "$work/demo.html" "$work/analyze.html" "$work/analyze-long.html" \
  "$work/analyze-512-tokens.html" "$work/analyze-1024-tokens.html"
if [ -n "${REPORT_UPDATE_DOCS:-}" ]; then
  mkdir -p docs/images
  cp "$artifacts/demo-exported-flow-trace.png" docs/images/report-exported-flow-trace.png
  cp "$artifacts/demo-compare-pruned.png" docs/images/report-compare-pruned.png
  cp "$artifacts/analyze-1024-tokens-narrow-flow.png" docs/images/report-flow-trace-1024-tokens-narrow.png
fi
