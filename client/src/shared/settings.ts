// The `attentionLens.*` settings as typed values. Reading goes through `readSettings`, which takes a
// getter (VS Code's WorkspaceConfiguration.get in the extension, a plain object in tests), validates
// every value and falls back to the default with a message naming the setting, so a typo in
// settings.json degrades to a warning instead of a failed request.
import type { AnalyzeOptions, HeadReductionName, ServerSettings } from '../protocol';

export type SettingsMethod = 'rollout' | 'flow' | 'influence' | 'valueNorms' | 'alti' | 'globenc' | 'valueZeroing'
  | 'saliency' | 'inputXGradient' | 'attentionXGradient' | 'gradRollout';
export type TargetChoice = 'first' | 'last' | 'cursor';
export type TraceLevel = 'off' | 'messages' | 'verbose';

export interface Settings {
  models: string[];
  defaultModel: string;
  comparisonModel: string;
  method: SettingsMethod;
  headReduction: HeadReductionName;
  tau: number;
  alpha: number;
  maxTokens: number;
  target: TargetChoice;
  dotnetPath: string;
  serverPath: string;
  traceServer: TraceLevel;
  /** attentionLens.generation.*: defaults of Continue and Explain (attentionLens/generate). */
  generationMaxNewTokens: number;
  generationTemperature: number;
  generationTopP: number;
}

export const defaultSettings: Readonly<Settings> = {
  models: [],
  defaultModel: '',
  comparisonModel: '',
  method: 'influence',
  headReduction: 'mean',
  tau: 0.1,
  alpha: 0.9,
  maxTokens: 512,
  target: 'last',
  dotnetPath: '',
  serverPath: '',
  traceServer: 'off',
  generationMaxNewTokens: 32,
  generationTemperature: 0,
  generationTopP: 1,
};

/** The setting name of each Settings key whose name differs from the key (dotted sections). */
export const settingNames: Partial<Record<keyof Settings, string>> = {
  traceServer: 'trace.server',
  generationMaxNewTokens: 'generation.maxNewTokens',
  generationTemperature: 'generation.temperature',
  generationTopP: 'generation.topP',
};

export interface SettingsRead { settings: Settings; problems: string[] }

function oneOf<T extends string>(allowed: readonly T[]) {
  return (v: unknown): v is T => typeof v === 'string' && (allowed as readonly string[]).includes(v);
}

export function readSettings(get: (key: string) => unknown): SettingsRead {
  const problems: string[] = [];
  const settings: Settings = { ...defaultSettings, models: [] };
  function take<K extends keyof Settings>(key: K, name: string, valid: (v: unknown) => boolean, expected: string): void {
    const value = get(name);
    if (value === undefined || value === null) return;
    if (valid(value)) settings[key] = value as Settings[K];
    else problems.push(`attentionLens.${name} is ${JSON.stringify(value)}; expected ${expected}. Using ${JSON.stringify(defaultSettings[key])}.`);
  }
  take('models', 'models', (v) => Array.isArray(v) && v.every((s) => typeof s === 'string'), 'an array of model folder paths');
  take('defaultModel', 'defaultModel', (v) => typeof v === 'string', 'a model folder path');
  take('comparisonModel', 'comparisonModel', (v) => typeof v === 'string', 'a model folder path');
  take('method', 'method', oneOf<SettingsMethod>(['rollout', 'flow', 'influence', 'valueNorms', 'alti', 'globenc', 'valueZeroing', 'saliency', 'inputXGradient', 'attentionXGradient', 'gradRollout']),
    'rollout, flow, influence, valueNorms, alti, globenc, valueZeroing, saliency, inputXGradient, attentionXGradient or gradRollout');
  take('headReduction', 'headReduction', oneOf<HeadReductionName>(['mean', 'max', 'min', 'sum']), 'mean, max, min or sum');
  take('tau', 'tau', (v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number in [0, 1]');
  // α is the decay of token influence; §6 needs 0 < α ≤ 1.
  take('alpha', 'alpha', (v) => typeof v === 'number' && v > 0 && v <= 1, 'a number in (0, 1]');
  take('maxTokens', 'maxTokens', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 2, 'an integer ≥ 2');
  take('target', 'target', oneOf<TargetChoice>(['first', 'last', 'cursor']), 'first, last or cursor');
  take('dotnetPath', 'dotnetPath', (v) => typeof v === 'string', 'the path of the dotnet executable');
  take('serverPath', 'serverPath', (v) => typeof v === 'string', 'the path of attention-lens.dll');
  take('traceServer', 'trace.server', oneOf<TraceLevel>(['off', 'messages', 'verbose']), 'off, messages or verbose');
  // The server refuses the same ranges (GenerationService.Check); here a typo degrades to the default.
  take('generationMaxNewTokens', 'generation.maxNewTokens', (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 4096, 'an integer in 1..4096');
  take('generationTemperature', 'generation.temperature', (v) => typeof v === 'number' && v >= 0 && v <= 100, 'a number in [0, 100] (0 = greedy)');
  take('generationTopP', 'generation.topP', (v) => typeof v === 'number' && v > 0 && v <= 1, 'a number in (0, 1]');
  return { settings, problems };
}

/** The model analyses use: the default model, else the first listed one; '' when none is configured. */
export function activeModel(s: Settings): string {
  return s.defaultModel || s.models[0] || '';
}

/** The model a comparison sets against the active one: the comparison model, else another listed model. */
export function comparisonPartner(s: Settings): string {
  const active = activeModel(s);
  return s.comparisonModel || s.models.find((m) => m !== active) || '';
}

/** What the server is told about our settings (its `attentionLens` section). */
export function serverSettingsOf(s: Settings): ServerSettings {
  const paths = [...new Set([...s.models, s.defaultModel, s.comparisonModel].filter((m) => m.length > 0))];
  return {
    modelPaths: paths, maxTokens: s.maxTokens, hoverMethod: s.method,
    generation: { maxNewTokens: s.generationMaxNewTokens, temperature: s.generationTemperature, topP: s.generationTopP },
  };
}

export function analyzeOptionsOf(s: Settings): AnalyzeOptions {
  return { headReduction: s.headReduction, tau: s.tau, alpha: s.alpha, maxTokens: s.maxTokens, layers: true };
}

/** Expands `~` and `${workspaceFolder}` in a configured path; relative paths are taken from the workspace folder. */
export function expandPath(path: string, workspaceFolder: string | undefined, home: string): string {
  let p = path.trim();
  if (p === '') return p;
  if (p === '~' || p.startsWith('~/')) p = home + p.slice(1);
  if (workspaceFolder !== undefined) p = p.split('${workspaceFolder}').join(workspaceFolder);
  const absolute = p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
  if (!absolute && workspaceFolder !== undefined) p = `${workspaceFolder.replace(/[\\/]+$/, '')}/${p}`;
  return p;
}

/** The target fields of a request for a choice: the server resolves `first`, `last` and the cursor's
 * token after tokenizing, so no choice needs a second analysis. */
export function targetParams(choice: TargetChoice, cursor: { line: number; character: number }): { target?: 'first' | 'last'; targetPosition?: { line: number; character: number } } {
  if (choice === 'cursor') return { targetPosition: { line: cursor.line, character: cursor.character } };
  return { target: choice };
}
