// Decorations over the analysed range: each token's background opacity follows its score for the
// chosen method (one decoration type per intensity step, created once), and the selected token gets
// an outline. Moving the cursor onto a token selects it in the panels.
import * as vscode from 'vscode';
import { intensitySteps, stepOpacity } from '../shared/colorScale';
import { decorationPlan, tokenAt } from '../shared/positions';
import { tokenLabelDecorations } from '../shared/prediction';
import type { AnalysisSession } from './AnalysisSession';
import type { Range } from '../protocol';

/** An amber that reads on light and dark backgrounds; only its opacity varies. */
const scoreRgb = '255, 153, 0';

export function toVsRange(r: Range): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export class EditorDecorations implements vscode.Disposable {
  private readonly stepTypes: vscode.TextEditorDecorationType[] = [];
  private readonly selectedType: vscode.TextEditorDecorationType;
  /** A token classifier's predicted label after each token (the text is per range, in renderOptions). */
  private readonly labelType: vscode.TextEditorDecorationType;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly session: AnalysisSession) {
    for (let step = 0; step < intensitySteps; step++) {
      this.stepTypes.push(vscode.window.createTextEditorDecorationType({
        backgroundColor: `rgba(${scoreRgb}, ${stepOpacity(step)})`,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
    this.selectedType = vscode.window.createTextEditorDecorationType({
      borderWidth: '1px', borderStyle: 'solid', borderColor: new vscode.ThemeColor('focusBorder'), borderRadius: '2px',
    });
    this.labelType = vscode.window.createTextEditorDecorationType({
      after: { color: new vscode.ThemeColor('editorCodeLens.foreground'), margin: '0 0 0 2px', fontStyle: 'italic' },
    });
    this.subscriptions.push(
      session.onDidChangeAnalysis(() => this.refresh()),
      session.onDidSelectToken((s) => { this.refreshSelection(); if (s.source !== 'editor') this.revealSelected(); }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      vscode.window.onDidChangeTextEditorSelection((e) => this.onSelection(e)),
    );
  }

  private editors(): vscode.TextEditor[] {
    const uri = this.session.current?.documentUri.toString();
    return uri ? vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri) : [];
  }

  refresh(): void {
    const current = this.session.current;
    const plan = current ? decorationPlan(current.result.tokens, current.view.scores[current.view.method] ?? []) : [];
    const labels = current ? tokenLabelDecorations(current.result.tokens, current.result.prediction).map((l): vscode.DecorationOptions => ({
      range: toVsRange(l.range), hoverMessage: l.hover, renderOptions: { after: { contentText: `‹${l.text}›` } },
    })) : [];
    for (const editor of vscode.window.visibleTextEditors) {
      const mine = current !== undefined && editor.document.uri.toString() === current.documentUri.toString();
      editor.setDecorations(this.labelType, mine ? labels : []);
      this.stepTypes.forEach((type, step) => {
        editor.setDecorations(type, mine ? plan.filter((p) => p.step === step).map((p) => toVsRange(p.range)) : []);
      });
    }
    this.refreshSelection();
  }

  private refreshSelection(): void {
    const current = this.session.current;
    const index = this.session.selectedToken;
    const token = current && index !== null ? current.result.tokens[index] : undefined;
    for (const editor of this.editors()) editor.setDecorations(this.selectedType, token && !token.special ? [toVsRange(token.range)] : []);
  }

  private revealSelected(): void {
    const current = this.session.current;
    const index = this.session.selectedToken;
    const token = current && index !== null ? current.result.tokens[index] : undefined;
    if (!token || token.special) return;
    for (const editor of this.editors()) editor.revealRange(toVsRange(token.range), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  /** A cursor (an empty selection) on an analysed token selects it; selecting text does not. */
  private onSelection(e: vscode.TextEditorSelectionChangeEvent): void {
    const current = this.session.current;
    if (!current || e.textEditor.document.uri.toString() !== current.documentUri.toString()) return;
    const selection = e.selections[0];
    if (!selection || !selection.isEmpty || e.kind === undefined) return;
    const token = tokenAt(current.result.tokens, { line: selection.active.line, character: selection.active.character });
    if (token) this.session.selectToken(token.index, 'editor');
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.stepTypes) t.dispose();
    this.selectedType.dispose();
    this.labelType.dispose();
  }
}
