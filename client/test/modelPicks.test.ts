import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelEntry } from '../src/protocol';
import { formatBytes, formatCount, modelPicks } from '../src/shared/modelPicks';

const entry = (over: Partial<ModelEntry>): ModelEntry => ({ id: 'm', path: '/m', source: 'huggingFaceCache', hasTokenizer: true, loaded: false, ...over });

test('formatBytes and formatCount use binary units and short suffixes', () => {
  assert.equal(formatBytes(1_049_000), '1.0 MiB');
  assert.equal(formatBytes(2_470_000_000), '2.3 GiB');
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(null), '');
  assert.equal(formatCount(260_032), '260K');
  assert.equal(formatCount(1_235_814_400), '1.2B');
  assert.equal(formatCount(undefined), '');
});

test('modelPicks orders workspace, cache, settings, and marks what is already configured', () => {
  const picks = modelPicks([
    entry({ id: 'b/cached', path: '/hub/b', architecture: 'LlamaForCausalLM', parameterCount: 260_032, sizeBytes: 1_049_000 }),
    entry({ id: 'configured', path: '/models/c', source: 'settings' }),
    entry({ id: 'models/tiny', path: '/ws/models/tiny', source: 'workspace', modelType: 'gpt2', problem: 'no weights file' }),
    entry({ id: 'a/cached', path: '/hub/a/', source: 'huggingFaceCache' }),
  ], ['/hub/a', '/models/c']);
  assert.deepEqual(picks.map((p) => p.label), ['models/tiny', 'a/cached', 'b/cached', 'configured']);
  assert.deepEqual(picks.map((p) => p.added), [false, true, false, true]);
  assert.equal(picks[2]?.description, 'LlamaForCausalLM · 260K parameters · 1.0 MiB · Hugging Face cache');
  assert.equal(picks[0]?.description, 'gpt2 · workspace');
  assert.equal(picks[0]?.detail, '/ws/models/tiny — no weights file');
  assert.match(picks[1]?.description ?? '', /\(added\)$/);
});
