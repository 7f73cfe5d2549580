#!/usr/bin/env bash
# Integrated-gradients benchmark (issue 13): `attention-lens bench ig` against PyTorch autograd through
# transformers doing the same (scripts/bench_ig.py), on the same random-weight checkpoint and input ids,
# same thread count, in the same run. IG with STEPS (32) midpoint steps from the zero baseline at TOKENS (128)
# tokens on BERT-base's shape (sequence classifier, 2 labels) and GPT-2's (124M, LM head); each side times its
# M + 2 forward and backward passes (path, f(x), f(baseline)), median of RUNS after a warm-up. Prints one row
# per model with the ratio ours/torch (torch one path point at a time; ours batches them, b from its memory
# budget) and ours/torch batched (the M path points in one batch, as Captum batches them) by wall time, the ratio of CPU seconds (sequential; fairer when other jobs
# load the machine; both sides' CPU seconds are printed too, with the load average before and after), and both sides' completeness gaps as a sanity check (same checkpoint, same input).
# Not a test: on a shared machine read the ratios, and re-run when in doubt.
# Usage: scripts/bench-ig.sh [THREADS=2] [RUNS=3]; MODELS="bert-base gpt2" TOKENS=128 STEPS=32 to choose cases.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
threads=${1:-2}
runs=${2:-3}
models=${MODELS:-"bert-base gpt2"}
tokens=${TOKENS:-128}
steps=${STEPS:-32}
work=${BENCH_DIR:-/tmp/attention-lens-bench-ig}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -f /tmp/hf-reference/env.sh ] || { echo "the reference transformers is not set up (/tmp/hf-reference/env.sh; see ../shared/tools/hf-reference/README.md)"; exit 1; }

out="$root/server/bin/bench-ig"
dotnet build server -c Release -o "$out" -v q -nologo >/dev/null
py() { ( . /tmp/hf-reference/env.sh && OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$threads" /usr/bin/python3 "$root/scripts/bench_ig.py" "$@" ); }
field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[2])[sys.argv[1]])' "$1" "$2"; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %6s %5s %7s %9s %9s %11s %7s %11s %10s %10s %9s %10s %10s\n' model tokens steps threads ours_s torch_s torch_bat_s ratio ratio_bat ours_cpu_s torch_cpu_s cpu_ratio ours_gap torch_gap
for model in $models; do
  dir="$work/$model-$tokens"
  [ -f "$dir/ids.txt" ] || py prepare --model "$model" --tokens "$tokens" --dir "$dir" 2>/dev/null
  ours=$(dotnet "$out/attention-lens.dll" bench ig --model "$dir" --ids "$dir/ids.txt" --steps "$steps" --threads "$threads" --runs "$runs")
  torch_lines=$(py time --dir "$dir" --steps "$steps" --threads "$threads" --runs "$runs" --batched 2>/dev/null)
  seq=$(echo "$torch_lines" | sed -n 1p)
  bat=$(echo "$torch_lines" | sed -n 2p)
  ours_s=$(field median_s "$ours"); torch_s=$(field median_s "$seq"); bat_s=$(field median_s "$bat")
  ours_cpu=$(field cpu_s "$ours"); torch_cpu=$(field cpu_s "$seq")
  printf '%-10s %6s %5s %7s %9.3f %9.3f %11.3f %6.2fx %10.2fx %10.3f %11.3f %8.2fx %10.2e %10.2e\n' "$model" "$tokens" "$steps" "$threads" "$ours_s" "$torch_s" "$bat_s" \
    "$(/usr/bin/python3 -c "print($ours_s / $torch_s)")" "$(/usr/bin/python3 -c "print($ours_s / $bat_s)")" \
    "$ours_cpu" "$torch_cpu" "$(/usr/bin/python3 -c "print($ours_cpu / $torch_cpu)")" "$(field gap "$ours")" "$(field gap "$seq")"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
