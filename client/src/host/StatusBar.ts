// The status-bar item: the active model and the server's state; clicking it picks a model.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ServerState } from './ServerConnection';

const stateIcon: Record<ServerState, string> = {
  stopped: '$(circle-outline)',
  starting: '$(loading~spin)',
  running: '$(pulse)',
  failed: '$(error)',
};

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('attentionLens.status', vscode.StatusBarAlignment.Right, 100);
  private model = '';
  private state: ServerState = 'stopped';

  constructor() {
    this.item.name = 'Attention Lens';
    this.item.command = 'attentionLens.selectModel';
    this.render();
    this.item.show();
  }

  setModel(model: string): void { this.model = model; this.render(); }
  setState(state: ServerState): void { this.state = state; this.render(); }

  private render(): void {
    const name = this.model ? basename(this.model.replace(/[\\/]+$/, '')) : 'no model';
    this.item.text = `${stateIcon[this.state]} ${name}`;
    this.item.tooltip = `Attention Lens — model: ${this.model || 'none (click to choose)'}; server: ${this.state}`;
    this.item.backgroundColor = this.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void { this.item.dispose(); }
}
