// A small analysis result, written by hand in the server's wire format, for tests of the host logic.
import type { AnalyzeResult, Edge, Token } from '../src/protocol';

export function token(index: number, text: string, line: number, start: number, special = false): Token {
  const end = special ? start : start + text.length;
  return { index, id: 100 + index, text, special, range: { start: { line, character: start }, end: { line, character: end } } };
}

/** "<s> Once upon" on line 2 from column 4: BOS (special, empty range) and two words. */
export function smallResult(edges: Edge[] = []): AnalyzeResult {
  const tokens = [token(0, '<s>', 2, 4, true), token(1, 'Once', 2, 4), token(2, ' upon', 2, 8)];
  return {
    analysisId: 'a1',
    model: { id: 'stories260K', path: '/m/stories260K', architecture: 'LlamaForCausalLM', modelType: 'llama', layers: 2, heads: 2, parameterCount: 260000, isCausal: true },
    tokens,
    layers: 2,
    heads: 2,
    target: 2,
    rollout: { rows: 3, cols: 3, data: [1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5] },
    rolloutByLayer: { rows: 2, cols: 3, data: [0.3, 0.3, 0.4, 0.2, 0.3, 0.5] },
    scores: { rollout: [0.2, 0.3, 0.5], attention: [0.1, 0.2, 0.7], flow: [1 / 6, 2 / 6, 3 / 6], influence: [0, 0.9, 1.8], valueNorms: [0.2, 0.3, 0.5], alti: [0.1, 0.3, 0.6] },
    flow: { raw: [1, 2, 3], normalised: [1 / 6, 2 / 6, 3 / 6], shapley: [1, 2, 3], shapleyTotal: 6, byLayer: { rows: 2, cols: 3, data: [0.2, 0.3, 0.5, 1 / 6, 2 / 6, 3 / 6] } },
    influence: { scores: [0, 0.9, 1.8], edges, byLayer: null, counts: null },
    valueNorms: { scores: [0.2, 0.3, 0.5], received: { rows: 2, cols: 3, data: [1, 2, 3, 4, 5, 6] }, emitted: { rows: 2, cols: 3, data: [1, 1, 1, 1, 1, 1] } },
    faithfulness: { occlusion: [0, 0.5, 1], targetDescription: 'log p(next)', spearman: { influence: 0.5, rollout: 1, flow: null, attention: -0.5, valueNorms: 0.5, alti: 0.9 },
      comprehensiveness: { influence: 0.4, rollout: 0.3, alti: 0.6 }, sufficiency: { influence: 0.1, rollout: 0.2, alti: 0.05 } },
    routes: { threshold: 0.04, edges: [{ fromKind: 'token', fromLayer: 0, fromToken: 1, toKind: 'attention', toLayer: 1, toToken: 2, weight: 0.3 }, { fromKind: 'attention', fromLayer: 1, fromToken: 2, toKind: 'output', toLayer: 1, toToken: 2, weight: 0.6 }] },
    logitLens: { predicted: 7, predictedText: ' time', layers: [{ layer: 0, topIds: [7, 3], topTokens: [' time', ' a'], topProbabilities: [0.6, 0.2], predictedProbability: 0.6, predictedRank: 0 }] },
    timings: { forward: 1, total: 2 },
  };
}
