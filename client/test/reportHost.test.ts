import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LayerAttention } from '../src/shared/messages';
import type { PanelView } from '../src/webview/PanelView';
import type { PanelHost } from '../src/webview/PanelHost';
import { ReportHost } from '../src/report/ReportHost';

/** A view that records what its host told it, and lets the test speak for it. */
class RecordingView implements PanelView {
  readonly selected: (number | null)[] = [];
  readonly attentions: LayerAttention[] = [];
  readonly errors: [number, string][] = [];
  constructor(readonly host: PanelHost) {}
  render(): void {}
  select(index: number | null): void { this.selected.push(index); }
  attention(a: LayerAttention): void { this.attentions.push(a); }
  attentionError(layer: number, message: string): void { this.errors.push([layer, message]); }
  exportSvg(): string { return ''; }
  dispose(): void {}
}

const layer1: LayerAttention = { layer: 1, heads: 1, tokens: 2, data: [1, 0, 0.5, 0.5] };
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('a token chosen in one drawing is selected in every drawing of the same analysis only', () => {
  const host = new ReportHost(null, 'none');
  const other = new ReportHost(null, 'none');
  const a = host.add((h) => new RecordingView(h));
  const b = host.add((h) => new RecordingView(h));
  const elsewhere = other.add((h) => new RecordingView(h));
  a.host.send({ type: 'tokenSelected', index: 3 });
  b.host.send({ type: 'tokenSelected', index: null });
  assert.deepEqual(a.selected, [3, null]);
  assert.deepEqual(b.selected, [3, null]);
  assert.deepEqual(elsewhere.selected, []);
});

test('per-head attention is answered from the page, later, to the view that asked', async () => {
  const host = new ReportHost(new Map([[1, layer1]]), 'unused');
  const asking = host.add((h) => new RecordingView(h));
  const quiet = host.add((h) => new RecordingView(h));
  asking.host.send({ type: 'requestAttention', layer: 1 });
  assert.deepEqual(asking.attentions, [], 'answered synchronously, while the view may still be rendering');
  await settle();
  assert.deepEqual(asking.attentions, [layer1]);
  assert.deepEqual(quiet.attentions, []);
  asking.host.send({ type: 'requestAttention', layer: 2 });
  await settle();
  assert.equal(asking.errors.length, 1);
  assert.equal(asking.errors[0]?.[0], 2);
});

test('without embedded attention every request gets the report note as its error', async () => {
  const host = new ReportHost(null, 'Per-head attention is too large to embed.');
  const view = host.add((h) => new RecordingView(h));
  view.host.send({ type: 'requestAttention', layer: 1 });
  view.host.send({ type: 'requestAttention', layer: 2 });
  await settle();
  assert.deepEqual(view.errors, [[1, 'Per-head attention is too large to embed.'], [2, 'Per-head attention is too large to embed.']]);
  assert.deepEqual(view.attentions, []);
});
