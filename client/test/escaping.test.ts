// Token text is data, never markup: the webview code must not use any API that parses HTML, and
// panels must run under a CSP that allows only our nonce'd script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy, nonceFrom } from '../src/shared/csp';
import { repoRoot } from './repoRoot';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no webview or panel source uses an HTML-parsing API', () => {
  const root = repoRoot();
  const files = [...sources(join(root, 'client', 'src', 'webview')), ...sources(join(root, 'client', 'src', 'panels'))];
  assert.ok(files.length >= 10, `only ${files.length} sources found`);
  const forbidden = /\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\.html\(|DOMParser|createContextualFragment|srcdoc/;
  const offenders = files.filter((f) => forbidden.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders, []);
});

test('the panel CSP allows only nonce\'d scripts and nothing from the network', () => {
  const csp = contentSecurityPolicy('vscode-resource:', 'abc123');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/);
});

test('nonces are long and CSP-safe', () => {
  const n = nonceFrom(new Uint8Array(18).map((_, i) => i * 37 + 200));
  assert.match(n, /^[A-Za-z0-9]{20,}$/);
});
