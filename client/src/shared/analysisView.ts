// What every panel draws: a compact, already-validated view of one analysis (or one comparison),
// built on the host from the server's result so that the webviews never see protocol details.
// Matrices become arrays of rows here because every panel reads them a layer at a time.

/** The methods that give one score per token (faithfulness is a check of them, not a score). */
export type ScoreMethod = 'attention' | 'rollout' | 'flow' | 'influence' | 'valueNorms';
export const scoreMethods: readonly ScoreMethod[] = ['influence', 'rollout', 'flow', 'attention', 'valueNorms'];

export const scoreMethodLabels: Record<ScoreMethod, string> = {
  influence: 'Influence (traced graph)',
  rollout: 'Attention rollout',
  flow: 'Attention flow (max-flow)',
  attention: 'Raw attention (last layer)',
  valueNorms: 'Value-weighted norms',
};

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
  tokens: ViewToken[];
  layers: number;
  heads: number;
  target: number;
  /** The method chosen in the settings; panels show it first. */
  method: ScoreMethod;
  scores: Partial<Record<ScoreMethod, number[]>>;
  /** Spearman ρ of each method against leave-one-out occlusion; null where undefined. */
  faithfulness: Partial<Record<ScoreMethod, number | null>>;
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
