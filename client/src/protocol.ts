// The Attention Lens protocol as the client sees it: one file mirroring the server's records
// (server/Protocol/*.cs, described in docs/protocol.md). Requests are typed `RequestType`s so a call
// site cannot send the wrong params or misread a result. Field names are listed again as runtime
// values (`*Fields`), checked by the compiler to be exactly the keys of each interface, so that a
// unit test can compare them with docs/protocol.md and fail when the two sides drift.
import { RequestType } from 'vscode-languageserver-protocol';

export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }
export interface TextDocumentIdentifier { uri: string }

/** Dense row-major matrix as it travels: never nested lists. */
export interface Matrix { rows: number; cols: number; data: number[] }

export type HeadReductionName = 'mean' | 'max' | 'min' | 'sum';
/** Every method the server's registry knows (docs/methods.md), then faithfulness; a test enumerates the
 * core's MethodRegistry against this list. */
export type AnalysisMethodName = 'attention' | 'rollout' | 'flow' | 'influence' | 'valueNorms' | 'alti' | 'globenc' | 'valueZeroing' | 'logitLens' | 'routes'
  | 'saliency' | 'inputXGradient' | 'integratedGradients' | 'attentionXGradient' | 'gradRollout' | 'faithfulness';
export const analysisMethodNames: readonly AnalysisMethodName[] = ['attention', 'rollout', 'flow', 'influence', 'valueNorms', 'alti', 'globenc', 'valueZeroing', 'logitLens', 'routes', 'saliency', 'inputXGradient', 'integratedGradients', 'attentionXGradient', 'gradRollout', 'faithfulness'];
/** Methods the editor leaves out of its requests: integrated gradients runs m + 2 forward and backward passes
 * (docs/methods.md#integratedgradients), so it is asked for explicitly (protocol `methods`, CLI `--methods`). */
export const optInMethodNames: readonly AnalysisMethodName[] = ['integratedGradients'];
/** The methods an editor analysis requests: every method but the opt-in ones. */
export const editorMethodNames: readonly AnalysisMethodName[] = analysisMethodNames.filter((m) => !optInMethodNames.includes(m));
/** `target`: a token index, or the first / last token, resolved by the server after tokenizing. */
export type TargetChoiceParam = number | 'first' | 'last';

export interface AnalyzeOptions {
  headReduction?: HeadReductionName;
  heads?: number[];
  residual?: boolean;
  tau?: number;
  alpha?: number;
  /** Include per-layer matrices (rolloutByLayer, flow.byLayer, influence.byLayer…). */
  layers?: boolean;
  maxTokens?: number;
  receptiveFieldNormalisation?: boolean;
  /** Integrated gradients: points on the path (midpoint rule), default 32. */
  igSteps?: number;
  /** Integrated gradients' baseline embedding, default zero. */
  igBaseline?: 'zero' | 'pad' | 'mask';
}

export interface AnalyzeParams {
  textDocument: TextDocumentIdentifier;
  range: Range;
  /** A model id from listModels, or a checkpoint folder path. */
  model: string;
  /** Token whose prediction is explained; default first (encoders) or last (decoders). */
  target?: TargetChoiceParam;
  /** An editor position: the (non-special) token containing it becomes the target. */
  targetPosition?: Position;
  methods?: AnalysisMethodName[];
  options?: AnalyzeOptions;
  /** Explain this label (id2label name or id; for LMs a token or vocabulary id) instead of the prediction. */
  label?: string;
  /** Contrastive: explain "the prediction (or label) rather than this" label or token (docs/methods.md#contrastive). */
  contrast?: string;
  /** Question answering: explain the end of the predicted span (default its start). */
  qaEnd?: boolean;
  /** Question answering: the context's range when question (`range`) and context are two selections;
   * omitted = the selection is split at the first `|||`. */
  contextRange?: Range;
  /** Causal LMs: token ids appended after the selection's tokens (a continuation from attentionLens/generate),
   * to explain a generated token with the prefix before it. */
  continuation?: number[];
  workDoneToken?: string | number;
}

