// What every panel draws: a compact, already-validated view of one analysis (or one comparison),
// built on the host from the server's result so that the webviews never see protocol details.
// Matrices become arrays of rows here because every panel reads them a layer at a time.

import type { PredictionView } from './prediction';

/** A method that gives one score per token: any name of the server's registry (docs/methods.md).
 * Panels draw every method generically; only the labels and the display order are known here. */
export type ScoreMethod = string;
/** Display order of the methods the client has labels for; others follow in the server's order. */
export const scoreMethods: readonly ScoreMethod[] = ['influence', 'rollout', 'flow', 'attention', 'valueNorms', 'alti', 'globenc', 'valueZeroing',
  'saliency', 'inputXGradient', 'integratedGradients', 'attentionXGradient', 'gradRollout'];

export const scoreMethodLabels: Record<ScoreMethod, string> = {
  influence: 'Influence (traced graph)',
  rollout: 'Attention rollout',
  flow: 'Attention flow (max-flow)',
  attention: 'Raw attention (last layer)',
  valueNorms: 'Value-weighted norms',
  alti: 'ALTI (Ferrando et al. 2022)',
  globenc: 'GlobEnc (Modarressi et al. 2022)',
  valueZeroing: 'Value zeroing (Mohebbi et al. 2023)',
  saliency: 'Gradient saliency ‖∂y/∂e‖',
  inputXGradient: 'Input × gradient',
  integratedGradients: 'Integrated gradients (Sundararajan et al. 2017)',
  attentionXGradient: 'Attention × gradient',
  gradRollout: 'Gradient-weighted rollout (Chefer et al. 2021)',
};

/** The label of a method; an unknown (newer) method shows its protocol name. */
export function methodLabel(method: ScoreMethod): string {
  return scoreMethodLabels[method] ?? method;
}

/** The methods present in a score map: the known display order first, then any others. */
export function methodsIn(scores: Partial<Record<ScoreMethod, unknown>>): ScoreMethod[] {
  const present = Object.keys(scores).filter((m) => scores[m] !== undefined);
  return [...scoreMethods.filter((m) => present.includes(m)), ...present.filter((m) => !scoreMethods.includes(m))];
}

/** The logit lens at the target, layer 0 = embeddings (docs/methods.md#logitlens). */
export interface LogitLensView {
  predicted: string;
  layers: { layer: number; top: string[]; topProbabilities: number[]; predictedProbability: number; predictedRank: number }[];
}

export interface ViewToken { index: number; text: string; special: boolean }

/** A traced edge with heads merged: node (layer, from) attends to node (layer − 1, to). */
export interface LayerEdge { layer: number; from: number; to: number; weight: number }

/** In a comparison, whether an edge is traced in both models or only in one. */
export type EdgeClass = 'shared' | 'onlyA' | 'onlyB';
export const edgeClasses: readonly EdgeClass[] = ['shared', 'onlyA', 'onlyB'];
export interface ClassifiedEdge extends LayerEdge { edgeClass: EdgeClass }

export interface ComparisonView {
  modelA: string;
  modelB: string;
  sameTokenization: boolean;
  /** Why edges cannot be compared, when the tokenizations differ. */
  reason: string | null;
  edges: ClassifiedEdge[];
}

export interface AnalysisView {
  /** The model's display name (model A in a comparison). */
  model: string;
  /** What the scores explain (label and probability, token, QA span edge); null for a bare body. */
  prediction: PredictionView | null;
  tokens: ViewToken[];
  layers: number;
  heads: number;
  target: number;
  /** The method chosen in the settings; panels show it first. */
  method: ScoreMethod;
  scores: Partial<Record<ScoreMethod, number[]>>;
  /** Spearman ρ of each method against leave-one-out occlusion; null where undefined. */
  faithfulness: Partial<Record<ScoreMethod, number | null>>;
  /** ERASER AOPC per method: comprehensiveness (higher = more faithful), sufficiency (lower = more faithful). */
  comprehensiveness: Partial<Record<ScoreMethod, number>>;
  sufficiency: Partial<Record<ScoreMethod, number>>;
  /** Requested methods the model could not supply, with the server's reason. */
  unavailable: Record<string, string>;
  logitLens: LogitLensView | null;
  /** Information-flow routes to the target: the strongest edges first, states named for display. */
  routes: {
    threshold: number;
    edges: { from: string; to: string; weight: number }[];
    /** The edges into each layer's attention states, as layer edges: in layer l, position `from` read `to`
     * (from = to: the residual and the position's own attention, merged as the authors merge them). */
    attentionEdges: LayerEdge[];
  } | null;
  faithfulnessTarget: string | null;
  /** L rows of T: the target's rollout after each layer. */
  rolloutByLayer: number[][] | null;
  /** L rows of T: the target's normalised flow from each layer. */
  flowByLayer: number[][] | null;
  /** Traced edges (§6), heads merged. */
  edges: LayerEdge[];
  /** L rows of T: Σ_j N[l][i, j], the value-weighted norm each position receives (Kobayashi et al. 2020). */
  received: number[][] | null;
  comparison: ComparisonView | null;
}
