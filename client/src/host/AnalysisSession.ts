// The analysis on screen and the selected token, shared by the editor decorations and every panel.
// Selection flows through here in both directions: a panel or the editor calls `selectToken`, and
// everyone else hears `onDidSelectToken` (with the source, so nobody echoes its own selection).
import * as vscode from 'vscode';
import type { AnalyzeParams, AnalyzeResult, CompareResult } from '../protocol';
import type { AnalysisView } from '../shared/analysisView';

export interface CurrentAnalysis {
  documentUri: vscode.Uri;
  /** Model A's result in a comparison. */
  result: AnalyzeResult;
  comparison: CompareResult | null;
  view: AnalysisView;
  /** The request that made a single-model analysis, to explain another label of it. */
  params?: AnalyzeParams;
}

export interface TokenSelection { index: number | null; source: string }

export class AnalysisSession implements vscode.Disposable {
  private analysis: CurrentAnalysis | undefined;
  private selected: number | null = null;
  private readonly analysisEmitter = new vscode.EventEmitter<CurrentAnalysis>();
  private readonly selectionEmitter = new vscode.EventEmitter<TokenSelection>();
  readonly onDidChangeAnalysis = this.analysisEmitter.event;
  readonly onDidSelectToken = this.selectionEmitter.event;

  get current(): CurrentAnalysis | undefined { return this.analysis; }
  get selectedToken(): number | null { return this.selected; }

  setAnalysis(analysis: CurrentAnalysis): void {
    this.analysis = analysis;
    this.selected = null;
    this.analysisEmitter.fire(analysis);
  }

  /** Selects a token (or clears with null); ignores indices outside the analysis and repeats. */
  selectToken(index: number | null, source: string): void {
    if (index !== null && (!this.analysis || index < 0 || index >= this.analysis.view.tokens.length)) return;
    if (index === this.selected) return;
    this.selected = index;
    this.selectionEmitter.fire({ index, source });
  }

  dispose(): void {
    this.analysisEmitter.dispose();
    this.selectionEmitter.dispose();
  }
}
