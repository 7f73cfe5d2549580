#!/usr/bin/env bash
# End-to-end test of the extension in code-server + headless Chromium (see ../shared/docs/vscode-e2e.md):
# installs code-server and Chromium (cached outside the repo), packages the .vsix with the server,
# installs it, opens a workspace configured with stories260K and a perturbed copy of it, and runs
# e2e.ts. Screenshots go to artifacts/e2e (E2E_ARTIFACTS overrides); E2E_UPDATE_DOCS=1 also copies
# the Token Rings, pruned Flow Trace, pruned comparison, explained-label and contrast screenshots to docs/images
# for the README. The demo classifier and GPT-2 (models/demo) are listed for the label and contrast checks.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
started=$(date +%s)
cache="${ATTENTION_LENS_E2E_CACHE:-$HOME/.cache/attention-lens-e2e}"
shared="${ATTENTION_LENS_SHARED:-$root/../shared}"
model="$shared/models/stories260K"
[ -f "$model/config.json" ] || { echo "e2e: $model not found (shared/ must sit beside the repository)"; exit 1; }

bash tests/e2e/install.sh
[ -d node_modules ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || npm ci --no-audit --no-fund >/dev/null
if [ -z "${E2E_SKIP_PACKAGE:-}" ] || [ ! -f dist/server/attention-lens.dll ]; then
  npm run package --silent
fi
version=$(node -p "require('./package.json').version")
vsix="$root/attention-lens-$version.vsix"
[ -f "$vsix" ] || { echo "e2e: $vsix was not built"; exit 1; }

node client/build.mjs --e2e
work=$(mktemp -d /tmp/attention-lens-e2e.XXXXXX)
artifacts="${E2E_ARTIFACTS:-$root/artifacts/e2e}"
mkdir -p "$artifacts"
node out/e2e/perturbModel.js "$model" "$work/models/stories260K-perturbed"

server="${E2E_SERVER_PATH:-$root/dist/server/attention-lens.dll}"
mkdir -p "$work/workspace/.vscode" "$work/user/User" "$work/extensions"
printf 'Once upon a time, there was a little girl named Lily.\n\nShe found a tag <img src=x onerror=alert(1)> in the park.\n\nthe farmer near the small boxes worked hard\n' > "$work/workspace/story.txt"
cat > "$work/workspace/.vscode/settings.json" <<JSON
{
  "attentionLens.models": ["$model", "$work/models/stories260K-perturbed", "$root/models/demo/bert-finetuned", "$root/models/demo/gpt2"],
  "attentionLens.defaultModel": "$model",
  "attentionLens.comparisonModel": "$work/models/stories260K-perturbed",
  "attentionLens.serverPath": "$server",
  "attentionLens.target": "last",
  "attentionLens.generation.maxNewTokens": 24
}
JSON
cat > "$work/user/User/settings.json" <<JSON
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "editor.hover.delay": 200,
  "workbench.colorTheme": "Default Dark Modern",
  "extensions.ignoreRecommendations": true,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
JSON

export PATH="$cache/node24/bin:$PATH"
code_server="$cache/node_modules/.bin/code-server"
"$code_server" --extensions-dir "$work/extensions" --install-extension "$vsix" >/dev/null
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
"$code_server" --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --user-data-dir "$work/user" --extensions-dir "$work/extensions" "$work/workspace" \
  >"$artifacts/code-server.log" 2>&1 &
cs_pid=$!
trap 'kill "$cs_pid" 2>/dev/null || true; wait "$cs_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do
  if node -e "require('http').get('http://127.0.0.1:$port/healthz',r=>process.exit(r.statusCode===200?0:1)).on('error',()=>process.exit(1))"; then break; fi
  sleep 1
done

# BOS + the 15 pieces of the reference tokenizer for the first line (shared manifest, prompt 0).
expected=${E2E_EXPECTED_TOKENS:-$(node -e "const m=require('$model/manifest.json');console.log(m.model.tokenizer_crosscheck.prompts[0].pieces.length)" 2>/dev/null || echo 16)}
status=0
E2E_MANIFEST="$model/manifest.json" E2E_URL="http://127.0.0.1:$port/?folder=$work/workspace" E2E_ARTIFACTS="$artifacts" E2E_EXPECTED_TOKENS="$expected" E2E_CODE_SERVER_PID="$cs_pid" \
  node out/e2e/e2e.js || status=$?
if [ "$status" -eq 0 ] && [ -n "${E2E_UPDATE_DOCS:-}" ]; then
  mkdir -p docs/images && cp "$artifacts/03-token-rings.png" docs/images/token-rings.png
  cp "$artifacts/11-explain-generated-token.png" docs/images/continue-and-explain.png
  cp "$artifacts/10-flow-trace-pruned.png" docs/images/flow-trace-side-column.png
  cp "$artifacts/04-compare.png" docs/images/compare-pruned-side-column.png
  cp "$artifacts/12-explain-another-label.png" docs/images/explain-another-label.png
  cp "$artifacts/13-explain-why-not.png" docs/images/explain-why-not.png
fi
echo "e2e: $(( $(date +%s) - started )) s, screenshots in $artifacts"
exit "$status"
