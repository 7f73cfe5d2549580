#!/usr/bin/env bash
# Memory of loading an fp32 checkpoint: writes a random BERT-base checkpoint (440 MB) to a temporary
# folder with `attention-lens bench load --write-random`, then loads it in a fresh process with
# `bench load --model` and prints its JSON line: file size, private (RssAnon) and mapped-file
# (RssFile) resident memory after loading and after a first forward, and the peak. Not a test.
# Usage: scripts/bench-load.sh [TOKENS=128]
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out="$(pwd)/server/bin/bench-load"
dotnet build server -c Release -o "$out" -v q -nologo >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dotnet "$out/attention-lens.dll" bench load --write-random "$dir/bert-base" >/dev/null
dotnet "$out/attention-lens.dll" bench load --model "$dir/bert-base" --tokens "${1:-128}"
