// The language server's lifecycle: finds dotnet and the server, checks for the .NET 10 runtime,
// starts `dotnet attention-lens.dll serve` over stdio through vscode-languageclient, restarts it
// when it dies (telling the user), and forwards our settings. Requests go through `request`, which
// starts the server on first use so that opening VS Code costs nothing until someone analyses.
import * as vscode from 'vscode';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  CloseAction, DidChangeConfigurationNotification, ErrorAction, LanguageClient, State, WorkDoneProgress,
  type LanguageClientOptions, type ServerOptions, type RequestType, type WorkDoneProgressBegin,
  type WorkDoneProgressReport, type WorkDoneProgressEnd,
} from 'vscode-languageclient/node';
import { dotnetInstallUrl, hasRequiredRuntime, missingRuntimeMessage, parseRuntimes } from '../shared/dotnetRuntimes';
import { RestartPolicy } from '../shared/restartPolicy';
import { expandPath, serverSettingsOf, type Settings } from '../shared/settings';

export type ServerState = 'stopped' | 'starting' | 'running' | 'failed';

/** Raised when the server cannot be started; the message says what to do, `actions` offer the fix. */
export class ServerStartError extends Error {
  constructor(message: string, readonly actions: ReadonlyArray<{ title: string; run: () => void }>) { super(message); }
}


export type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly restarts = new RestartPolicy();
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private currentState: ServerState = 'stopped';

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly output: vscode.OutputChannel,
    private readonly settings: () => Settings,
  ) {}

  get state(): ServerState { return this.currentState; }

  private setState(state: ServerState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateEmitter.fire(state);
  }

  /** Sends a typed request, starting the server first if needed. */
  async request<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.ensureStarted();
    return token ? client.sendRequest(type, params, token) : client.sendRequest(type, params);
  }

  /** Routes `$/progress` for a work-done token we put in a request's params. */
  async onProgress(token: string, handler: (value: ProgressValue) => void): Promise<vscode.Disposable> {
    const client = await this.ensureStarted();
    return client.onProgress(WorkDoneProgress.type, token, handler);
  }

  async ensureStarted(): Promise<LanguageClient> {
    if (this.client && this.client.state === State.Running) return this.client;
    if (!this.starting) {
      this.starting = this.start().finally(() => { this.starting = undefined; });
    }
    return this.starting;
  }

  /** Tells a running server about changed settings; a stopped one gets them when it starts. */
  async sendSettings(): Promise<void> {
    if (!this.client || this.client.state !== State.Running) return;
    await this.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { attentionLens: serverSettingsOf(this.settings()) } });
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts.reset();
    await this.ensureStarted();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      try { await client.stop(); } catch (e) { this.output.appendLine(`Stopping the server: ${String(e)}`); }
      await client.dispose();
    }
    this.setState('stopped');
  }

  private async start(): Promise<LanguageClient> {
    this.setState('starting');
    try {
      const settings = this.settings();
      const dotnet = settings.dotnetPath ? expandPath(settings.dotnetPath, this.workspaceFolder(), homedir()) : 'dotnet';
      const server = this.serverPath(settings);
      const command = server.toLowerCase().endsWith('.dll') ? { command: dotnet, args: [server, 'serve'] } : { command: server, args: ['serve'] };
      if (command.command === dotnet) await this.checkRuntime(dotnet);
      // A client that stopped for good (restarts exhausted) is replaced, not reused.
      if (this.client) { const old = this.client; this.client = undefined; void old.dispose().catch(() => undefined); }
      const client = this.createClient(command, settings);
      this.client = client;
      await client.start();
      this.setState('running');
      this.output.appendLine(`Server started: ${command.command} ${command.args.join(' ')}`);
      return client;
    } catch (e) {
      this.setState('failed');
      throw e;
    }
  }

  private workspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  /** The configured server, or the one packaged with the extension. */
  private serverPath(settings: Settings): string {
    const configured = settings.serverPath ? expandPath(settings.serverPath, this.workspaceFolder(), homedir()) : '';
    const path = configured || join(this.extensionUri.fsPath, 'dist', 'server', 'attention-lens.dll');
    if (!existsSync(path)) {
      const why = configured
        ? `attentionLens.serverPath is ${configured}, which does not exist.`
        : `The packaged server ${path} is missing (a development checkout needs \`npm run build:server\`).`;
      throw new ServerStartError(`Attention Lens cannot start its server. ${why} Point attentionLens.serverPath at attention-lens.dll.`,
        [{ title: 'Open Settings', run: () => void vscode.commands.executeCommand('workbench.action.openSettings', 'attentionLens.serverPath') }]);
    }
    return path;
  }

  private checkRuntime(dotnet: string): Promise<void> {
    const install = { title: 'Install .NET', run: () => void vscode.env.openExternal(vscode.Uri.parse(dotnetInstallUrl)) };
    const setPath = { title: 'Set dotnet Path', run: () => void vscode.commands.executeCommand('workbench.action.openSettings', 'attentionLens.dotnetPath') };
    return new Promise((resolve, reject) => {
      execFile(dotnet, ['--list-runtimes'], { timeout: 20000 }, (error, stdout) => {
        if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(new ServerStartError(`Attention Lens needs .NET 10, but "${dotnet}" was not found. Install the .NET 10 runtime, or set attentionLens.dotnetPath to the dotnet executable.`, [install, setPath]));
          return;
        }
        const runtimes = parseRuntimes(stdout ?? '');
        if (!hasRequiredRuntime(runtimes)) {
          reject(new ServerStartError(missingRuntimeMessage(runtimes), [install, setPath]));
          return;
        }
        resolve();
      });
    });
  }

  private createClient(command: { command: string; args: string[] }, settings: Settings): LanguageClient {
    const serverOptions: ServerOptions = { command: command.command, args: command.args, options: { env: { ...process.env, DOTNET_NOLOGO: '1' } } };
    const clientOptions: LanguageClientOptions = {
      // Every text document may be analysed, so the server mirrors them all; hover answers only
      // inside an analysed range.
      documentSelector: [{ scheme: 'file' }, { scheme: 'untitled' }],
      initializationOptions: serverSettingsOf(settings),
      outputChannel: this.output,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => this.onClosed(),
      },
    };
    const client = new LanguageClient('attentionLens', 'Attention Lens', serverOptions, clientOptions);
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) this.setState('running');
      else if (e.newState === State.Starting) this.setState('starting');
    });
    return client;
  }

  /** The server process ended: restart it a few times, then stop and let the user decide. */
  private onClosed(): { action: CloseAction; handled: boolean } {
    if (this.restarts.shouldRestart(Date.now())) {
      this.setState('starting');
      void vscode.window.showWarningMessage('The Attention Lens server stopped unexpectedly and is being restarted. Open analyses must be run again.', 'Show Log')
        .then((choice) => { if (choice === 'Show Log') this.output.show(); });
      return { action: CloseAction.Restart, handled: true };
    }
    this.setState('failed');
    void vscode.window.showErrorMessage(`The Attention Lens server stopped ${this.restarts.maxRestarts + 1} times in ${this.restarts.windowMs / 60000} minutes and will not be restarted automatically.`, 'Restart Server', 'Show Log')
      .then((choice) => {
        if (choice === 'Restart Server') void this.restart();
        else if (choice === 'Show Log') this.output.show();
      });
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  dispose(): void {
    void this.stop();
    this.stateEmitter.dispose();
  }
}
