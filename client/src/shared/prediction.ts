// What the analysis explains, as the panels, the editor and the quick pick show it. Pure: the server
// decides what a prediction is (docs/protocol.md#prediction); this only words and arranges it.
import type { AnalyzeParams, Prediction, Range, Token } from '../protocol';

/** The one-line caption every panel shows under its title. */
export interface PredictionView { text: string; head: Prediction['head'] }

function percent(p: number | null | undefined): string {
  return p === null || p === undefined ? '' : `${(p * 100).toFixed(1)} %`;
}

/** "Explains label positive (93.1 %, predicted)", "Explains the start of the answer 'Paris' (41.0 %)"…; a contrastive
 * analysis adds "rather than B (p %)" (docs/methods.md#contrastive). */
export function describePrediction(p: Prediction): string {
  const base = describeExplained(p);
  return p.contrast ? `${base} rather than ${p.contrast.label}${p.contrast.probability === undefined ? '' : ` (${percent(p.contrast.probability)})`}` : base;
}

function describeExplained(p: Prediction): string {
  const how = p.chosen ? 'chosen' : 'predicted';
  const prob = percent(p.probability);
  const detail = prob ? `${prob}, ${how}` : how;
  switch (p.head) {
    case 'sequenceClassification': return `Explains label ${p.label} (${detail})`;
    case 'tokenClassification': return `Explains label ${p.label} of token ${p.position} (${detail})`;
    case 'questionAnswering': return `Explains the ${p.spanEnd ? 'end' : 'start'} of the answer “${p.span?.text ?? ''}” (${prob || how})`;
    case 'maskedLM': return `Explains masked token ${p.label} at ${p.position} (${detail})`;
    default: return `Explains next token ${p.label} after position ${p.position} (${detail})`;
  }
}

export function predictionView(p: Prediction | null | undefined): PredictionView | null {
  return p ? { text: describePrediction(p), head: p.head } : null;
}

/** One entry of "Explain another label": what to send as `label` / `qaEnd`. */
export interface LabelPick { label: string; description: string; picked: boolean; params: Pick<AnalyzeParams, 'label' | 'qaEnd'> }

/**
 * The choices of "Explain another label": every alternative the server listed (labels of a classifier or
 * of the chosen token, next/masked tokens of an LM) with its probability, the explained one marked;
 * for QA, the span's start and end. Empty when the result has no prediction.
 */
export function labelPicks(p: Prediction | null | undefined): LabelPick[] {
  if (!p) return [];
  if (p.head === 'questionAnswering') {
    return [false, true].map((end) => ({
      label: end ? 'End of the answer' : 'Start of the answer',
      description: p.span ? `“${p.span.text}”` : '',
      picked: p.spanEnd === end,
      params: end ? { qaEnd: true } : {},
    }));
  }
  return p.alternatives.map((a) => ({
    label: a.label,
    description: `${percent(a.probability)}${a.index === p.index ? ' — explained now' : ''}`,
    picked: a.index === p.index,
    // Tokens go by vocabulary id (their text may be ambiguous); labels by id as well, names are for people.
    params: { label: String(a.index) },
  }));
}

/** One entry of "Explain Why Not…": the alternative B to send as `contrast`. */
export interface ContrastPick { label: string; description: string; params: Pick<AnalyzeParams, 'contrast'> }

/**
 * The choices of "Explain Why Not…": the top alternatives other than the explained one (classifier labels,
 * LM tokens), each sent by id as `contrast`. Empty where a contrast does not apply (QA, a one-output head, no
 * prediction) or no other alternative is listed.
 */
export function contrastPicks(p: Prediction | null | undefined): ContrastPick[] {
  if (!p || p.head === 'questionAnswering') return [];
  return p.alternatives.filter((a) => a.index !== p.index).map((a) => ({
    label: a.label,
    description: `${percent(a.probability)}${p.contrast?.index === a.index ? ' — contrasted now' : ''}`,
    params: { contrast: String(a.index) },
  }));
}

/** Token-classification labels as editor decorations: each non-special token's predicted label and probability. */
export function tokenLabelDecorations(tokens: Token[], p: Prediction | null | undefined): { range: Range; text: string; hover: string }[] {
  if (!p || p.head !== 'tokenClassification' || !p.tokenLabels) return [];
  const out: { range: Range; text: string; hover: string }[] = [];
  for (const t of tokens) {
    const l = p.tokenLabels[t.index];
    if (!l || t.special) continue;
    out.push({ range: t.range, text: l.label, hover: `${l.label} ${percent(l.probability)}` });
  }
  return out;
}

/**
 * Question and context from the editor's selections: with two or more, the first (in document order) is
 * the question and the second the context (`contextRange`); with one, the server splits it at `|||`.
 */
export function questionAndContext(selections: Range[]): { range: Range; contextRange?: Range } | undefined {
  const nonEmpty = selections.filter((s) => s.start.line !== s.end.line || s.start.character !== s.end.character)
    .sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character);
  const [first, second] = nonEmpty;
  if (!first) return undefined;
  return second ? { range: first, contextRange: second } : { range: first };
}
