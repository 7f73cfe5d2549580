#!/usr/bin/env bash
# Real sizes (issue 12): a Llama-3.2-1B-shaped checkpoint in bf16, measured against PyTorch in the
# same run. Not a test: on a shared machine the numbers are noisy, so read the ratios and re-run.
#  1. warm forward: `bench forward --model llama-1b` (random bf16 weights of that shape, logits for
#     every row as the baseline computes them, and for the last row only as an analysis asks) beside
#     ../shared/bench/torch_forward.py --model llama-1b (fp32, same threads, OMP_WAIT_POLICY=PASSIVE; run
#     through scripts/torch_forward_cpu.py, which also reports its CPU seconds per forward);
#  2. a 1B-shape bf16 checkpoint written to $WORK (kept for re-runs; 2.5 GB), then
#     - cold: a fresh `analyze` process, process start to result (wall, peak RSS from /usr/bin/time),
#     - in-process: `bench analyze` (first analysis incl. load, then warm ones; peak RSS);
#     - memory: `bench load` (estimate before loading vs measured growth);
#  3. with SHAPES="llama-1b llama-8b": the same for the 8B shape (16 GB on disk; needs ~18 GB free
#     memory) — run it only where disk and memory allow.
# Usage: scripts/bench-realsize.sh [THREADS=2] [RUNS=3]; WORK=/tmp/attention-lens-realsize;
# ROUNDS=N repeats the forward comparison N times, alternating the two programs, and prints the
# median of the per-round ratios (on a loaded machine take several); FORWARD_ONLY=1 stops after it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
threads=${1:-2}
runs=${2:-3}
rounds=${ROUNDS:-1}
shapes=${SHAPES:-llama-1b}
work=${WORK:-/tmp/attention-lens-realsize}
shared=${ATTENTION_LENS_SHARED:-$root/../shared}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$root/server/bin/bench-realsize"
dotnet build server -c Release -o "$out" -v q -nologo >/dev/null
al() { dotnet "$out/attention-lens.dll" "$@"; }
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
ratio() { /usr/bin/python3 -c "print(f'{$1 / $2:.2f}')"; }
text="Once upon a time there was a little girl named Lily who loved to play in the park with her dog and her friends every day after school until dark"

echo "== warm forward, 128 tokens, $threads threads, $rounds alternating rounds of (torch, ours all rows, ours last row), median of $runs per process; ratio = ours / torch fp32 of the same round"
echo "   load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
ratios_all=(); ratios_last=(); cpu_all=(); cpu_last=()
for round in $(seq 1 "$rounds"); do
  torch=$(OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$threads" /usr/bin/python3 scripts/torch_forward_cpu.py "$shared/bench" --model llama-1b --tokens 128 --threads "$threads" --runs "$runs")
  torch_s=$(echo "$torch" | field median_s)
  torch_cpu=$(echo "$torch" | field cpu_s)
  for logits in all last; do
    ours=$(al bench forward --model llama-1b --tokens 128 --threads "$threads" --runs "$runs" --logits "$logits")
    ours_s=$(echo "$ours" | field median_s)
    r=$(ratio "$ours_s" "$torch_s")
    rc=$(ratio "$(echo "$ours" | field cpu_s)" "$torch_cpu")
    if [ "$logits" = all ]; then ratios_all+=("$r"); cpu_all+=("$rc"); else ratios_last+=("$r"); cpu_last+=("$rc"); fi
    echo "round $round llama-1b bf16 logits=$logits: ours ${ours_s}s ($(echo "$ours" | field gflops) GFLOP/s wall, $(echo "$ours" | field cpu_s) CPU-s), torch fp32 ${torch_s}s, ${torch_cpu} CPU-s (all rows); ratio wall $r, CPU $rc; load $(cut -d' ' -f1 /proc/loadavg)"
  done
done
median() { printf '%s\n' "$@" | sort -g | /usr/bin/python3 -c 'import sys, statistics; print(f"{statistics.median(float(x) for x in sys.stdin):.2f}")'; }
echo "median ratio over $rounds rounds, wall: logits=all $(median "${ratios_all[@]}"), logits=last $(median "${ratios_last[@]}"); CPU seconds: logits=all $(median "${cpu_all[@]}"), logits=last $(median "${cpu_last[@]}")"
[ -n "${FORWARD_ONLY:-}" ] && exit 0

for shape in $shapes; do
  dir="$work/$shape-bf16"
  if [ ! -f "$dir/model.safetensors" ]; then
    al bench load --write-random "$dir" --shape "$shape" --dtype bf16 --tokenizer-from "$shared/golden/hf/llama" >/dev/null
  fi
  echo "== $shape bf16 checkpoint: $(du -h "$dir/model.safetensors" | cut -f1)"
  /usr/bin/time -v -o "$work/time.txt" dotnet "$out/attention-lens.dll" analyze --model "$dir" --text "$text" --methods rollout,flow,influence --out "$work/analyze.json" 2>/dev/null
  cold_wall=$(grep "Elapsed (wall clock)" "$work/time.txt" | awk '{print $NF}')
  cold_rss=$(grep "Maximum resident" "$work/time.txt" | awk '{printf "%.0f", $NF/1024}')
  echo "cold analyze (fresh process, rollout+flow+influence): wall $cold_wall, peak RSS ${cold_rss} MiB"
  al bench analyze --model "$dir" --text "$text" --runs "$runs"
  al bench load --model "$dir" --tokens 128
done