export interface ModelDescriptor {
  id: string; path: string; architecture: string; modelType: string;
  layers: number; heads: number; parameterCount: number; isCausal: boolean;
}

/** A token and its range in the document (an empty range at its position for special tokens). */
export interface Token { index: number; id: number; text: string; range: Range; special: boolean }

/** A traced edge (docs/methods.md §6): in layer 1..L and a head, position `from` attends to `to` with weight ≥ τ. */
export interface Edge { layer: number; head: number; from: number; to: number; weight: number }

export interface FlowScores { raw: number[]; normalised: number[]; shapley: number[]; shapleyTotal: number; byLayer?: Matrix | null }
export interface InfluenceScores { scores: number[]; edges: Edge[]; byLayer?: Matrix | null; counts?: Matrix | null }
export interface ValueNormScores { scores: number[]; received: Matrix; emitted: Matrix; headValueNorms?: Matrix | null; targetWeightedHeadNorms?: Matrix | null }
/** Spearman ρ per method name (null where undefined: a constant score vector), and ERASER AOPC
 * comprehensiveness (higher = more faithful) and sufficiency (lower = more faithful). */
export interface FaithfulnessScores {
  occlusion: number[]; targetDescription: string; spearman: Record<string, number | null>;
  comprehensiveness: Record<string, number>; sufficiency: Record<string, number>;
}
/** GlobEnc's rolled-out target row before normalisation. */
export interface GlobEncDetail { raw: number[] }
/** One layer of the logit lens: layer 0 = embeddings. */
export interface LogitLensLayer { layer: number; topIds: number[]; topTokens: string[]; topProbabilities: number[]; predictedProbability: number; predictedRank: number }
export interface LogitLensDetail { predicted: number; predictedText: string; layers: LogitLensLayer[] }
/** A residual-stream state of the routes graph: the embedding, after a layer's attention, its FFN, or its output. */
export type RouteNodeKind = 'token' | 'attention' | 'ffn' | 'output';
export interface RouteEdge { fromKind: RouteNodeKind; fromLayer: number; fromToken: number; toKind: RouteNodeKind; toLayer: number; toToken: number; weight: number }
export interface RoutesDetail { threshold: number; edges: RouteEdge[] }

/** The head whose prediction is explained (docs/protocol.md#prediction). */
export type PredictionHead = 'causalLM' | 'maskedLM' | 'sequenceClassification' | 'tokenClassification' | 'questionAnswering';
/** A candidate: label id, vocabulary id or (QA) token position, its name/text and softmax probability. */
export interface PredictionCandidate { index: number; label: string; probability: number }
/** Extractive QA's predicted span: first and last token (inclusive), document range and text. */
export interface AnswerSpan { start: number; end: number; range: Range; text: string }
/** What the analysis explains: the label/token/span edge at `position`, whether it was chosen (params.label)
 * or predicted, the top alternatives there and, for token classifiers, every token's predicted label. */
export interface Prediction {
  head: PredictionHead; position: number; index: number; label: string; probability?: number | null;
  chosen: boolean; spanEnd: boolean; description: string; alternatives: PredictionCandidate[];
  span?: AnswerSpan | null; tokenLabels?: PredictionCandidate[] | null;
  /** A contrastive analysis's alternative B: the scores explain "label rather than B". */
  contrast?: PredictionCandidate | null;
}
/** A gradient method's detail (docs/methods.md#gradients): y and its value; integrated gradients' path and completeness gap. */
export interface GradientDetail {
  quantity: string; value: number; baseline?: string | null; steps?: number | null; rule?: string | null;
  baselineValue?: number | null; attributionSum?: number | null; completenessGap?: number | null; relativeGap?: number | null;
  headScores?: Matrix | null;
}

