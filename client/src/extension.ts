// Wiring only: builds the services, registers the command table, and connects settings changes.
import * as vscode from 'vscode';
import { AddModel } from './host/AddModel';
import { AnalysisSession } from './host/AnalysisSession';
import { Commands } from './host/Commands';
import { ContinueAndExplain } from './host/ContinueAndExplain';
import { EditorDecorations } from './host/EditorDecorations';
import { Panels } from './host/Panels';
import { ServerConnection } from './host/ServerConnection';
import { ServerMemory } from './host/ServerMemory';
import { SessionAttention } from './host/SessionAttention';
import { StatusBar } from './host/StatusBar';
import { activeModel, readSettings, type Settings } from './shared/settings';
import { viewKinds, viewSpecs } from './shared/viewSpecs';

/** Every contributed command and what runs it; package.json lists the same ids (a unit test checks).
 * The "Show …" command of each view comes from the view registry. */
export function commandTable(c: Commands, more: { continueAndExplain: ContinueAndExplain; addModel: AddModel }): ReadonlyArray<[string, (...args: unknown[]) => unknown]> {
  return [
    ['attentionLens.continueAndExplain', () => more.continueAndExplain.run()],
    ['attentionLens.addModel', () => more.addModel.run()],
    ['attentionLens.analyzeSelection', () => c.analyzeSelection()],
    ['attentionLens.compareModels', () => c.compareModels()],
    ['attentionLens.explainAnotherLabel', () => c.explainAnotherLabel()],
    ['attentionLens.explainWhyNot', () => c.explainWhyNot()],
    ['attentionLens.selectModel', () => c.selectModel()],
    ...viewKinds.map((kind): [string, () => unknown] => [viewSpecs[kind].command, () => c.showView(kind)]),
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
  const panels = new Panels(context.extensionUri, session, new SessionAttention(server, session));
  const commands = new Commands(server, session, panels, current, output);
  const decorations = new EditorDecorations(session);
  const continueAndExplain = new ContinueAndExplain(context.extensionUri, server, commands, current, output);
  const addModel = new AddModel(server, commands, current);
  const memory = new ServerMemory(server, (rss) => statusBar.setMemory(rss));

  statusBar.setModel(activeModel(settings));
  context.subscriptions.push(
    output, server, session, statusBar, panels, decorations, continueAndExplain, memory,
    server.onDidChangeState((s) => statusBar.setState(s)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('attentionLens')) return;
      settings = loadSettings(output);
      statusBar.setModel(activeModel(settings));
      void server.sendSettings();
    }),
    ...commandTable(commands, { continueAndExplain, addModel }).map(([id, run]) => vscode.commands.registerCommand(id, run)),
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
