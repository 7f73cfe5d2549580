import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeModel, analyzeOptionsOf, comparisonPartner, defaultSettings, expandPath, readSettings, serverSettingsOf, targetParams } from '../src/shared/settings';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

test('readSettings returns the defaults for an empty configuration', () => {
  const { settings, problems } = readSettings(from({}));
  assert.deepEqual(settings, defaultSettings);
  assert.deepEqual(problems, []);
});

test('readSettings takes valid values', () => {
  const { settings, problems } = readSettings(from({ models: ['/m/a', '/m/b'], defaultModel: '/m/b', method: 'flow', headReduction: 'max', tau: 0.2, alpha: 1, maxTokens: 64, target: 'cursor', 'trace.server': 'verbose' }));
  assert.deepEqual(problems, []);
  assert.equal(settings.method, 'flow');
  assert.equal(settings.headReduction, 'max');
  assert.equal(settings.tau, 0.2);
  assert.equal(settings.alpha, 1);
  assert.equal(settings.maxTokens, 64);
  assert.equal(settings.target, 'cursor');
  assert.equal(settings.traceServer, 'verbose');
  assert.equal(activeModel(settings), '/m/b');
  assert.equal(comparisonPartner(settings), '/m/a');
});

test('readSettings replaces invalid values by defaults and names the setting', () => {
  const { settings, problems } = readSettings(from({ method: 'magic', tau: 3, alpha: 0, maxTokens: 1.5, models: 'notalist', target: 'middle' }));
  assert.equal(settings.method, 'influence');
  assert.equal(settings.tau, 0.1);
  assert.equal(settings.alpha, 0.9);
  assert.equal(settings.maxTokens, 512);
  assert.deepEqual(settings.models, []);
  assert.equal(settings.target, 'last');
  assert.equal(problems.length, 6);
  assert.ok(problems.some((p) => p.startsWith('attentionLens.method is "magic"')), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('attentionLens.alpha is 0')), problems.join('\n'));
});

test('activeModel and comparisonPartner fall back to the model list', () => {
  const s = { ...defaultSettings, models: ['/a', '/b'] };
  assert.equal(activeModel(s), '/a');
  assert.equal(comparisonPartner(s), '/b');
  assert.equal(comparisonPartner({ ...s, comparisonModel: '/c' }), '/c');
  assert.equal(activeModel(defaultSettings), '');
  assert.equal(comparisonPartner({ ...defaultSettings, models: ['/a'] }), '');
});

test('serverSettingsOf lists every configured model once and maps the method to the hover method', () => {
  const s = { ...defaultSettings, models: ['/a', '/b'], defaultModel: '/a', comparisonModel: '/c', method: 'rollout' as const };
  assert.deepEqual(serverSettingsOf(s), { modelPaths: ['/a', '/b', '/c'], maxTokens: 512, hoverMethod: 'rollout', generation: { maxNewTokens: 32, temperature: 0, topP: 1 } });
  assert.deepEqual(analyzeOptionsOf(s), { headReduction: 'mean', tau: 0.1, alpha: 0.9, maxTokens: 512, layers: true });
});

test('expandPath expands ~ and ${workspaceFolder} and resolves relative paths', () => {
  assert.equal(expandPath('~/models/x', '/ws', '/home/u'), '/home/u/models/x');
  assert.equal(expandPath('${workspaceFolder}/m', '/ws', '/home/u'), '/ws/m');
  assert.equal(expandPath('m/x', '/ws/', '/home/u'), '/ws/m/x');
  assert.equal(expandPath('/abs/m', '/ws', '/home/u'), '/abs/m');
  assert.equal(expandPath('C:\\m', '/ws', '/home/u'), 'C:\\m');
  assert.equal(expandPath('m', undefined, '/home/u'), 'm');
  assert.equal(expandPath('  ', '/ws', '/h'), '');
});

test('every target choice is sent for the server to resolve: first, last or the cursor position', () => {
  assert.deepEqual(targetParams('first', { line: 1, character: 2 }), { target: 'first' });
  assert.deepEqual(targetParams('last', { line: 1, character: 2 }), { target: 'last' });
  assert.deepEqual(targetParams('cursor', { line: 1, character: 2 }), { targetPosition: { line: 1, character: 2 } });
});

test('the generation settings are read from attentionLens.generation.* and checked like the server checks them', () => {
  const { settings, problems } = readSettings(from({ 'generation.maxNewTokens': 24, 'generation.temperature': 0.7, 'generation.topP': 0.9 }));
  assert.deepEqual(problems, []);
  assert.deepEqual(serverSettingsOf(settings).generation, { maxNewTokens: 24, temperature: 0.7, topP: 0.9 });
  const bad = readSettings(from({ 'generation.maxNewTokens': 0, 'generation.temperature': -1, 'generation.topP': 0 }));
  assert.equal(bad.problems.length, 3);
  assert.ok(bad.problems.some((p) => p.startsWith('attentionLens.generation.topP is 0')), bad.problems.join('\n'));
  assert.deepEqual(serverSettingsOf(bad.settings).generation, { maxNewTokens: 32, temperature: 0, topP: 1 });
});
