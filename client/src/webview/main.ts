// Entry point of the webview bundle: picks the view named on <body data-view>, then routes host
// messages to it. Unknown or malformed messages are ignored (parseHostMessage).
import { parseHostMessage, viewKinds, type ViewKind } from '../shared/messages';
import { vscodeHost } from './hostBridge';
import type { PanelHost } from './PanelHost';
import type { PanelView } from './PanelView';
import { svgToPng } from './exportSvg';
import { viewRegistry } from './viewRegistry';

const root = document.getElementById('root') as HTMLElement;
const kind = document.body.dataset['view'] as ViewKind;
if (!viewKinds.includes(kind)) throw new Error(`unknown view ${String(kind)}`);

const host: PanelHost = vscodeHost();
const view: PanelView = viewRegistry[kind].create(root, host);

window.addEventListener('message', (event: MessageEvent) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  switch (message.type) {
    case 'analysis': view.render(message.view); return;
    case 'selectToken': view.select(message.index); return;
    case 'attention': view.attention?.(message.attention); return;
    case 'attentionError': view.attentionError?.(message.layer, message.message); return;
    case 'export': {
      const { format, requestId } = message;
      void (async () => {
        try {
          const svg = view.exportSvg();
          host.send({ type: 'exported', requestId, format, data: format === 'svg' ? svg : await svgToPng(svg) });
        } catch (e) {
          host.send({ type: 'exportFailed', requestId, message: e instanceof Error ? e.message : String(e) });
        }
      })();
      return;
    }
  }
});

host.send({ type: 'ready' });
