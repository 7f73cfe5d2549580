// The standalone HTML report in a real browser (headless Chromium, network blocked): every view the
// report bundle mounts must draw, with as many elements as the embedded analysis has tokens and
// layers, without a console error or a request leaving the page, and token text must stay text;
// the page's Content-Security-Policy must be strict, raise no violation for the page's own content,
// and block a request and an injected inline script.
// Usage: node out/e2e/reportPage.js REPORT.html... (tests/e2e/report.sh writes the reports).
import { chromium, type Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail: string): void {
  if (ok) { passed++; console.log(`ok - ${name}`); }
  else { failed++; console.log(`not ok - ${name}: ${detail}`); }
}

interface LensFacts {
  kind: string; tokens: number; layers: number; headCount: number; attentionEmbedded: boolean; attentionNote: string;
  rings: { labels: number; nodes: number; edges: number; legend: number };
  flow: { layerLabels: number; nodes: number; players: number } | null;
  influenceRows: number | null;
  graphNodes: number | null;
  heads: { thumbs: number; painted: number; failed: number } | null;
  warnings: string[];
}

/** What each `.lens` holds and what was drawn into it, read in the page. */
async function lensFacts(page: Page): Promise<LensFacts[]> {
  return page.$$eval('.lens[data-lens]', (lenses) => lenses.map((lens) => {
    const json = (part: string) => {
      const s = lens.querySelector(`script[data-part="${part}"]`);
      return s ? JSON.parse(s.textContent ?? '') : null;
    };
    const kind = (lens as HTMLElement).dataset['lens'] ?? '';
    const result = kind === 'analysis' ? json('analyze') : json('compare')?.a;
    const count = (selector: string) => lens.querySelectorAll(selector).length;
    const has = (view: string) => lens.querySelector(`.view-${view}`) !== null;
    return {
      kind,
      tokens: result?.tokens?.length ?? -1,
      layers: result?.layers ?? -1,
      headCount: result?.heads ?? -1,
      attentionEmbedded: json('attention') !== null,
      attentionNote: (lens as HTMLElement).dataset['attentionNote'] ?? '',
      rings: { labels: count('.view-tokenRings svg.rings text.token-label'), nodes: count('.view-tokenRings svg.rings circle.node'), edges: count('.view-tokenRings svg.rings path.edge'), legend: count('.view-tokenRings .legend-item') },
      flow: has('flowTrace') ? { layerLabels: count('.view-flowTrace svg.flow .layer-axis text'), nodes: count('.view-flowTrace svg.flow circle.node'), players: count('.view-flowTrace .player input[type="range"]') } : null,
      influenceRows: has('influence') ? count('.view-influence svg.bars g.row') : null,
      graphNodes: has('layerGraph') ? count('.view-layerGraph svg.layer-graph .graph-nodes > g') : null,
      heads: has('heads') ? { thumbs: count('.view-heads canvas.thumb'), painted: count('.view-heads canvas.thumb:not(.loading):not(.failed)'), failed: count('.view-heads canvas.thumb.failed') } : null,
      warnings: Array.from(lens.querySelectorAll('.warning')).map((w) => w.textContent ?? ''),
    };
  }));
}

