// Messages between the extension host and the panels' webviews, both directions, as discriminated
// unions on `type`. Both bundles import this file, so a message cannot be sent that the other side
// does not know how to read. Incoming messages are validated (`parse*`) because a webview's
// `postMessage` delivers whatever JSON it was given.
import type { AnalysisView } from './analysisView';

/** Which panel a webview draws (the host puts it on <body data-view>): the kinds of the view registry. */
export { viewKinds, type ViewKind } from './viewSpecs';

export type ExportFormat = 'svg' | 'png';

/** Per-head attention of one layer, rows = query, cols = key; `data` holds H blocks of T×T. */
export interface LayerAttention { layer: number; heads: number; tokens: number; data: number[] }

export type HostToViewMessage =
  | { type: 'analysis'; view: AnalysisView }
  | { type: 'selectToken'; index: number | null }
  | { type: 'attention'; attention: LayerAttention }
  | { type: 'attentionError'; layer: number; message: string }
  | { type: 'export'; format: ExportFormat; requestId: number };

export type ViewToHostMessage =
  | { type: 'ready' }
  | { type: 'tokenSelected'; index: number | null }
  | { type: 'requestAttention'; layer: number }
  | { type: 'exported'; requestId: number; format: ExportFormat; data: string }
  | { type: 'exportFailed'; requestId: number; message: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
function isFormat(value: unknown): value is ExportFormat {
  return value === 'svg' || value === 'png';
}

/** Accepts a message from a webview only if it has one of the known shapes; anything else is undefined. */
export function parseViewMessage(raw: unknown): ViewToHostMessage | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'tokenSelected':
      return raw.index === null || isIndex(raw.index) ? { type: 'tokenSelected', index: raw.index as number | null } : undefined;
    case 'requestAttention':
      return isIndex(raw.layer) && raw.layer >= 1 ? { type: 'requestAttention', layer: raw.layer } : undefined;
    case 'exported':
      return isIndex(raw.requestId) && isFormat(raw.format) && typeof raw.data === 'string'
        ? { type: 'exported', requestId: raw.requestId, format: raw.format, data: raw.data } : undefined;
    case 'exportFailed':
      return isIndex(raw.requestId) && typeof raw.message === 'string'
        ? { type: 'exportFailed', requestId: raw.requestId, message: raw.message } : undefined;
    default:
      return undefined;
  }
}

/** Accepts a message from the host; the view ignores anything it does not recognise. */
export function parseHostMessage(raw: unknown): HostToViewMessage | undefined {
  if (!isObject(raw)) return undefined;
  switch (raw.type) {
    case 'analysis':
      return isObject(raw.view) && Array.isArray(raw.view.tokens) ? { type: 'analysis', view: raw.view as unknown as AnalysisView } : undefined;
    case 'selectToken':
      return raw.index === null || isIndex(raw.index) ? { type: 'selectToken', index: raw.index as number | null } : undefined;
    case 'attention':
      return isObject(raw.attention) && Array.isArray(raw.attention.data) ? { type: 'attention', attention: raw.attention as unknown as LayerAttention } : undefined;
    case 'attentionError':
      return isIndex(raw.layer) && typeof raw.message === 'string' ? { type: 'attentionError', layer: raw.layer, message: raw.message } : undefined;
    case 'export':
      return isFormat(raw.format) && isIndex(raw.requestId) ? { type: 'export', format: raw.format, requestId: raw.requestId } : undefined;
    default:
      return undefined;
  }
}
