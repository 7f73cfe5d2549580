// "Attention Lens: Add Model…": asks the server for the checkpoints in the Hugging Face cache and in
// the workspace folders (attentionLens/listModels with workspaceFolders: the server walks the folders
// and reads configs and sizes), offers them in a quick pick (name, architecture, parameters, size,
// where), and adds the chosen one to attentionLens.models; it can then become the default model.
import * as vscode from 'vscode';
import { homedir } from 'node:os';
import { ListModelsRequest } from '../protocol';
import { modelPicks, type ModelPick } from '../shared/modelPicks';
import { expandPath, type Settings } from '../shared/settings';
import type { Commands } from './Commands';
import type { ServerConnection } from './ServerConnection';

export class AddModel {
  constructor(
    private readonly server: ServerConnection,
    private readonly commands: Commands,
    private readonly settings: () => Settings,
  ) {}

  async run(): Promise<void> {
    const workspaceFolders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    const listed = await this.commands.withProgress('Looking for models', (token) =>
      this.server.request(ListModelsRequest, { workspaceFolders }, token));
    if (!listed) return;
    const settings = this.settings();
    const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const configured = [...settings.models, settings.defaultModel].filter((m) => m).map((m) => expandPath(m, root, homedir()));
    const picks = modelPicks(listed.models.filter((m) => m.source !== 'bundled'), configured);
    if (picks.length === 0) {
      void vscode.window.showInformationMessage('Attention Lens: no checkpoints were found in the Hugging Face cache or the workspace (a model folder holds config.json). Use "Select Model" to browse for a folder.');
      return;
    }
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { pick: ModelPick }>(
      picks.map((p) => ({ label: p.label, description: p.description, detail: p.detail, pick: p })),
      { placeHolder: 'Add a model to attentionLens.models (Hugging Face cache and workspace)', matchOnDescription: true, matchOnDetail: true });
    if (!picked) return;
    const config = vscode.workspace.getConfiguration('attentionLens');
    const target = vscode.workspace.workspaceFolders ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    if (!picked.pick.added) await config.update('models', [...settings.models, picked.pick.path], target);
    const choice = await vscode.window.showInformationMessage(
      `Attention Lens: ${picked.pick.label} ${picked.pick.added ? 'is already in' : 'was added to'} attentionLens.models.`, 'Use as Default Model');
    if (choice) await config.update('defaultModel', picked.pick.path, target);
  }
}
