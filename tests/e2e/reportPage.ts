// The standalone HTML report in a real browser (headless Chromium, network blocked): every view the
// report bundle mounts must draw, with as many elements as the embedded analysis has tokens and
// layers, without a console error or a request leaving the page, and token text must stay text;
// the page's Content-Security-Policy must be strict, raise no violation for the page's own content,
// and block a request and an injected inline script.
// Usage: node out/e2e/reportPage.js REPORT.html... (tests/e2e/report.sh writes the reports).
import { chromium, type Locator, type Page } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

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

/** Sets an edge-strength slider to `position` as a user's drag would (an input event). */
async function setSlider(slider: Locator, position: number): Promise<void> {
  await slider.evaluate((el, p) => { (el as HTMLInputElement).value = String(p); el.dispatchEvent(new Event('input', { bubbles: true })); }, position);
}

/** The edge slider prunes live: fewer edges drawn when moved left, in the flow trace and the rings (comparisons too). */
async function checkPruning(page: Page, name: string): Promise<void> {
  for (const [kind, edge] of [['flowTrace', 'line.edge'], ['tokenRings', 'path.edge']] as const) {
    const lens = page.locator('.lens[data-lens]').filter({ has: page.locator(`.view-${kind} .edge-filter`) }).first();
    if (await lens.count() === 0) continue;
    const view = lens.locator(`.view-${kind}`);
    const slider = view.locator('.edge-filter input[type="range"]');
    await setSlider(slider, 200);
    const before = await view.locator(edge).count();
    await setSlider(slider, 60);
    const after = await view.locator(edge).count();
    const said = await view.locator('.edge-count').textContent();
    check(`${name}: the ${kind} slider prunes edges`, after > 0 && after < before && (said ?? '').startsWith(`${after} of`), `${before} → ${after} edges, "${said}"`);
    const legend = await view.locator('.strength-legend .ramp span').count();
    if (kind === 'flowTrace') check(`${name}: the ${kind} has a strength legend`, legend >= 5, `${legend} swatches`);
    await setSlider(slider, 200);
  }
  const comparison = page.locator('.lens[data-lens="comparison"] .view-tokenRings').first();
  if (await comparison.count() > 0) {
    const before = await comparison.locator('path.edge').count();
    await setSlider(comparison.locator('.edge-filter input[type="range"]'), 80);
    const after = await comparison.locator('path.edge').count();
    check(`${name}: the comparison rings are pruned too`, after > 0 && after < before, `${before} → ${after} edges`);
    const artifacts = process.env['REPORT_ARTIFACTS'];
    if (artifacts) await comparison.screenshot({ path: join(artifacts, name.replace(/\.html$/, '-compare-pruned.png')) });
    await comparison.locator('.legend [data-edge-class="shared"]').click();
    const withoutShared = await comparison.locator('path.edge-shared').count();
    check(`${name}: a comparison legend entry hides its edges`, withoutShared === 0, `${withoutShared} shared edges left`);
    await comparison.locator('.legend [data-edge-class="shared"]').click();
  }
}

/** Export from the report: a PNG (a real, non-empty image), an SVG with caption and legend, the analysis JSON. */
async function checkExports(page: Page, name: string): Promise<void> {
  const lens = page.locator('.lens[data-lens="analysis"]').first();
  const save = async (button: Locator): Promise<Buffer> => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), button.click()]);
    const path = join(tmpdir(), `attention-lens-report-${process.pid}-${download.suggestedFilename()}`);
    await download.saveAs(path);
    return readFileSync(path);
  };
  // The whole trace (the player may still be playing from an earlier check): its slider pauses it.
  await lens.locator('.view-flowTrace .player input[type="range"]').evaluate((el) => { const s = el as HTMLInputElement; s.value = s.max; s.dispatchEvent(new Event('input', { bubbles: true })); });
  const png = await save(lens.locator('.view-flowTrace .export-bar button[data-export="png"]'));
  const pngWidth = png.length > 24 ? png.readUInt32BE(16) : 0;
  const pngHeight = png.length > 24 ? png.readUInt32BE(20) : 0;
  check(`${name}: the flow trace exports a non-empty PNG`, png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && png.length > 2000 && pngWidth > 100 && pngHeight > 100,
    `${png.length} bytes, ${pngWidth}×${pngHeight}`);
  const artifacts = process.env['REPORT_ARTIFACTS'];
  if (artifacts) writeFileSync(join(artifacts, name.replace(/\.html$/, '-exported-flow-trace.png')), png);
  const tokens = await lens.evaluate((l) => JSON.parse(l.querySelector('script[data-part="analyze"]')?.textContent ?? '{}').tokens.length as number);
  const svg = (await save(lens.locator('.view-tokenRings .export-bar button[data-export="svg"]'))).toString('utf8');
  check(`${name}: the rings export an SVG with caption, legend and every token`, svg.startsWith('<svg') && svg.includes('Token Rings —') && svg.includes('Target: token') && svg.includes('attention:')
    && (svg.match(/data-token-index=/g) ?? []).length === tokens && !svg.includes('var(--'), `${svg.length} bytes, ${(svg.match(/data-token-index=/g) ?? []).length} tokens`);
  const bars = await lens.locator('.view > .export-bar button[data-export="png"]').count();
  const views = await lens.locator('.view').count();
  check(`${name}: every drawing has its export buttons`, bars === views && views === 5, `${bars} PNG buttons, ${views} drawings`);
  const json = JSON.parse((await save(lens.locator('.lens-export button[data-export="json"]'))).toString('utf8')) as { tokens?: unknown[] };
  check(`${name}: the analysis exports as JSON`, json.tokens?.length === tokens, `${json.tokens?.length} tokens`);
}

