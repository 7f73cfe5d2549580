// Turns the server's results into the view every panel draws. Pure: tested without VS Code.
import type { AnalyzeResult, CompareResult, RouteNodeKind } from '../protocol';
import type { AnalysisView, ScoreMethod } from './analysisView';
import { methodsIn } from './analysisView';
import { classifyEdges, mergeHeads } from './graph';
import { rowsOf } from './heads';
import { predictionView } from './prediction';

/** A short name for a model: the folder name when the id is a path (ids may be whole paths). */
export function displayModelName(id: string): string {
  const parts = id.split(/[\\/]+/).filter((p) => p.length > 0);
  return parts.length > 0 ? (parts[parts.length - 1] as string) : id;
}

/** The per-token scores of each method present in the result, for its target. */
export function scoresOf(result: AnalyzeResult): Partial<Record<ScoreMethod, number[]>> {
  const t = result.target;
  const scores: Partial<Record<ScoreMethod, number[]>> = {};
  for (const [method, s] of Object.entries(result.scores ?? {})) {
    if (Array.isArray(s) && s.length === result.tokens.length) scores[method] = s;
  }
  if (!scores['rollout']) {
    const rolloutRow = result.rollout.data.slice(t * result.rollout.cols, (t + 1) * result.rollout.cols);
    if (rolloutRow.length === result.tokens.length) scores['rollout'] = rolloutRow;
  }
  return scores;
}

/** The scores to show for `preferred`, falling back to influence, then rollout (always computed). */
export function chosenMethod(scores: Partial<Record<ScoreMethod, number[]>>, preferred: ScoreMethod): ScoreMethod {
  if (scores[preferred]) return preferred;
  return scores['influence'] ? 'influence' : 'rollout';
}

export function buildView(result: AnalyzeResult, preferred: ScoreMethod): AnalysisView {
  const scores = scoresOf(result);
  const faithfulness: Partial<Record<ScoreMethod, number | null>> = {};
  const comprehensiveness: Partial<Record<ScoreMethod, number>> = {};
  const sufficiency: Partial<Record<ScoreMethod, number>> = {};
  if (result.faithfulness) {
    for (const m of methodsIn(scores)) {
      const rho = result.faithfulness.spearman[m];
      if (rho !== undefined) faithfulness[m] = rho;
      const c = result.faithfulness.comprehensiveness?.[m];
      if (c !== undefined) comprehensiveness[m] = c;
      const s = result.faithfulness.sufficiency?.[m];
      if (s !== undefined) sufficiency[m] = s;
    }
  }
  const lens = result.logitLens;
  const routes = result.routes;
  const tokenText = (i: number) => result.tokens[i]?.text ?? String(i);
  return {
    model: displayModelName(result.model.id),
    prediction: predictionView(result.prediction),
    tokens: result.tokens.map((t) => ({ index: t.index, text: t.text, special: t.special })),
    layers: result.layers,
    heads: result.heads,
    target: result.target,
    method: chosenMethod(scores, preferred),
    scores,
    faithfulness,
    comprehensiveness,
    sufficiency,
    unavailable: result.unavailable ?? {},
    logitLens: lens ? {
      predicted: lens.predictedText,
      layers: lens.layers.map((l) => ({ layer: l.layer, top: l.topTokens, topProbabilities: l.topProbabilities, predictedProbability: l.predictedProbability, predictedRank: l.predictedRank })),
    } : null,
    routes: routes ? {
      threshold: routes.threshold,
      edges: [...routes.edges].sort((a, b) => b.weight - a.weight).map((e) => ({
        from: routeNodeName(e.fromKind, e.fromLayer, tokenText(e.fromToken)),
        to: routeNodeName(e.toKind, e.toLayer, tokenText(e.toToken)),
        weight: e.weight,
      })),
      attentionEdges: routes.edges.filter((e) => e.toKind === 'attention')
        .map((e) => ({ layer: e.toLayer, from: e.toToken, to: e.fromToken, weight: e.weight })),
    } : null,
    faithfulnessTarget: result.faithfulness?.targetDescription ?? null,
    rolloutByLayer: result.rolloutByLayer ? rowsOf(result.rolloutByLayer) : null,
    flowByLayer: result.flow?.byLayer ? rowsOf(result.flow.byLayer) : null,
    edges: result.influence ? mergeHeads(result.influence.edges) : [],
    received: result.valueNorms ? rowsOf(result.valueNorms.received) : null,
    comparison: null,
  };
}

/** A routes node for display: `embedding “x”`, `L2 attention “x”`, `L2 FFN “x”`, `L2 output “x”`. */
export function routeNodeName(kind: RouteNodeKind, layer: number, token: string): string {
  if (kind === 'token') return `embedding “${token}”`;
  return `L${layer} ${kind === 'attention' ? 'attention' : kind === 'ffn' ? 'FFN' : 'output'} “${token}”`;
}

/** Model A's view with the comparison's classified edges; the edge sets exist only for equal tokenizations. */
export function buildComparisonView(result: CompareResult, preferred: ScoreMethod): AnalysisView {
  const view = buildView(result.a, preferred);
  const d = result.difference;
  view.comparison = {
    modelA: displayModelName(result.a.model.id),
    modelB: displayModelName(result.b.model.id),
    sameTokenization: d.sameTokenization,
    reason: d.sameTokenization ? null : d.merge,
    edges: d.sameTokenization ? classifyEdges(d.sharedEdges ?? [], d.onlyA ?? [], d.onlyB ?? []) : [],
  };
  return view;
}
