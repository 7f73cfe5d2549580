// Per-head attention of the current analysis, asked of the server once: Heads and Layer Graph read
// it layer by layer, and the server answers from its analysis session without a forward pass. All
// layers come in one request when the whole (L, H, T, T) tensor is small enough to travel as JSON;
// beyond that each layer is asked for once and kept.
import type { AttentionParams, AttentionResult } from '../protocol';
import type { LayerAttention } from './messages';
import { layerAttentionOf } from './heads';

/** Largest L·H·T² fetched in one request (2²¹ numbers ≈ 20 MB of JSON). */
export const allLayersLimit = 1 << 21;

export class AttentionCache {
  private analysisId: string | null = null;
  private all: Promise<AttentionResult> | null = null;
  private readonly layers = new Map<number, Promise<LayerAttention>>();

  constructor(private readonly fetch: (params: AttentionParams) => Promise<AttentionResult>) {}

  /** Layer `layer` (1..L) of analysis `analysisId` with `size` = L·H·T²; a new analysis drops the old one's. */
  layer(analysisId: string, layer: number, size: number): Promise<LayerAttention> {
    if (analysisId !== this.analysisId) {
      this.analysisId = analysisId;
      this.all = null;
      this.layers.clear();
    }
    let kept = this.layers.get(layer);
    if (!kept) {
      if (size <= allLayersLimit) {
        this.all ??= this.fetch({ analysisId });
        kept = this.all.then((r) => layerAttentionOf(r, layer));
      } else {
        kept = this.fetch({ analysisId, layer }).then((r) => layerAttentionOf(r, layer));
      }
      // A failed request is not kept: the next ask tries again.
      kept.catch(() => { if (this.layers.get(layer) === kept) this.layers.delete(layer); if (this.all && size <= allLayersLimit) this.all = null; });
      this.layers.set(layer, kept);
    }
    return kept;
  }
}
