// What the webview entry point asks of every view. One class per panel implements it.
import type { AnalysisView } from '../shared/analysisView';
import type { LayerAttention } from '../shared/messages';

export interface PanelView {
  render(view: AnalysisView): void;
  /** Highlights a token chosen elsewhere (editor or another panel), or clears with null. */
  select(index: number | null): void;
  /** Per-head attention the view asked for with `requestAttention`. */
  attention?(attention: LayerAttention): void;
  attentionError?(layer: number, message: string): void;
  /** The drawing as a standalone SVG document (colours resolved, no theme variables left). */
  exportSvg(): string;
  /** Stops timers and animations before the view is replaced. */
  dispose(): void;
}
