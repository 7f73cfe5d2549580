// Wiring only: builds the services, registers the command table, and connects settings changes.
import * as vscode from 'vscode';
import { AnalysisSession } from './host/AnalysisSession';
import { Commands } from './host/Commands';
import { EditorDecorations } from './host/EditorDecorations';
import { Panels } from './host/Panels';
import { ServerConnection } from './host/ServerConnection';
import { StatusBar } from './host/StatusBar';
import { activeModel, readSettings, type Settings } from './shared/settings';

/** Every contributed command and what runs it; package.json lists the same ids (a unit test checks). */
export function commandTable(c: Commands): ReadonlyArray<[string, (...args: unknown[]) => unknown]> {
  return [
    ['attentionLens.analyzeSelection', () => c.analyzeSelection()],
    ['attentionLens.compareModels', () => c.compareModels()],
    ['attentionLens.explainAnotherLabel', () => c.explainAnotherLabel()],
    ['attentionLens.explainWhyNot', () => c.explainWhyNot()],
    ['attentionLens.selectModel', () => c.selectModel()],
    ['attentionLens.showHeads', () => c.showHeads()],
    ['attentionLens.showTokenRings', () => c.showTokenRings()],
    ['attentionLens.showFlowTrace', () => c.showFlowTrace()],
    ['attentionLens.showLayerGraph', () => c.showLayerGraph()],
    ['attentionLens.showInfluence', () => c.showInfluence()],
    ['attentionLens.exportView', () => c.exportView()],
    ['attentionLens.exportViewSvg', () => c.exportView('svg')],
    ['attentionLens.exportViewPng', () => c.exportView('png')],
    ['attentionLens.exportAnalysis', () => c.exportAnalysis()],
    ['attentionLens.restartServer', () => c.restartServer()],
  ];
}

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Attention Lens');
  let settings: Settings = loadSettings(output);
  const current = (): Settings => settings;

  const server = new ServerConnection(context.extensionUri, output, current);
  const session = new AnalysisSession();
  const statusBar = new StatusBar();
  let commands: Commands | undefined;
  const panels = new Panels(context.extensionUri, session, (layer) => (commands as Commands).layerAttention(layer));
  commands = new Commands(server, session, panels, current, output);
  const decorations = new EditorDecorations(session);

  statusBar.setModel(activeModel(settings));
  context.subscriptions.push(
    output, server, session, statusBar, panels, decorations,
    server.onDidChangeState((s) => statusBar.setState(s)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('attentionLens')) return;
      settings = loadSettings(output);
      statusBar.setModel(activeModel(settings));
      void server.sendSettings();
    }),
    ...commandTable(commands).map(([id, run]) => vscode.commands.registerCommand(id, run)),
  );
}

function loadSettings(output: vscode.OutputChannel): Settings {
  const config = vscode.workspace.getConfiguration('attentionLens');
  const { settings, problems } = readSettings((key) => config.get(key));
  for (const p of problems) output.appendLine(p);
  if (problems.length > 0) void vscode.window.showWarningMessage(problems.join(' '));
  return settings;
}

export function deactivate(): void {
  // Disposables registered in activate stop the server.
}