async function checkReport(page: Page, file: string): Promise<void> {
  const name = file.split('/').pop() ?? file;
  const url = pathToFileURL(file).href;
  const problems: string[] = [];
  const outside: string[] = [];
  page.removeAllListeners('console');
  page.removeAllListeners('pageerror');
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.unrouteAll();
  // The report file itself is the only thing the page may load; anything else is recorded and refused.
  await page.route('**/*', (route) => {
    const requested = route.request().url();
    if (requested === url) return route.continue();
    outside.push(requested);
    return route.abort();
  });
  await page.goto(url);
  // Attention answers arrive on microtasks and the layer graph lays out synchronously after them.
  await page.waitForFunction(() => document.querySelectorAll('.view-heads canvas.thumb.loading').length === 0, undefined, { timeout: 10_000 }).catch(() => undefined);

  const lenses = await lensFacts(page);
  check(`${name}: has analyses`, lenses.some((l) => l.kind === 'analysis'), `${lenses.length} lenses`);
  for (const [i, l] of lenses.entries()) {
    const at = `${name} lens ${i + 1} (${l.kind})`;
    // The one warning allowed is the report's reason for leaving per-head attention out.
    const unexpected = l.warnings.filter((w) => l.attentionEmbedded || !w.includes(l.attentionNote));
    check(`${at}: no warning`, unexpected.length === 0, unexpected.join(' | '));
    check(`${at}: a ring label per token`, l.rings.labels === l.tokens && l.tokens > 0, `${l.rings.labels} labels, ${l.tokens} tokens`);
    check(`${at}: ring nodes = layers × tokens`, l.rings.nodes === l.layers * l.tokens, `${l.rings.nodes} nodes, ${l.layers}×${l.tokens}`);
    check(`${at}: traced edges drawn`, l.rings.edges > 0, `${l.rings.edges} edges`);
    if (l.kind === 'comparison') {
      check(`${at}: comparison legend`, l.rings.legend === 3, `${l.rings.legend} legend items`);
      continue;
    }
    check(`${at}: flow trace has every layer`, l.flow !== null && l.flow.layerLabels === l.layers + 1 && l.flow.nodes === l.layers * l.tokens && l.flow.players === 1, JSON.stringify(l.flow));
    check(`${at}: an influence bar per token`, l.influenceRows === l.tokens, `${l.influenceRows} rows`);
    if (l.attentionEmbedded) {
      check(`${at}: layer graph drawn`, l.graphNodes === l.tokens, `${l.graphNodes} graph nodes`);
      check(`${at}: every head painted`, l.heads !== null && l.heads.thumbs === l.layers * l.headCount && l.heads.painted === l.heads.thumbs, JSON.stringify(l.heads));
    } else {
      check(`${at}: heads say why they are empty`, l.heads !== null && l.heads.failed === l.heads.thumbs && l.heads.thumbs === l.layers * l.headCount, JSON.stringify(l.heads));
      check(`${at}: the note is shown in words`, l.attentionNote.length > 0 && l.warnings.filter((w) => w.includes(l.attentionNote)).length >= 2, JSON.stringify(l.warnings));
    }
  }

  // Choosing a token in one drawing selects it in every drawing of that analysis (the report's host).
  const first = page.locator('.lens[data-lens="analysis"]').first();
  await first.locator('.view-tokenRings text.token-label[data-token-index="1"]').click();
  // Every drawing with token elements (Heads has none until a head is opened) marks token 1.
  const selectedIn = await first.evaluate((lens) => Array.from(lens.querySelectorAll('.view'))
    .filter((v) => v.querySelector('[data-token-index]') !== null)
    .map((v) => `${(v as HTMLElement).dataset['view']}:${v.querySelectorAll('.selected[data-token-index="1"]').length}`));
  check(`${name}: a token click selects in every drawing`, selectedIn.length >= 3 && selectedIn.every((s) => !s.endsWith(':0')), JSON.stringify(selectedIn));
  const played = await first.locator('.view-flowTrace .player button.play').click().then(() => page.waitForTimeout(100)).then(() => first.locator('.view-flowTrace .layer-label').textContent());
  check(`${name}: the flow trace plays`, /^Layer 1 \//.test(played ?? ''), String(played));

  const injected = await page.evaluate(() => document.querySelectorAll('img, iframe, object, embed, body script[src]').length);
  check(`${name}: token text stayed text`, injected === 0, `${injected} injected elements`);
  check(`${name}: no console error`, problems.length === 0, problems.join(' | '));
  check(`${name}: no request left the page`, outside.length === 0, outside.join(', '));

  // Content-Security-Policy: present, strict, silent for the page's own script and style (the
  // drawings above ran under it), and enforced: a request and an injected inline script are refused.
  const policy = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content') ?? '').catch(() => '');
  check(`${name}: strict CSP present`, policy.includes("default-src 'none'") && /script-src 'sha256-[^']+'/.test(policy) && !policy.includes('unsafe-inline'), policy || 'no CSP meta');
  const ownViolations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.slice());
  check(`${name}: no CSP violation by the page's own content`, ownViolations.length === 0, ownViolations.join(' | '));
  const probe = await page.evaluate(async () => {
    const w = window as unknown as { cspViolations: string[]; injectedRan?: boolean };
    const script = document.createElement('script');
    script.textContent = 'window.injectedRan = true;';
    document.body.appendChild(script);
    let fetched = 'fetched';
    try { await fetch('https://example.com/attention-lens-csp-probe'); } catch { fetched = 'blocked'; }
    await new Promise((r) => setTimeout(r, 50));
    return { fetched, injectedRan: w.injectedRan === true, violations: w.cspViolations.slice() };
  });
  check(`${name}: CSP blocks a network request`, probe.fetched === 'blocked' && probe.violations.some((v) => v.startsWith('connect-src')), JSON.stringify(probe));
  check(`${name}: CSP blocks an injected inline script`, !probe.injectedRan && probe.violations.some((v) => v.startsWith('script-src')), JSON.stringify(probe));
  check(`${name}: the blocked request never reached the network`, outside.length === 0, outside.join(', '));

  const artifacts = process.env['REPORT_ARTIFACTS'];
  if (artifacts) await page.screenshot({ path: join(artifacts, name.replace(/\.html$/, '.png')), fullPage: true });
}

async function main(): Promise<void> {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: reportPage.js REPORT.html...');
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Injected by the browser before any page script (not subject to the page's CSP): records every
    // Content-Security-Policy violation the page reports.
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    page.on('dialog', (d) => { failed++; console.log(`not ok - a dialog opened: ${d.message()}`); void d.dismiss(); });
    for (const file of files) await checkReport(page, file);
  } finally {
    await browser.close();
  }
  console.log(`report page: ${passed} passed, ${failed} failed`);
  if (failed > 0 || passed === 0) process.exit(1);
}

main().catch((e) => { console.error(e); process.exit(1); });
