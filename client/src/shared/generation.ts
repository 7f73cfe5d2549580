// Continue and Explain: what the host and the generation panel share. The server generates and
// decodes (attentionLens/generate); this file only shapes its result for display, builds the
// analyze request that explains one generated token, and types the panel's messages (discriminated
// unions, validated on arrival like shared/messages.ts).
import type { AnalyzeParams, GenerateResult, StopReason } from '../protocol';
import { displayToken } from './tokenText';

/** One generated token as the panel shows it. */
export interface GeneratedTokenView {
  /** 0-based position within the continuation (k). */
  k: number;
  /** The token's share of the continuation, whitespace made visible (shared/tokenText.ts). */
  label: string;
  /** Its exact text, for the tooltip and the insertion. */
  text: string;
  /** softmax probability of the token at temperature 1, in percent, as text. */
  probability: string;
}

export interface GenerationView {
  model: string;
  tokens: GeneratedTokenView[];
  /** The continuation's text as the server decoded it (what Insert puts in the document). */
  text: string;
  /** Why generation stopped and how, in words. */
  summary: string;
}

const stopWords: Record<StopReason, string> = {
  maxNewTokens: 'stopped at the token limit',
  endOfText: 'stopped at end of text',
  contextFull: "stopped at the model's position limit",
};

export function generationView(result: GenerateResult): GenerationView {
  const ms = result.timings['generate'] ?? 0;
  const n = result.tokens.length;
  const how = result.seed === undefined || result.seed === null ? 'greedy' : `sampled, seed ${result.seed}`;
  const cache = result.keyValueCache ? 'key/value cache' : 'full forward per token';
  return {
    model: result.model.id,
    tokens: result.tokens.map((t, k) => ({ k, label: displayToken(t.text, 24), text: t.text, probability: `${(100 * t.probability).toFixed(1)}%` })),
    text: result.text,
    summary: `${n} token${n === 1 ? '' : 's'} (${how}, ${stopWords[result.stopReason]}${result.stopToken ? ` “${result.stopToken}”` : ''}) in ${ms.toFixed(0)} ms with the ${cache}.`,
  };
}

/**
 * The analysis that explains generated token k: the selection followed by tokens 0…k−1 as the input,
 * the last of them as the target (the position whose prediction produced token k) and token k as the
 * label, so the panels show what the model drew on to write it, even when it was sampled.
 */
export function explainParams(base: Omit<AnalyzeParams, 'continuation' | 'target' | 'targetPosition' | 'label'>, result: GenerateResult, k: number): AnalyzeParams {
  const token = result.tokens[k];
  if (!token) throw new RangeError(`generated token ${k} does not exist (there are ${result.tokens.length})`);
  const { workDoneToken: _w, ...rest } = base;
  return { ...rest, continuation: result.tokens.slice(0, k).map((t) => t.id), target: 'last', label: String(token.id) };
}

export type HostToGenerationMessage =
  | { type: 'generation'; view: GenerationView }
  | { type: 'explaining'; k: number | null };

export type GenerationToHostMessage =
  | { type: 'ready' }
  | { type: 'explain'; k: number }
  | { type: 'insert' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function parseGenerationPanelMessage(raw: unknown): GenerationToHostMessage | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'ready': return { type: 'ready' };
    case 'insert': return { type: 'insert' };
    case 'explain': return isIndex(raw.k) ? { type: 'explain', k: raw.k } : undefined;
    default: return undefined;
  }
}

export function parseGenerationHostMessage(raw: unknown): HostToGenerationMessage | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'generation':
      return isObject(raw.view) && Array.isArray(raw.view.tokens) && typeof raw.view.text === 'string'
        ? { type: 'generation', view: raw.view as unknown as GenerationView } : undefined;
    case 'explaining':
      return raw.k === null || isIndex(raw.k) ? { type: 'explaining', k: raw.k as number | null } : undefined;
    default: return undefined;
  }
}
