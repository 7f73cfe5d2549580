#!/usr/bin/env bash
# Attention-flow benchmark. Two parts, both on 12 × 12 banded attention:
# 1. the C# bench (`attention-lens bench flow`: flow at n = 16 all targets, n = 128 and 512 one
#    target, rollout at n = 512, and when ../shared has stories260K Spearman ρ of every method against
#    occlusion), and networkx Edmonds–Karp (the reference's algorithm) on all 256 pairs at n = 16;
#    prints the networkx speed-up (NETWORKX_PAIRS=K times only K pairs and extrapolates;
#    SKIP_NETWORKX=1 leaves networkx out);
# 2. SCIPY_ROUNDS rounds (default 5) alternating the C# flow cases (`--flow-only`) with scipy's
#    compiled Dinic on GlobEnc's integer-scaled capacities (scripts/bench-flow-scipy.py), so both see
#    the same machine load; prints per-case medians and ranges over the rounds of the CPU-time and
#    wall-time ratios scipy / ours. CPU time counts every thread of ours (two workers on two cores),
#    so the CPU ratio does not credit our parallelism; the wall ratio does.
# 3. with CAUSAL_TOKENS=N (e.g. 1024 or 2048): the flow a long decoder analysis runs, on synthetic
#    16-layer causal head-mean attention (`bench flow --causal-tokens N`: graph, one-target flow from
#    the last token, every layer's flow from it, Shapley flow; wall, CPU and peak working set).
# Not a test: numbers only.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

need() {
  if ! /usr/bin/python3 -c "import $1" 2>/dev/null; then
    echo "installing $2" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y "$2" >&2 || { apt-get update >&2 && apt-get install -y "$2" >&2; }
    else sudo apt-get install -y "$2" >&2; fi
  fi
}
need scipy.sparse.csgraph python3-scipy

dotnet build server/Server.csproj -c Release -v quiet -nologo >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cli=(dotnet server/bin/Release/net10.0/attention-lens.dll bench flow)

if [ "${SKIP_NETWORKX:-}" != 1 ]; then
  need networkx python3-networkx
  shared=${ATTENTION_LENS_SHARED:-$(cd .. && pwd)/shared}
  faith=()
  if [ -f "$shared/models/stories260K/manifest.json" ]; then faith=(--faithfulness-model "$shared/models/stories260K"); fi
  "${cli[@]}" --write-attention "$work/att16.npy" "${faith[@]}" ${BENCH_FLOW_ARGS:-} | tee "$work/csharp.jsonl"
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
fi

rounds=${SCIPY_ROUNDS:-5}
for r in $(seq 1 "$rounds"); do
  "${cli[@]}" --flow-only --repeats 7 --write-attention "$work/att16.npy" | tee -a "$work/csharp-rounds.jsonl"
  /usr/bin/python3 scripts/bench-flow-scipy.py "$work/att16.npy" --repeats 3 | tee -a "$work/scipy-rounds.jsonl"
done
/usr/bin/python3 - "$work/csharp-rounds.jsonl" "$work/scipy-rounds.jsonl" <<'PY'
import json, statistics, sys
cs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sc = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
for case, n in (("flow_all_targets", 16), ("flow_one_target", 128)):
    ours = [r for r in cs if r["case"] == case and r["n"] == n]
    theirs = [s[f"{case}_n{n}"] for s in sc]
    cpu = [t["cpu_ms"] / o["cpu_ms"] for o, t in zip(ours, theirs)]
    wall = [t["wall_ms"] / o["ms"] for o, t in zip(ours, theirs)]
    rng = lambda v: [round(min(v), 1), round(max(v), 1)]
    print(json.dumps({"bench": "flow-speedup-scipy", "case": case, "n": n, "rounds": len(cpu),
                      "csharp_cpu_ms": round(statistics.median(o["cpu_ms"] for o in ours), 2), "csharp_cpu_ms_range": rng([o["cpu_ms"] for o in ours]),
                      "scipy_cpu_ms": round(statistics.median(t["cpu_ms"] for t in theirs), 2), "scipy_cpu_ms_range": rng([t["cpu_ms"] for t in theirs]),
                      "csharp_wall_ms": round(statistics.median(o["ms"] for o in ours), 2), "scipy_wall_ms": round(statistics.median(t["wall_ms"] for t in theirs), 2),
                      "speedup_cpu": round(statistics.median(cpu), 1), "speedup_cpu_range": rng(cpu),
                      "speedup_wall": round(statistics.median(wall), 1), "speedup_wall_range": rng(wall),
                      "target": 10, "meets_target_cpu": statistics.median(cpu) >= 10,
                      "scipy_max_abs_diff_vs_exact": max(t["max_abs_diff_vs_csharp"] for t in theirs)}))
PY

if [ -n "${CAUSAL_TOKENS:-}" ]; then
  "${cli[@]}" --causal-tokens "$CAUSAL_TOKENS"
fi
