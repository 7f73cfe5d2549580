// The registry of views: every kind of drawing the extension opens as a panel and the standalone
// report mounts, with its title and the command that shows it. The extension host reads this table
// (panel titles, the "Show …" commands); the browser bundles extend it with how each view is made
// (webview/viewRegistry.ts, typed by the same kinds, so a kind added here fails to compile until it
// has a view). Adding a view is one line here and one there, plus its command in package.json
// (client/test/manifest.test.ts checks that).

export type ViewKind = 'tokenRings' | 'flowTrace' | 'heads' | 'layerGraph' | 'influence';

export interface ViewSpec {
  kind: ViewKind;
  /** The panel's tab title and the first words of its heading. */
  title: string;
  /** The command that opens (or reveals) the panel. */
  command: string;
}

export const viewSpecs: { readonly [K in ViewKind]: ViewSpec & { kind: K } } = {
  // Token Rings: the target at the centre, one ring per layer out to the input tokens, the traced edges between rings (after DeRose et al. 2020); in a comparison, edges by which model traces them.
  tokenRings: { kind: 'tokenRings', title: 'Token Rings', command: 'attentionLens.showTokenRings' },
  // Flow Trace: input tokens at the bottom, layers upward, the target at the top; edges coloured and sized by attention, played layer by layer.
  flowTrace: { kind: 'flowTrace', title: 'Flow Trace', command: 'attentionLens.showFlowTrace' },
  // Heads: a layer × head grid of attention heatmaps; a head opens its full heatmap with values on hover (BertViz's model and head views).
  heads: { kind: 'heads', title: 'Heads', command: 'attentionLens.showHeads' },
  // Layer Graph: one force-directed graph per layer: node size the value-weighted norm received, edges the strongest attention.
  layerGraph: { kind: 'layerGraph', title: 'Layer Graph', command: 'attentionLens.showLayerGraph' },
  // Influence: the token scores of the chosen method as bars, with each method's faithfulness beside them.
  influence: { kind: 'influence', title: 'Influence', command: 'attentionLens.showInfluence' },
};

/** Every view kind, in the order panels and reports show them. */
export const viewKinds: readonly ViewKind[] = ['tokenRings', 'flowTrace', 'heads', 'layerGraph', 'influence'];

/** The view of a "Show …" command id, if it is one. */
export function viewOfCommand(command: string): ViewKind | undefined {
  return viewKinds.find((k) => viewSpecs[k].command === command);
}
