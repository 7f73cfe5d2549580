#!/usr/bin/env bash
# The client's unit tests: installs the npm dependencies if needed, type-checks, checks that the
# committed report bundle (server/Report/Assets) is what client/src/report builds to, bundles the
# tests with esbuild and runs them with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >/dev/null
fi
npx --no-install tsc -p client/tsconfig.json --noEmit
npx --no-install tsc -p client/src/webview/tsconfig.json --noEmit
npx --no-install tsc -p client/src/report/tsconfig.json --noEmit
node client/build.mjs --report-check
rm -rf out/test
node client/build.mjs --tests
node --test --test-reporter=spec out/test/