/** The flow trace fits its box, at the page's width and in a column as narrow as an editor's side panel. */
async function checkWidth(page: Page, name: string): Promise<void> {
  const measure = () => page.locator('.lens[data-lens="analysis"] .view-flowTrace').first().evaluate((view) => {
    const body = view.querySelector('.view-body') as HTMLElement;
    const svg = view.querySelector('svg.flow') as SVGSVGElement;
    const box = svg.getBoundingClientRect();
    const content = svg.getBBox();
    const width = Number(svg.getAttribute('width'));
    return { panel: body.clientWidth, svg: box.width, contentLeft: content.x, contentRight: content.x + content.width, width, scroll: (view.querySelector('.scroller') as HTMLElement).scrollWidth };
  });
  const wide = await measure();
  check(`${name}: the flow trace fits the report's width`, wide.svg <= wide.panel + 0.5 && wide.contentLeft >= -0.5 && wide.contentRight <= wide.width + 0.5, JSON.stringify(wide));
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 420, height: 900 });
  await page.waitForTimeout(300);
  const narrow = await measure();
  check(`${name}: in a 420 px window the flow trace is redrawn to fit`, narrow.svg <= narrow.panel + 0.5 && narrow.scroll <= narrow.panel + 0.5 && narrow.contentRight <= narrow.width + 0.5 && narrow.width < wide.width, JSON.stringify(narrow));
  // The layer graph (drawn when the report embeds per-head attention) is fitted to its box as well.
  const graphs = await page.locator('.lens[data-lens="analysis"] .view-layerGraph').evaluateAll((views) => views
    .filter((v) => v.querySelector('svg.layer-graph') !== null)
    .map((v) => ({ panel: (v.querySelector('.view-body') as HTMLElement).clientWidth, svg: (v.querySelector('svg.layer-graph') as SVGSVGElement).getBoundingClientRect().width })));
  if (graphs.length > 0) check(`${name}: in a 420 px window the layer graphs fit their boxes`, graphs.every((g) => g.svg <= g.panel + 0.5), JSON.stringify(graphs));
  const artifacts = process.env['REPORT_ARTIFACTS'];
  if (artifacts) await page.locator('.lens[data-lens="analysis"] .view-flowTrace').first().screenshot({ path: join(artifacts, name.replace(/\.html$/, '-narrow-flow.png')) });
  if (viewport) await page.setViewportSize(viewport);
  await page.waitForTimeout(200);
}

/** Long inputs: how long each drawing took and how long a slider move takes to redraw (printed, not asserted). */
async function timeLongInput(page: Page, name: string): Promise<void> {
  const renders = await page.evaluate(() => performance.getEntriesByType('measure').filter((m) => m.name.startsWith('attention-lens:render:'))
    .map((m) => `${m.name.split(':')[2]} ${m.duration.toFixed(0)} ms`));
  const tokens = await page.locator('.lens[data-lens="analysis"]').first().evaluate((l) => JSON.parse(l.querySelector('script[data-part="analyze"]')?.textContent ?? '{}').tokens.length as number);
  const moves: string[] = [];
  for (const kind of ['flowTrace', 'tokenRings']) {
    const slider = page.locator(`.lens[data-lens="analysis"] .view-${kind} .edge-filter input[type="range"]`).first();
    for (const position of [200, 120, 60]) {
      // From the input event to the next painted frame.
      const ms = await slider.evaluate((el, p) => new Promise<number>((resolve) => {
        const start = performance.now();
        (el as HTMLInputElement).value = String(p);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
      }), position);
      const drawn = await page.locator(`.lens[data-lens="analysis"] .view-${kind} .edge-count`).first().textContent();
      moves.push(`${kind} → "${drawn}": ${ms.toFixed(0)} ms`);
    }
  }
  console.log(`# timing ${name} (${tokens} tokens): render ${renders.join(', ')}`);
  for (const m of moves) console.log(`# timing ${name}: slider ${m}`);
}

/** Layer 1's head-averaged attention (T×T, row-major) from `attention-lens forward`'s .safetensors ([L,H,T,T] float32). */
function layerOneMean(file: string): { tokens: number; mean: number[] } {
  const bytes = readFileSync(file);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const entry = header['attentions'];
  if (!entry || entry.dtype !== 'F32' || entry.shape.length !== 4) throw new Error(`${file}: no float32 [L,H,T,T] 'attentions'`);
  const [, heads, tokens] = entry.shape as [number, number, number, number];
  const start = 8 + headerLength + entry.data_offsets[0];
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + heads * tokens * tokens * 4));
  const size = tokens * tokens;
  const mean = new Array<number>(size).fill(0);
  for (let h = 0; h < heads; h++) for (let i = 0; i < size; i++) mean[i] = (mean[i] as number) + (all[h * size + i] as number) / heads;
  return { tokens, mean };
}

