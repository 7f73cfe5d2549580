// "Attention Lens: Continue and Explain": generates a continuation of the selection with the active
// model (attentionLens/generate: greedy by default, the attentionLens.generation.* settings), shows
// it in the GenerationPanel (a view in the Explorer side bar) without touching the document, explains a generated token when it is
// clicked (the selection + the tokens before it, target = the position that wrote it), and inserts
// the continuation after the selection on request.
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { basename } from 'node:path';
import { GenerateRequest, analysisMethodNames, type GenerateResult, type Range } from '../protocol';
import { explainParams, generationView } from '../shared/generation';
import { activeModel, analyzeOptionsOf, expandPath, type Settings } from '../shared/settings';
import type { Commands } from './Commands';
import { GenerationPanel } from './GenerationPanel';
import type { ServerConnection } from './ServerConnection';

interface Continuation { documentUri: vscode.Uri; range: Range; model: string; result: GenerateResult }

export class ContinueAndExplain implements vscode.Disposable {
  private readonly panel: GenerationPanel;
  private current: Continuation | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly server: ServerConnection,
    private readonly commands: Commands,
    private readonly settings: () => Settings,
    private readonly output: vscode.OutputChannel,
  ) {
    this.panel = new GenerationPanel(extensionUri, { explain: (k) => void this.explain(k), insert: () => void this.insert() });
  }

  async run(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage('Attention Lens: select the text to continue first.');
      return;
    }
    const configured = activeModel(this.settings());
    if (!configured) {
      void vscode.window.showErrorMessage('Attention Lens: no model is configured (attentionLens.defaultModel).', 'Add Model…')
        .then((c) => { if (c) void vscode.commands.executeCommand('attentionLens.addModel'); });
      return;
    }
    const model = expandPath(configured, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, homedir());
    const s = editor.selection;
    const range: Range = { start: { line: s.start.line, character: s.start.character }, end: { line: s.end.line, character: s.end.character } };
    const documentUri = editor.document.uri;
    const result = await this.commands.withProgress(`Continuing with ${basename(model)}`, (token, workDoneToken) =>
      this.server.request(GenerateRequest, { textDocument: { uri: documentUri.toString() }, range, model, workDoneToken }, token));
    if (!result) return;
    this.current = { documentUri, range, model, result };
    const view = generationView(result);
    this.output.appendLine(`Continued with ${result.model.id}: ${view.summary}`);
    await this.panel.show(view);
  }

  /** Explains generated token k: input = selection + tokens 0…k−1, target = the last of them, label = token k. */
  private async explain(k: number): Promise<void> {
    const c = this.current;
    if (!c || k >= c.result.tokens.length) return;
    this.panel.markExplaining(k);
    const settings = this.settings();
    await this.commands.runAnalysis(c.documentUri, explainParams({
      textDocument: { uri: c.documentUri.toString() }, range: c.range, model: c.model,
      methods: [...analysisMethodNames], options: analyzeOptionsOf(settings),
    }, c.result, k));
  }

  /** Puts the continuation's text right after the selection it continues. */
  private async insert(): Promise<void> {
    const c = this.current;
    if (!c) return;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(c.documentUri, new vscode.Position(c.range.end.line, c.range.end.character), c.result.text);
    if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showErrorMessage('Attention Lens: the continuation could not be inserted (the document changed or is read-only).');
  }

  dispose(): void {
    this.panel.dispose();
  }
}
