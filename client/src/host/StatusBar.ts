// The status-bar item: the active model, the server's state and memory use; clicking it picks a model.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { formatBytes } from '../shared/modelPicks';
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
  private memory: number | undefined;

  constructor() {
    this.item.name = 'Attention Lens';
    this.item.command = 'attentionLens.selectModel';
    this.render();
    this.item.show();
  }

  setModel(model: string): void { this.model = model; this.render(); }
  setState(state: ServerState): void { this.state = state; this.render(); }
  /** The server's resident memory (attentionLens/serverStats), or undefined when unknown. */
  setMemory(rssBytes: number | undefined): void { this.memory = rssBytes; this.render(); }

  private render(): void {
    const name = this.model ? basename(this.model.replace(/[\\/]+$/, '')) : 'no model';
    const memory = this.memory !== undefined && this.state === 'running' ? formatBytes(this.memory) : '';
    this.item.text = `${stateIcon[this.state]} ${name}${memory ? ` · ${memory}` : ''}`;
    this.item.tooltip = `Attention Lens — model: ${this.model || 'none (click to choose)'}; server: ${this.state}${memory ? `, using ${memory} of memory` : ''}`;
    this.item.backgroundColor = this.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void { this.item.dispose(); }
}
