#!/usr/bin/env bash
# Attention-flow benchmark: the C# solver (`attention-lens bench flow`) against networkx
# Edmonds–Karp (the reference's algorithm) for all 16 targets at n = 16 on the same 12 × 12 banded
# attention, plus the C# timings at n = 128, 512 and rollout at n = 512, and (when ../shared has
# stories260K) Spearman ρ of every method against occlusion on its prompts. Prints JSON lines and
# the speed-up. Not a test: numbers only. NETWORKX_PAIRS=K times only K of the 256 pairs (extrapolated).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if ! /usr/bin/python3 -c "import networkx" 2>/dev/null; then
  echo "installing python3-networkx" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y python3-networkx >&2 || { apt-get update >&2 && apt-get install -y python3-networkx >&2; }
  else sudo apt-get install -y python3-networkx >&2; fi
fi

dotnet build server/Server.csproj -c Release -v quiet -nologo >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shared=${ATTENTION_LENS_SHARED:-$(cd .. && pwd)/shared}
faith=()
if [ -f "$shared/models/stories260K/manifest.json" ]; then faith=(--faithfulness-model "$shared/models/stories260K"); fi
dotnet server/bin/Release/net10.0/attention-lens.dll bench flow --write-attention "$work/att16.npy" "${faith[@]}" ${BENCH_FLOW_ARGS:-} | tee "$work/csharp.jsonl"
pairs_arg=()
if [ -n "${NETWORKX_PAIRS:-}" ]; then pairs_arg=(--pairs "$NETWORKX_PAIRS"); fi
/usr/bin/python3 scripts/bench-flow-networkx.py "$work/att16.npy" "${pairs_arg[@]}" | tee "$work/nx.jsonl"

/usr/bin/python3 - "$work/csharp.jsonl" "$work/nx.jsonl" <<'PY'
import json, sys
cs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
nx = json.loads(open(sys.argv[2]).read())
c16 = next(r for r in cs if r["case"] == "flow_all_targets" and r["n"] == 16)
ratio = nx["seconds_all_targets"] * 1000 / c16["ms"]
print(json.dumps({"bench": "flow-speedup", "n": 16, "csharp_ms": c16["ms"], "networkx_ms": round(nx["seconds_all_targets"] * 1000, 1),
                  "speedup": round(ratio, 1), "target": 1000, "meets_target": ratio >= 1000,
                  "values_agree_1e-9": nx["max_abs_diff_vs_csharp"] is not None and nx["max_abs_diff_vs_csharp"] <= 1e-9}))
PY