export interface AnalyzeResult {
  analysisId: string;
  model: ModelDescriptor;
  tokens: Token[];
  layers: number;
  heads: number;
  target: number;
  rollout: Matrix;
  rolloutByLayer?: Matrix | null;
  /** Method name → the target's token scores (every method that ran; rollout always). */
  scores: Record<string, number[]>;
  /** Method name → (L × T) the target's scores after each layer (with options.layers). */
  scoresByLayer?: Record<string, Matrix> | null;
  /** Method name → why a requested method could not run on this model. */
  unavailable?: Record<string, string> | null;
  flow?: FlowScores | null;
  influence?: InfluenceScores | null;
  valueNorms?: ValueNormScores | null;
  globenc?: GlobEncDetail | null;
  logitLens?: LogitLensDetail | null;
  routes?: RoutesDetail | null;
  faithfulness?: FaithfulnessScores | null;
  /** Gradient method → its detail (the differentiated quantity; integrated gradients' completeness gap). */
  gradients?: Record<string, GradientDetail> | null;
  /** The prediction explained; absent for a bare body. */
  prediction?: Prediction | null;
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}

export interface AttentionParams { analysisId: string; layer?: number; head?: number }
/** The (T × T) softmax attention of one head; row = query, column = key. Layer is 1..L. */
export interface HeadMatrix { layer: number; head: number; rows: number; cols: number; data: number[] }
export interface AttentionResult { analysisId: string; tokens: number; matrices: HeadMatrix[] }

export interface CompareParams {
  textDocument: TextDocumentIdentifier;
  range: Range;
  modelA: string;
  modelB: string;
  target?: TargetChoiceParam;
  targetPosition?: Position;
  methods?: AnalysisMethodName[];
  options?: AnalyzeOptions;
  workDoneToken?: string | number;
}

/** Edge sets are present only when both models tokenize the text the same way. */
/** A unit of the two tokenizations' character alignment: its range and the tokens of each model in it. */
export interface AlignedUnit { range: Range; tokensA: number[]; tokensB: number[] }
/** Per-unit scores of one method in both models, and B − A. */
export interface ScoreComparison { a: number[]; b: number[]; difference: number[] }
export interface Comparison {
  sameTokenization: boolean;
  units: AlignedUnit[];
  scores: Record<string, ScoreComparison>;
  sharedEdges: Edge[];
  onlyA: Edge[];
  onlyB: Edge[];
  /** How scores were merged over aligned units (the server's sentence). */
  merge: string;
}
export interface CompareResult { a: AnalyzeResult; b: AnalyzeResult; difference: Comparison }

export interface ListModelsParams {
  /** The editor's workspace folders: checkpoint folders inside them are listed too (source `workspace`). */
  workspaceFolders?: string[];
}
export type ModelSource = 'settings' | 'workspace' | 'huggingFaceCache' | 'bundled';
export interface ModelEntry {
  id: string; path: string; source: ModelSource;
  architecture?: string | null; modelType?: string | null;
  layers?: number | null; heads?: number | null; parameterCount?: number | null;
  hasTokenizer: boolean; loaded: boolean; problem?: string | null;
  /** The weight files' size on disk. */
  sizeBytes?: number | null;
}
export interface ListModelsResult { models: ModelEntry[] }

/** The `attentionLens` settings object sent as initializationOptions and didChangeConfiguration. */
export interface ServerSettings {
  modelPaths?: string[];
  memoryBudgetMb?: number;
  maxTokens?: number;
  useHuggingFaceCache?: boolean;
  huggingFaceCache?: string;
  hoverMethod?: string;
  maxConcurrentAnalyses?: number;
  /** Defaults of attentionLens/generate. */
  generation?: GenerationSettings;
}

export interface GenerationSettings { maxNewTokens?: number; temperature?: number; topP?: number }

export interface GenerateParams {
  textDocument: TextDocumentIdentifier;
  range: Range;
  model: string;
  /** 1..4096; default the generation setting. */
  maxNewTokens?: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  seed?: number;
  workDoneToken?: string | number;
}
/** A generated token: `index` its position in the whole sequence, `text` its share of the continuation. */
export interface GeneratedToken { index: number; id: number; text: string; probability: number }
export type StopReason = 'maxNewTokens' | 'endOfText' | 'contextFull';
export interface GenerateResult {
  model: ModelDescriptor;
  prompt: Token[];
  tokens: GeneratedToken[];
  text: string;
  stopReason: StopReason;
  stopToken?: string | null;
  keyValueCache: boolean;
  seed?: number | null;
  timings: Record<string, number>;
}

