// The extension manifest (package.json) against the code: commands, settings and bundle paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, settingNames } from '../src/shared/settings';
import { viewKinds, viewOfCommand, viewSpecs } from '../src/shared/viewSpecs';
import { repoRoot } from './repoRoot';

interface Manifest {
  main: string;
  engines: { vscode: string };
  contributes: {
    commands: { command: string; title: string; category: string }[];
    keybindings: { command: string; key: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, { default: unknown }> };
  };
}

const root = repoRoot();
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const extensionSource = readFileSync(join(root, 'client', 'src', 'extension.ts'), 'utf8');

test('the command table and the manifest list the same commands, all in the Attention Lens category', () => {
  // The table in extension.ts names the commands of its own, and takes each view's from the registry.
  assert.match(extensionSource, /viewKinds\.map\(.*viewSpecs\[kind\]\.command/);
  const registered = [...extensionSource.matchAll(/\['(attentionLens\.\w+)'/g)].map((m) => m[1] as string)
    .concat(viewKinds.map((k) => viewSpecs[k].command)).sort();
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(registered, contributed);
  for (const c of manifest.contributes.commands) assert.equal(c.category, 'Attention Lens', c.command);
  for (const required of ['analyzeSelection', 'compareModels', 'selectModel', 'showHeads', 'exportView', 'exportAnalysis']) {
    assert.ok(contributed.includes(`attentionLens.${required}`), required);
  }
});

test('every view of the registry has its "Show <title>" command, and only the registry opens panels', () => {
  for (const kind of viewKinds) {
    const spec = viewSpecs[kind];
    assert.equal(spec.kind, kind);
    const contributed = manifest.contributes.commands.find((c) => c.command === spec.command);
    assert.ok(contributed, `${spec.command} is not contributed`);
    assert.equal(contributed.title, `Show ${spec.title}`);
    assert.equal(viewOfCommand(spec.command), kind);
  }
  assert.equal(new Set(viewKinds.map((k) => viewSpecs[k].command)).size, viewKinds.length);
  assert.equal(viewOfCommand('attentionLens.analyzeSelection'), undefined);
  // panels/ is generic: it never imports the host, and no per-view panel class is left.
  const panelsDir = join(root, 'client', 'src', 'panels');
  for (const f of readdirSync(panelsDir)) {
    const source = readFileSync(join(panelsDir, f), 'utf8');
    assert.doesNotMatch(source, /from '\.\.\/host\//, `${f} imports host/`);
  }
  assert.deepEqual(readdirSync(panelsDir).filter((f) => /\w+Panel\.ts$/.test(f) && f !== 'AnalysisPanel.ts'), []);
});

test('Analyze Selection has a keybinding and both selection commands are in the editor context menu', () => {
  assert.ok(manifest.contributes.keybindings.some((k) => k.command === 'attentionLens.analyzeSelection' && k.key));
  const context = manifest.contributes.menus['editor/context'] ?? [];
  for (const id of ['attentionLens.analyzeSelection', 'attentionLens.compareModels']) {
    assert.ok(context.some((m) => m.command === id && m.when === 'editorHasSelection'), id);
  }
});

test('every setting the code reads is contributed with the same default', () => {
  const properties = manifest.contributes.configuration.properties;
  for (const [key, value] of Object.entries(defaultSettings)) {
    const name = `attentionLens.${settingNames[key as keyof typeof defaultSettings] ?? key}`;
    assert.ok(name in properties, `${name} is read but not contributed`);
    assert.deepEqual(properties[name]?.default, value, name);
  }
  assert.equal(Object.keys(properties).length, Object.keys(defaultSettings).length);
});

test('the manifest points at the built bundle', () => {
  assert.equal(manifest.main, './dist/client/extension.js');
  const vsixIgnore = readFileSync(join(root, '.vscodeignore'), 'utf8');
  assert.match(vsixIgnore, /!dist\/client\/\*\*/);
  assert.match(vsixIgnore, /!dist\/server\/\*\*/);
});
