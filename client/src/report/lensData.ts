// Reading what the server embedded for one `.lens` element of a report: the protocol JSON it would
// send for attentionLens/analyze (or /compare), and optionally /attention, each in a
// <script type="application/json"> child. Reshaping goes through the extension's own buildView, so
// a report shows exactly what the panels would.
import type { AnalyzeResult, AttentionResult, CompareResult } from '../protocol';
import type { AnalysisView } from '../shared/analysisView';
import { buildComparisonView, buildView } from '../shared/buildView';
import { layerAttentionOf } from '../shared/heads';
import type { LayerAttention } from '../shared/messages';

export type LensKind = 'analysis' | 'comparison';

export interface LensData {
  kind: LensKind;
  view: AnalysisView;
  /** Per-head attention by layer (1..L), or null when the report left it out. */
  attention: Map<number, LayerAttention> | null;
  /** Why the per-head attention is missing, shown by the views that need it. */
  attentionNote: string;
  /** The analysis (or comparison) as protocol JSON, for the report's "Analysis JSON" export. */
  json: string;
}

/** The report's default method: the one the extension's settings default to (package.json). */
const preferredMethod = 'influence';

function embedded<T>(lens: HTMLElement, part: string): T | undefined {
  const script = lens.querySelector<HTMLScriptElement>(`script[type="application/json"][data-part="${part}"]`);
  if (!script) return undefined;
  return JSON.parse(script.textContent ?? '') as T;
}

function required<T extends object>(value: T | undefined, what: string, fields: readonly string[]): T {
  if (typeof value !== 'object' || value === null) throw new Error(`the report holds no ${what}`);
  const missing = fields.filter((f) => !(f in value));
  if (missing.length > 0) throw new Error(`the report's ${what} lacks ${missing.join(', ')}`);
  return value;
}

export function readLens(lens: HTMLElement): LensData {
  const kind = lens.dataset['lens'];
  if (kind !== 'analysis' && kind !== 'comparison') throw new Error(`unknown lens kind ${String(kind)}`);
  const result = kind === 'analysis'
    ? required(embedded<AnalyzeResult>(lens, 'analyze'), 'analysis', ['tokens', 'rollout', 'layers'])
    : required(embedded<CompareResult>(lens, 'compare'), 'comparison', ['a', 'b', 'difference']);
  const view = kind === 'analysis'
    ? buildView(result as AnalyzeResult, preferredMethod)
    : buildComparisonView(result as CompareResult, preferredMethod);
  const raw = embedded<AttentionResult>(lens, 'attention');
  let attention: Map<number, LayerAttention> | null = null;
  if (raw) {
    const result = required(raw, 'per-head attention', ['tokens', 'matrices']);
    attention = new Map();
    for (let layer = 1; layer <= view.layers; layer++) attention.set(layer, layerAttentionOf(result, layer));
  }
  return { kind, view, attention, attentionNote: lens.dataset['attentionNote'] ?? 'Per-head attention is not part of this report.', json: JSON.stringify(result, null, 2) };
}
