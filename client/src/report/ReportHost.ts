// The report page's stand-in for the extension host, one per analysis: a token chosen in one drawing
// is selected in every drawing of the same analysis (as the host echoes it to the other panels), and
// per-head attention comes from the JSON embedded in the page instead of a server request.
import type { LayerAttention, ViewToHostMessage } from '../shared/messages';
import type { PanelHost } from '../webview/PanelHost';
import type { PanelView } from '../webview/PanelView';

export class ReportHost {
  private readonly views: PanelView[] = [];

  constructor(private readonly attention: Map<number, LayerAttention> | null, private readonly attentionNote: string) {}

  /** Makes a view with its own PanelHost, so an attention answer goes back to the view that asked. */
  add<V extends PanelView>(create: (host: PanelHost) => V): V {
    let self: PanelView | undefined;
    const view = create({ send: (message) => this.receive(self, message) });
    self = view;
    this.views.push(view);
    return view;
  }

  private receive(from: PanelView | undefined, message: ViewToHostMessage): void {
    switch (message.type) {
      case 'tokenSelected':
        for (const view of this.views) view.select(message.index);
        return;
      case 'requestAttention': {
        // Answered on a later microtask, as a real host's message would be: views ask while rendering.
        const layer = message.layer;
        queueMicrotask(() => {
          const a = this.attention?.get(layer);
          if (a && a.heads > 0) from?.attention?.(a);
          else from?.attentionError?.(layer, this.attentionNote);
        });
        return;
      }
      default:
        // 'ready' and exports belong to VS Code panels; a report page has nothing to do with them.
        return;
    }
  }
}
