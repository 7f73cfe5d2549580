// The view registry of the browser bundles: shared/viewSpecs.ts (title, command) plus how each view
// is made. The panels' entry point (main.ts) and the report's (../report/main.ts) both create views
// from this table only; it is the one place a view class is named.
import { viewSpecs, type ViewKind, type ViewSpec } from '../shared/viewSpecs';
import type { PanelHost } from './PanelHost';
import type { PanelView } from './PanelView';
import { FlowTraceView } from './views/FlowTraceView';
import { HeadsView } from './views/HeadsView';
import { InfluenceView } from './views/InfluenceView';
import { LayerGraphView } from './views/LayerGraphView';
import { TokenRingsView } from './views/TokenRingsView';

export interface ViewEntry extends ViewSpec {
  create(root: HTMLElement, host: PanelHost): PanelView;
}

export const viewRegistry: { readonly [K in ViewKind]: ViewEntry } = {
  tokenRings: { ...viewSpecs.tokenRings, create: (r, h) => new TokenRingsView(r, h) },
  flowTrace: { ...viewSpecs.flowTrace, create: (r, h) => new FlowTraceView(r, h) },
  heads: { ...viewSpecs.heads, create: (r, h) => new HeadsView(r, h) },
  layerGraph: { ...viewSpecs.layerGraph, create: (r, h) => new LayerGraphView(r, h) },
  influence: { ...viewSpecs.influence, create: (r, h) => new InfluenceView(r, h) },
};
