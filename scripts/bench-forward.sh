#!/usr/bin/env bash
# Forward-pass benchmark: Attention Lens (`attention-lens bench forward`) side by side with the
# PyTorch eager baseline ../shared/bench/torch_forward.py, same random model sizes, same thread
# count. Prints one row per case with the ratio ours/torch of the medians (and of the fastest
# runs, which load from other processes disturbs least). Not a test: on a
# shared machine the numbers are noisy, so read the ratio, and re-run when in doubt.
# Usage: scripts/bench-forward.sh [THREADS=2] [RUNS=5]; ROWS="bert-base:16 gpt2:128" to choose cases.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
threads=${1:-2}
runs=${2:-5}
rows=${ROWS:-"bert-base:16 bert-base:128 bert-base:512 gpt2:128"}
shared=${ATTENTION_LENS_SHARED:-$root/../shared}
baseline="$shared/bench/torch_forward.py"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

[ -f "$baseline" ] || { echo "baseline not found: $baseline (set ATTENTION_LENS_SHARED)"; exit 1; }

# Debian's PyTorch with OpenMP OpenBLAS, run by Debian's interpreter (idempotent).
if ! /usr/bin/python3 -c "import torch" >/dev/null 2>&1 || ! dpkg -s libopenblas0-openmp >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-torch libopenblas0-openmp >/dev/null
fi

out="$root/server/bin/bench-forward"
dotnet build server -c Release -o "$out" -v q -nologo >/dev/null

field() { /usr/bin/python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

printf '%-12s %6s %7s %10s %10s %11s %8s %9s\n' model tokens threads ours_s torch_s ours_gflops ratio min_ratio
for row in $rows; do
  model=${row%%:*}
  tokens=${row##*:}
  ours=$(dotnet "$out/attention-lens.dll" bench forward --model "$model" --tokens "$tokens" --threads "$threads" --runs "$runs")
  torch=$(OMP_WAIT_POLICY=PASSIVE OMP_NUM_THREADS="$threads" /usr/bin/python3 "$baseline" --model "$model" --tokens "$tokens" --threads "$threads" --runs "$runs")
  ours_s=$(echo "$ours" | field median_s)
  torch_s=$(echo "$torch" | field median_s)
  gflops=$(echo "$ours" | field gflops)
  ratio=$(/usr/bin/python3 -c "print(f'{$ours_s / $torch_s:.2f}x')")
  min_ratio=$(/usr/bin/python3 -c "print(f'{$(echo "$ours" | field min_s) / $(echo "$torch" | field min_s):.2f}x')")
  printf '%-12s %6s %7s %10.4f %10.4f %11s %8s %9s\n' "$model" "$tokens" "$threads" "$ours_s" "$torch_s" "$gflops" "$ratio" "$min_ratio"
done