export type ServerStatsParams = Record<string, never>;
export interface ServerStatsResult {
  rssBytes: number; peakRssBytes: number; managedBytes: number; budgetBytes: number; cachedModelBytes: number;
  loadedModels: string[]; storedAnalyses: number; activeRequests: number; keptAttentionBytes: number;
}

export const ListModelsRequest = new RequestType<ListModelsParams, ListModelsResult, void>('attentionLens/listModels');
export const AnalyzeRequest = new RequestType<AnalyzeParams, AnalyzeResult, void>('attentionLens/analyze');
export const AttentionRequest = new RequestType<AttentionParams, AttentionResult, void>('attentionLens/attention');
export const CompareRequest = new RequestType<CompareParams, CompareResult, void>('attentionLens/compare');
export const GenerateRequest = new RequestType<GenerateParams, GenerateResult, void>('attentionLens/generate');
export const ServerStatsRequest = new RequestType<ServerStatsParams, ServerStatsResult, void>('attentionLens/serverStats');

/** Every custom method the client calls. */
export const customMethods: readonly string[] = [ListModelsRequest.method, AnalyzeRequest.method, AttentionRequest.method, CompareRequest.method, GenerateRequest.method, ServerStatsRequest.method];

/** Application error codes (outside JSON-RPC's reserved -32768..-32000). */
export const ErrorCodes = {
  RequestCancelled: -32800,
  ModelNotFound: 1001,
  NotAModel: 1002,
  TooManyTokens: 1003,
  AnalysisNotFound: 1004,
  DocumentNotOpen: 1005,
  MemoryBudgetExceeded: 1006,
  InvalidInput: 1007,
  NotAvailable: 1008,
} as const;

/** Returns the keys of an object literal that the compiler checks to be exactly the keys of T. */
function fieldsOf<T>() {
  return <K extends Record<keyof T, true>>(keys: K & Record<Exclude<keyof K, keyof T>, never>): string[] => Object.keys(keys);
}

