#!/usr/bin/env bash
# libtorch through TorchSharp (TorchSharp-cpu 0.107.0, libtorch 2.10) as a second baseline for the
# forward benchmark, beside `attention-lens bench forward` in the same run. Not part of the solution
# or the tests. Usage: bench/torchsharp-forward/run.sh [THREADS=2] [RUNS=5]; ROWS="bert-base:16 gpt2:128".
#
# Needs: NuGet access (restore brings ~1 GB of native libtorch into bin/), and a libstdc++ with
# GLIBCXX_3.4.32 (GCC 13 or later: Debian 13, Ubuntu 24.04). On Debian 12 (GCC 12, GLIBCXX_3.4.30)
# TorchSharp's native shim libLibTorchSharp.so does not load; the script says so and exits 2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
threads=${1:-2}
runs=${2:-5}
rows=${ROWS:-"bert-base:16 bert-base:128 bert-base:512 gpt2:128"}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build "$here" -c Release -v q -nologo >/dev/null
native="$here/bin/Release/net10.0/runtimes/linux-x64/native/libLibTorchSharp.so"
if missing=$(ldd "$native" 2>&1 | grep -E "not found"); then
  echo "TorchSharp cannot run on this machine: its native shim needs a newer C++ runtime:" >&2
  echo "$missing" >&2
  echo "(installed: $(strings "$(ldconfig -p | awk '/libstdc\+\+\.so\.6 /{print $NF; exit}')" | grep -o 'GLIBCXX_3\.4\.[0-9]*' | sort -V | tail -1); GCC 13+ provides GLIBCXX_3.4.32)" >&2
  exit 2
fi

out="$root/server/bin/bench-forward"
dotnet build "$root/server" -c Release -o "$out" -v q -nologo >/dev/null
field() { sed -n "s/.*\"$1\": *\([0-9.eE+-]*\).*/\1/p"; }

printf '%-12s %6s %7s %10s %13s %8s\n' model tokens threads ours_s torchsharp_s ratio
for row in $rows; do
  model=${row%%:*}
  tokens=${row##*:}
  ours=$(dotnet "$out/attention-lens.dll" bench forward --model "$model" --tokens "$tokens" --threads "$threads" --runs "$runs" | tail -1)
  ts=$(OMP_WAIT_POLICY=PASSIVE dotnet "$here/bin/Release/net10.0/TorchSharpForward.dll" --model "$model" --tokens "$tokens" --threads "$threads" --runs "$runs")
  ours_s=$(echo "$ours" | field median_s)
  ts_s=$(echo "$ts" | field median_s)
  printf '%-12s %6s %7s %10.4f %13.4f %8.2f\n' "$model" "$tokens" "$threads" "$ours_s" "$ts_s" "$(awk -v a="$ours_s" -v b="$ts_s" 'BEGIN { print a / b }')"
done
echo "ratio = ours / TorchSharp (medians; below 1: ours is faster)."
