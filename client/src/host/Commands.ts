// What each command does. extension.ts maps command ids to these methods (see commandTable).
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import {
  AnalyzeRequest, CompareRequest, ErrorCodes, ListModelsRequest,
  editorMethodNames, type AnalyzeParams, type CompareResult, type Range,
} from '../protocol';
import { buildComparisonView, buildView } from '../shared/buildView';
import type { ExportFormat } from '../shared/messages';
import { contrastPicks, labelPicks, questionAndContext, type ContrastPick, type LabelPick } from '../shared/prediction';
import { activeModel, analyzeOptionsOf, comparisonPartner, expandPath, targetParams, type Settings } from '../shared/settings';
import type { ViewKind } from '../shared/viewSpecs';
import type { AnalysisSession } from './AnalysisSession';
import type { Panels } from './Panels';
import { ServerConnection, ServerStartError } from './ServerConnection';

/** An error of a request: LSP's ResponseError carries `code`. */
interface CodedError { code?: number; message: string }

export class Commands {
  constructor(
    private readonly server: ServerConnection,
    private readonly session: AnalysisSession,
    private readonly panels: Panels,
    private readonly settings: () => Settings,
    private readonly output: vscode.OutputChannel,
  ) {}

  private expand(path: string): string {
    return expandPath(path, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, homedir());
  }

