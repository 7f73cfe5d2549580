#!/usr/bin/env bash
# The protocol suite: installs the pinned npm client (npm ci), builds the server, and drives
# `attention-lens serve` over stdio with it (node --test). Reads ../shared (or $ATTENTION_LENS_SHARED).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
dotnet build "$root/server" -c Release -o "$out" -nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
export ATTENTION_LENS_SERVER="$out/attention-lens.dll"
node --test --test-concurrency=1 "$here"/*.test.mjs
