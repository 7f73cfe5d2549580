// Polls the server's memory use (attentionLens/serverStats, its resident set from /proc) for the
// status bar: every 15 s while the server runs, and right after it starts; never starts it.
import * as vscode from 'vscode';
import { ServerStatsRequest } from '../protocol';
import type { ServerConnection, ServerState } from './ServerConnection';

export class ServerMemory implements vscode.Disposable {
  static readonly intervalMs = 15_000;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly server: ServerConnection, private readonly report: (rssBytes: number | undefined) => void) {
    this.timer = setInterval(() => void this.poll(), ServerMemory.intervalMs);
    this.subscription = server.onDidChangeState((s: ServerState) => {
      if (s === 'running') void this.poll();
      else report(undefined);
    });
  }

  /** Asks once, only of a running server. */
  async poll(): Promise<void> {
    if (this.server.state !== 'running') return;
    try {
      const stats = await this.server.request(ServerStatsRequest, {});
      this.report(stats.rssBytes);
    } catch {
      this.report(undefined);
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.subscription.dispose();
  }
}