/**
 * Long inputs: the Layer Graph's first drawing and slider moves (printed, not asserted). The report
 * leaves per-head attention out at these sizes, so the extension's LayerGraphView (bundled as
 * out/e2e/layerGraphMount.js) is mounted in the report's page, on the report's analysis, with layer 1's
 * real attention from `attention-lens forward` (report.sh writes NAME.attentions.safetensors).
 */
async function timeLayerGraph(page: Page, file: string, name: string): Promise<void> {
  const tensors = file.replace(/\.html$/, '.attentions.safetensors');
  let attention: { tokens: number; mean: number[] };
  try { attention = layerOneMean(tensors); } catch (e) { console.log(`# timing ${name}: layer graph not timed (${String(e)})`); return; }
  const analysis = await page.locator('.lens[data-lens="analysis"]').first().evaluate((l) => l.querySelector('script[data-part="analyze"]')?.textContent ?? '{}');
  const tokens = (JSON.parse(analysis) as { tokens: unknown[] }).tokens.length;
  if (tokens !== attention.tokens) { check(`${name}: the forward pass saw the analysis's tokens`, false, `${attention.tokens} vs ${tokens}`); return; }
  // Evaluated through the DevTools protocol, as the test's other probes are: the page's CSP governs the page's own scripts.
  await page.evaluate(readFileSync(join(__dirname, 'layerGraphMount.js'), 'utf8'));
  const first = await page.evaluate(({ json, mean }) => {
    const box = document.createElement('div');
    box.className = 'view view-layerGraph layer-graph-timing';
    box.style.width = '1000px';
    document.body.appendChild(box);
    const w = window as unknown as { mountLayerGraph: (root: HTMLElement, a: unknown, m: number[]) => Promise<{ render: number; layout: number; painted: number; nodes: number; edges: number }> };
    return w.mountLayerGraph(box, JSON.parse(json), mean);
  }, { json: analysis, mean: attention.mean });
  check(`${name}: the layer graph drew a node per token on real attention`, first.nodes === tokens && first.edges > 0, JSON.stringify(first));
  const moves: string[] = [];
  const slider = page.locator('.layer-graph-timing .edge-filter input[type="range"]');
  for (const position of [200, 120, 60]) {
    const ms = await slider.evaluate((el, p) => new Promise<number>((resolve) => {
      const start = performance.now();
      (el as HTMLInputElement).value = String(p);
      el.dispatchEvent(new Event('input', { bubbles: true }));
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - start)));
    }), position);
    moves.push(`"${await page.locator('.layer-graph-timing .edge-count').textContent()}": ${ms.toFixed(0)} ms`);
  }
  console.log(`# timing ${name} (${tokens} tokens): layer graph (layer 1) layout + drawing ${first.render.toFixed(0)} ms (of which the force layout ${first.layout.toFixed(0)} ms), painted after ${first.painted.toFixed(0)} ms, ${first.edges} edges`);
  for (const m of moves) console.log(`# timing ${name}: slider layerGraph → ${m}`);
  await page.evaluate(() => document.querySelector('.layer-graph-timing')?.remove());
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

  if (/-\d+-tokens\.html$/.test(name)) await timeLongInput(page, name);
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
  // Token 1, or in a long input the first token whose ring label is written (crowded labels are hidden).
  const clicked = await first.locator('.view-tokenRings text.token-label:not(.crowded)').evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-token-index'))).find((i) => i >= 1) ?? 1);
  await first.locator(`.view-tokenRings text.token-label[data-token-index="${clicked}"]`).click();
  // Every drawing with token elements (Heads has none until a head is opened) marks token 1.
  const selectedIn = await first.evaluate((lens, index) => Array.from(lens.querySelectorAll('.view'))
    .filter((v) => v.querySelector('[data-token-index]') !== null)
    .map((v) => `${(v as HTMLElement).dataset['view']}:${v.querySelectorAll(`.selected[data-token-index="${index}"]`).length}`), clicked);
  check(`${name}: a token click selects in every drawing`, selectedIn.length >= 3 && selectedIn.every((s) => !s.endsWith(':0')), JSON.stringify(selectedIn));
  const played = await first.locator('.view-flowTrace .player button.play').click().then(() => page.waitForTimeout(100)).then(() => first.locator('.view-flowTrace .layer-label').textContent());
  check(`${name}: the flow trace plays`, /^Layer 1 \//.test(played ?? ''), String(played));

  await checkPruning(page, name);
  await checkExports(page, name);
  await checkWidth(page, name);

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

  if (/-\d+-tokens\.html$/.test(name)) await timeLayerGraph(page, file, name);

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