  /** The editor and its selection, or a message saying what is missing. */
  private selection(): { editor: vscode.TextEditor; range: Range } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('Attention Lens: select the text to analyse first.');
      return undefined;
    }
    const s = editor.selection;
    return { editor, range: { start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } } };
  }

  private requireModel(model: string, setting: string): string | undefined {
    if (model) return this.expand(model);
    void vscode.window.showErrorMessage(`Attention Lens: no model is configured (${setting}).`, 'Choose Model…')
      .then((c) => { if (c) void this.selectModel(); });
    return undefined;
  }

  async analyzeSelection(): Promise<void> {
    const sel = this.selection();
    if (!sel) return;
    const settings = this.settings();
    const model = this.requireModel(activeModel(settings), 'attentionLens.defaultModel');
    if (!model) return;
    // Two selections: question and context for a QA model (the server refuses them for other heads,
    // so they are sent only when there are two); one selection is analysed as it is.
    const ranges = questionAndContext(sel.editor.selections.map((s) => ({ start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } })));
    const params: AnalyzeParams = {
      textDocument: { uri: sel.editor.document.uri.toString() }, range: sel.range, model,
      methods: [...editorMethodNames], options: analyzeOptionsOf(settings),
      ...(ranges?.contextRange ? ranges : {}),
    };
    // The server resolves the target after tokenizing: one request, one forward pass.
    Object.assign(params, targetParams(settings.target, sel.editor.selection.active));
    await this.runAnalysis(sel.editor.document.uri, params);
  }

  async runAnalysis(documentUri: vscode.Uri, params: AnalyzeParams): Promise<void> {
    const settings = this.settings();
    const result = await this.withProgress(`Analysing with ${basename(params.model)}`, (token, workDoneToken) =>
      this.server.request(AnalyzeRequest, { ...params, workDoneToken }, token));
    if (!result) return;
    const view = buildView(result, settings.method);
    this.session.setAnalysis({ documentUri, result, comparison: null, view, params });
    const explained = view.prediction ? ` ${view.prediction.text}.` : '';
    this.output.appendLine(`Analysed ${result.tokens.length} tokens with ${result.model.id} in ${(result.timings['total'] ?? 0).toFixed(0)} ms.${explained}`);
    this.panels.show('tokenRings');
    this.panels.show('flowTrace');
  }

  /** "Explain another label": re-runs the current analysis for a label (or token, or QA span edge) picked
   * from the prediction's alternatives. */
  async explainAnotherLabel(): Promise<void> {
    const current = this.session.current;
    if (!current) { this.requireAnalysis(); return; }
    const picks = labelPicks(current.result.prediction);
    if (!current.params || picks.length === 0) {
      void vscode.window.showInformationMessage('Attention Lens: this analysis has no prediction to change (a bare model, or a comparison).');
      return;
    }
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { pick: LabelPick }>(
      picks.map((p) => ({ label: p.label, description: p.description, picked: p.picked, pick: p })),
      { placeHolder: `Explain another ${current.result.prediction?.head === 'questionAnswering' ? 'end of the answer' : 'label'} (${current.view.prediction?.text ?? ''})` });
    if (!picked) return;
    // A new label starts a plain (not contrastive) explanation: its contrast might be the new label itself.
    const { label: _label, qaEnd: _qaEnd, contrast: _contrast, ...rest } = current.params;
    await this.runAnalysis(current.documentUri, { ...rest, ...picked.pick.params });
  }

  /** "Explain Why Not…": re-runs the current analysis contrastively, "the prediction rather than B", with B picked
   * from the top-k alternatives (docs/methods.md#contrastive); the panels' caption then reads "A rather than B". */
  async explainWhyNot(): Promise<void> {
    const current = this.session.current;
    if (!current) { this.requireAnalysis(); return; }
    const picks = contrastPicks(current.result.prediction);
    if (!current.params || picks.length === 0) {
      void vscode.window.showInformationMessage('Attention Lens: this analysis has no alternative to contrast with (a bare model, a question-answering span, a one-output head, or a comparison).');
      return;
    }
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { pick: ContrastPick }>(
      picks.map((p) => ({ label: p.label, description: p.description, pick: p })),
      { placeHolder: `Why ${current.result.prediction?.label ?? 'this'} rather than…?` });
    if (!picked) return;
    const { contrast: _contrast, ...rest } = current.params;
    await this.runAnalysis(current.documentUri, { ...rest, ...picked.pick.params });
  }

  async compareModels(): Promise<void> {
    const sel = this.selection();
    if (!sel) return;
    const settings = this.settings();
    const modelA = this.requireModel(activeModel(settings), 'attentionLens.defaultModel');
    if (!modelA) return;
    let partner = comparisonPartner(settings);
    if (!partner) {
      partner = (await this.pickModel('Model to compare with')) ?? '';
      if (!partner) return;
    }
    const modelB = this.expand(partner);
    const target = targetParams(settings.target, sel.editor.selection.active);
    const result: CompareResult | undefined = await this.withProgress(`Comparing ${basename(modelA)} with ${basename(modelB)}`, (token, workDoneToken) =>
      this.server.request(CompareRequest, {
        textDocument: { uri: sel.editor.document.uri.toString() }, range: sel.range, modelA, modelB,
        methods: [...editorMethodNames], options: analyzeOptionsOf(settings), workDoneToken,
        ...target,
      }, token));
    if (!result) return;
    if (!result.difference.sameTokenization) {
      void vscode.window.showWarningMessage(`Attention Lens: the two models tokenize this text differently, so their edges cannot be compared. ${result.difference.merge}`);
    }
    this.session.setAnalysis({ documentUri: sel.editor.document.uri, result: result.a, comparison: result, view: buildComparisonView(result, settings.method) });
    this.panels.show('tokenRings');
  }

  /** Runs a request under a VS Code progress notification fed by the server's $/progress; errors become notifications. */
  async withProgress<T>(title: string, run: (token: vscode.CancellationToken, workDoneToken: string) => Promise<T>): Promise<T | undefined> {
    try {
      return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Attention Lens: ${title}`, cancellable: true }, async (progress, token) => {
        const workDoneToken = randomUUID();
        let last = 0;
        const subscription = await this.server.onProgress(workDoneToken, (value) => {
          if (value.kind === 'end') return;
          const percentage = value.percentage ?? last;
          progress.report({ message: value.message, increment: Math.max(0, percentage - last) });
          last = Math.max(last, percentage);
        });
        try { return await run(token, workDoneToken); } finally { subscription.dispose(); }
      });
    } catch (e) {
      this.reportError(e);
      return undefined;
    }
  }

  private reportError(e: unknown): void {
    if (e instanceof ServerStartError) {
      void vscode.window.showErrorMessage(e.message, ...e.actions.map((a) => a.title)).then((c) => e.actions.find((a) => a.title === c)?.run());
      return;
    }
    const err = e as CodedError;
    if (err.code === ErrorCodes.RequestCancelled) return;
    const message = `Attention Lens: ${err.message ?? String(e)}`;
    this.output.appendLine(message);
    switch (err.code) {
      case ErrorCodes.ModelNotFound:
      case ErrorCodes.NotAModel:
        void vscode.window.showErrorMessage(message, 'Choose Model…').then((c) => { if (c) void this.selectModel(); });
        return;
      case ErrorCodes.TooManyTokens:
        void vscode.window.showErrorMessage(message, 'Open Settings').then((c) => { if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'attentionLens.maxTokens'); });
        return;
      default:
        void vscode.window.showErrorMessage(message, 'Show Log').then((c) => { if (c) this.output.show(); });
    }
  }

  /** Offers the configured models (with what the server knows of them) and a folder picker. */
  private async pickModel(placeHolder: string): Promise<string | undefined> {
    const settings = this.settings();
    type Item = vscode.QuickPickItem & { path?: string; browse?: boolean };
    const items: Item[] = [];
    const known = new Set<string>();
    try {
      const listed = await this.server.request(ListModelsRequest, {});
      for (const m of listed.models) {
        known.add(m.path);
        items.push({ label: m.id, path: m.path, description: m.architecture ? `${m.architecture}, ${m.layers ?? '?'} layers × ${m.heads ?? '?'} heads` : '', detail: m.problem ? `${m.path} — ${m.problem}` : m.path });
      }
    } catch (e) {
      this.output.appendLine(`listModels failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const m of settings.models) {
      const path = this.expand(m);
      if (!known.has(path)) items.push({ label: basename(path), path, detail: path });
    }
    items.push({ label: '$(folder-opened) Browse for a model folder…', browse: true });
    const picked = await vscode.window.showQuickPick(items, { placeHolder });
    if (!picked) return undefined;
    if (!picked.browse) return picked.path;
    const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use this model' });
    const path = folder?.[0]?.fsPath;
    if (path && !settings.models.includes(path)) {
      await vscode.workspace.getConfiguration('attentionLens').update('models', [...settings.models, path], this.configTarget());
    }
    return path;
  }

  private configTarget(): vscode.ConfigurationTarget {
    return vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  }

  async selectModel(): Promise<void> {
    const path = await this.pickModel('Model for Attention Lens analyses');
    if (path) await vscode.workspace.getConfiguration('attentionLens').update('defaultModel', path, this.configTarget());
  }

  private requireAnalysis(): boolean {
    if (this.session.current) return true;
    void vscode.window.showInformationMessage('Attention Lens: analyse a selection first (Attention Lens: Analyze Selection).');
    return false;
  }

  /** "Show <view>": every view of the registry (shared/viewSpecs.ts) opens through here. */
  showView(kind: ViewKind): void { if (this.requireAnalysis()) this.panels.show(kind); }

  async exportView(format?: ExportFormat): Promise<void> {
    const panel = this.panels.exportTarget();
    if (!panel) { void vscode.window.showInformationMessage('Attention Lens: open a panel to export first.'); return; }
    const chosen: ExportFormat | undefined = format ?? (await vscode.window.showQuickPick<vscode.QuickPickItem & { format: ExportFormat }>(
      [{ label: 'SVG', format: 'svg' }, { label: 'PNG', format: 'png' }], { placeHolder: `Export ${panel.title} as` }))?.format;
    if (!chosen) return;
    try {
      const data = await panel.exportView(chosen);
      const uri = await vscode.window.showSaveDialog({ defaultUri: this.defaultExportUri(`attention-lens-${panel.kind}.${chosen}`), filters: { [chosen.toUpperCase()]: [chosen] } });
      if (!uri) return;
      const bytes = chosen === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
      await vscode.workspace.fs.writeFile(uri, bytes);
      void vscode.window.showInformationMessage(`Attention Lens: saved ${uri.fsPath}`);
    } catch (e) {
      this.reportError(e);
    }
  }

  async exportAnalysis(): Promise<void> {
    const current = this.session.current;
    if (!current) { this.requireAnalysis(); return; }
    const uri = await vscode.window.showSaveDialog({ defaultUri: this.defaultExportUri('attention-lens-analysis.json'), filters: { JSON: ['json'] } });
    if (!uri) return;
    const payload = current.comparison ?? current.result;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(JSON.stringify(payload, null, 2), 'utf8'));
    void vscode.window.showInformationMessage(`Attention Lens: saved ${uri.fsPath}`);
  }

  private defaultExportUri(name: string): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    return folder ? vscode.Uri.joinPath(folder, name) : undefined;
  }

  async restartServer(): Promise<void> {
    try { await this.server.restart(); } catch (e) { this.reportError(e); }
  }
}
