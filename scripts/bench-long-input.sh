#!/usr/bin/env bash
# Long inputs (issue 12, build item 4): a fresh `analyze` process over about 2,050 tokens of a random
# Llama-3.2-1B-shaped bf16 checkpoint (written by `bench load --write-random`, as bench-realsize.sh
# does; kept in $WORK for re-runs), through the CLI with its default memory budget. Reports wall time,
# CPU seconds (user + system), peak RSS (/usr/bin/time -v), the analysis's own stage timings, and the
# analysis's planned bytes (AttentionPlan.AttentionBytes: per-head attention in half precision per layer,
# the forward's float32 layer buffers, value Grams and norms when valueNorms is asked; and
# AttentionPlan.WorkingSetBytes: hidden states, the graph, rollout, the flow solvers). Not a test:
# one run takes minutes and 8–14 GB; run it on a quiet machine.
# Usage: TOKENS=2050 METHODS=rollout,flow,influence scripts/bench-long-input.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
tokens=${TOKENS:-2050}
methods=${METHODS:-rollout,flow,influence}
work=${WORK:-/tmp/attention-lens-realsize}
shared=${ATTENTION_LENS_SHARED:-$root/../shared}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/server/bin/bench-realsize"
dotnet build server -c Release -o "$out" -v q -nologo >/dev/null
al() { dotnet "$out/attention-lens.dll" "$@"; }
dir="$work/llama-1b-bf16"
mkdir -p "$work"
if [ ! -f "$dir/model.safetensors" ]; then
  al bench load --write-random "$dir" --shape llama-1b --dtype bf16 --tokenizer-from "$shared/golden/hf/llama" >/dev/null
fi
count() { al tokenize --tokenizer "$dir" --text "$1" --json | /usr/bin/python3 -c 'import json,sys; print(len(json.loads(sys.stdin.read())["ids"]))'; }
sentence="Once upon a time there was a little girl named Lily who loved to play in the park with her dog and her friends every day after school until dark. "
per=$(count "$sentence")
reps=$(( tokens / per + 1 ))
text=$(/usr/bin/python3 -c "import sys; print(sys.argv[1] * int(sys.argv[2]))" "$sentence" "$reps")
# Trim words from the end until the input is at most $tokens tokens (special tokens included).
while [ "$(count "$text")" -gt "$tokens" ]; do text="${text% *}"; done
n=$(count "$text")
echo "== llama-1b bf16 ($(du -h "$dir/model.safetensors" | cut -f1)), $n tokens, methods $methods; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -v -o "$work/time-long.txt" dotnet "$out/attention-lens.dll" analyze --model "$dir" --text "$text" --max-tokens 4096 --methods "$methods" --out "$work/long.json" 2>"$work/long.stderr" || { cat "$work/long.stderr"; exit 1; }
wall=$(grep "Elapsed (wall clock)" "$work/time-long.txt" | awk '{print $NF}')
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.1f", s}' "$work/time-long.txt")
rss=$(grep "Maximum resident" "$work/time-long.txt" | awk '{printf "%.0f", $NF/1024}')
echo "fresh analyze: wall $wall, CPU ${cpu} s, peak RSS ${rss} MiB; load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/python3 - "$work/long.json" "$n" "$methods" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
t = r.get("timings", {})
print("timings (ms): " + ", ".join(f"{k} {v:.0f}" for k, v in t.items()))
L, H, T, C, cores = 16, 32, int(sys.argv[2]), 2048, os.cpu_count()
nn, words = T * T, (T + 63) // 64
# AttentionPlan.AttentionBytes (half precision per layer) and AttentionPlan.WorkingSetBytes, as the analysis plans them.
att = 2 * L * H * nn + 4 * H * nn
if "valueNorms" in sys.argv[3]: att += 4 * H * T * C + 8 * L * T * H * H + 2 * 8 * L * nn
work = 4 * (L + 1) * T * C + 8 * L * nn + 3 * 8 * nn
if "flow" in sys.argv[3]:
    work += cores * (8 * L * nn + 8 * ((L + 1) * T + 1) * (L + 1) * words + 6 * 8 * (L + 1) * T * words) + 8 * (L + 1) * nn + 28 * L * nn // 2 + 4 * nn
print(f"analysis plan: attention {att / 2**20:.0f} MiB + working {work / 2**20:.0f} MiB = {(att + work) / 2**20:.0f} MiB (the model's load estimate comes on top)")
PY