/** Field names per record, by the record's name on the server. */
export const protocolFields: Record<string, string[]> = {
  AnalyzeParams: fieldsOf<AnalyzeParams>()({ textDocument: true, range: true, model: true, target: true, targetPosition: true, methods: true, options: true, label: true, contrast: true, qaEnd: true, contextRange: true, continuation: true, workDoneToken: true }),
  AnalyzeOptions: fieldsOf<AnalyzeOptions>()({ headReduction: true, heads: true, residual: true, tau: true, alpha: true, layers: true, maxTokens: true, receptiveFieldNormalisation: true, igSteps: true, igBaseline: true }),
  AnalyzeResult: fieldsOf<AnalyzeResult>()({ analysisId: true, model: true, tokens: true, layers: true, heads: true, target: true, rollout: true, rolloutByLayer: true, scores: true, scoresByLayer: true, unavailable: true, flow: true, influence: true, valueNorms: true, globenc: true, logitLens: true, routes: true, faithfulness: true, gradients: true, prediction: true, timings: true }),
  PredictionDto: fieldsOf<Prediction>()({ head: true, position: true, index: true, label: true, probability: true, chosen: true, spanEnd: true, description: true, alternatives: true, span: true, tokenLabels: true, contrast: true }),
  GradientDetailDto: fieldsOf<GradientDetail>()({ quantity: true, value: true, baseline: true, steps: true, rule: true, baselineValue: true, attributionSum: true, completenessGap: true, relativeGap: true, headScores: true }),
  PredictionCandidateDto: fieldsOf<PredictionCandidate>()({ index: true, label: true, probability: true }),
  AnswerSpanDto: fieldsOf<AnswerSpan>()({ start: true, end: true, range: true, text: true }),
  ModelDescriptor: fieldsOf<ModelDescriptor>()({ id: true, path: true, architecture: true, modelType: true, layers: true, heads: true, parameterCount: true, isCausal: true }),
  TokenDto: fieldsOf<Token>()({ index: true, id: true, text: true, range: true, special: true }),
  MatrixDto: fieldsOf<Matrix>()({ rows: true, cols: true, data: true }),
  EdgeDto: fieldsOf<Edge>()({ layer: true, head: true, from: true, to: true, weight: true }),
  FlowDto: fieldsOf<FlowScores>()({ raw: true, normalised: true, shapley: true, shapleyTotal: true, byLayer: true }),
  InfluenceDto: fieldsOf<InfluenceScores>()({ scores: true, edges: true, byLayer: true, counts: true }),
  ValueNormsDto: fieldsOf<ValueNormScores>()({ scores: true, received: true, emitted: true, headValueNorms: true, targetWeightedHeadNorms: true }),
  AlignedUnitDto: fieldsOf<AlignedUnit>()({ range: true, tokensA: true, tokensB: true }),
  ScoreComparisonDto: fieldsOf<ScoreComparison>()({ a: true, b: true, difference: true }),
  FaithfulnessDto: fieldsOf<FaithfulnessScores>()({ occlusion: true, targetDescription: true, spearman: true, comprehensiveness: true, sufficiency: true }),
  GlobEncDto: fieldsOf<GlobEncDetail>()({ raw: true }),
  LogitLensDto: fieldsOf<LogitLensDetail>()({ predicted: true, predictedText: true, layers: true }),
  RoutesDto: fieldsOf<RoutesDetail>()({ threshold: true, edges: true }),
  RouteEdgeDto: fieldsOf<RouteEdge>()({ fromKind: true, fromLayer: true, fromToken: true, toKind: true, toLayer: true, toToken: true, weight: true }),
  LogitLensLayerDto: fieldsOf<LogitLensLayer>()({ layer: true, topIds: true, topTokens: true, topProbabilities: true, predictedProbability: true, predictedRank: true }),
  AttentionParams: fieldsOf<AttentionParams>()({ analysisId: true, layer: true, head: true }),
  AttentionResult: fieldsOf<AttentionResult>()({ analysisId: true, tokens: true, matrices: true }),
  HeadMatrixDto: fieldsOf<HeadMatrix>()({ layer: true, head: true, rows: true, cols: true, data: true }),
  CompareParams: fieldsOf<CompareParams>()({ textDocument: true, range: true, modelA: true, modelB: true, target: true, targetPosition: true, methods: true, options: true, workDoneToken: true }),
  CompareResult: fieldsOf<CompareResult>()({ a: true, b: true, difference: true }),
  ComparisonDto: fieldsOf<Comparison>()({ sameTokenization: true, units: true, scores: true, sharedEdges: true, onlyA: true, onlyB: true, merge: true }),
  ListModelsResult: fieldsOf<ListModelsResult>()({ models: true }),
  ListModelsParams: fieldsOf<ListModelsParams>()({ workspaceFolders: true }),
  ModelEntry: fieldsOf<ModelEntry>()({ id: true, path: true, source: true, architecture: true, modelType: true, layers: true, heads: true, parameterCount: true, hasTokenizer: true, loaded: true, problem: true, sizeBytes: true }),
  ServerSettings: fieldsOf<ServerSettings>()({ modelPaths: true, memoryBudgetMb: true, maxTokens: true, useHuggingFaceCache: true, huggingFaceCache: true, hoverMethod: true, maxConcurrentAnalyses: true, generation: true }),
  GenerationSettings: fieldsOf<GenerationSettings>()({ maxNewTokens: true, temperature: true, topP: true }),
  GenerateParams: fieldsOf<GenerateParams>()({ textDocument: true, range: true, model: true, maxNewTokens: true, temperature: true, topP: true, seed: true, workDoneToken: true }),
  GeneratedTokenDto: fieldsOf<GeneratedToken>()({ index: true, id: true, text: true, probability: true }),
  GenerateResult: fieldsOf<GenerateResult>()({ model: true, prompt: true, tokens: true, text: true, stopReason: true, stopToken: true, keyValueCache: true, seed: true, timings: true }),
  ServerStatsResult: fieldsOf<ServerStatsResult>()({ rssBytes: true, peakRssBytes: true, managedBytes: true, budgetBytes: true, cachedModelBytes: true, loadedModels: true, storedAnalyses: true, activeRequests: true, keptAttentionBytes: true }),
};
