// Per-head attention of the analysis on screen, for the Heads and Layer Graph panels: asked of the
// server once per analysis (shared/attentionCache.ts). Its own object, so that the panels get it
// without going through the commands.
import { AttentionRequest } from '../protocol';
import { AttentionCache } from '../shared/attentionCache';
import type { LayerAttention } from '../shared/messages';
import type { AnalysisSession } from './AnalysisSession';
import type { ServerConnection } from './ServerConnection';

export class SessionAttention {
  private readonly cache: AttentionCache;

  constructor(server: ServerConnection, private readonly session: AnalysisSession) {
    this.cache = new AttentionCache((params) => server.request(AttentionRequest, params));
  }

  /** Layer `layer` (1..L) of the current analysis. */
  layer(layer: number): Promise<LayerAttention> {
    const current = this.session.current;
    if (!current) return Promise.reject(new Error('There is no analysis.'));
    const r = current.result;
    return this.cache.layer(r.analysisId, layer, r.layers * r.heads * r.tokens.length * r.tokens.length);
  }
}
