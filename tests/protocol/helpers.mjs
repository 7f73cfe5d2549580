// Shared helpers of the protocol suite: start the built server, connect the real npm
// vscode-jsonrpc client to its stdio, find ../shared, read the server's memory from /proc.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as rpc from 'vscode-jsonrpc/node.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

/** The shared reference data: $ATTENTION_LENS_SHARED, else ../shared beside the repository. */
export const sharedRoot = process.env.ATTENTION_LENS_SHARED || path.resolve(repoRoot, '..', 'shared');
export const shared = (...parts) => path.join(sharedRoot, ...parts);
export const stories = shared('models', 'stories260K');

/** The built server dll, set by run.sh. */
export function serverDll() {
  const dll = process.env.ATTENTION_LENS_SERVER;
  if (!dll || !existsSync(dll)) throw new Error(`ATTENTION_LENS_SERVER must name the built attention-lens.dll (got '${dll}'); run tests/protocol/run.sh`);
  return dll;
}

/** Starts `attention-lens serve`; collects stderr; resolves `exited` with the exit code. */
export function startServer(args = []) {
  const proc = spawn('dotnet', [serverDll(), 'serve', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d.toString(); });
  const exited = new Promise((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, exited, stderr: () => stderr };
}

/** A server with the npm client connected over stdio. */
export function startConnection(args = []) {
  const server = startServer(args);
  const connection = rpc.createMessageConnection(
    new rpc.StreamMessageReader(server.proc.stdout),
    new rpc.StreamMessageWriter(server.proc.stdin));
  const notifications = [];
  connection.onNotification((method, params) => notifications.push({ method, params }));
  // vscode-jsonrpc routes $/progress to per-token handlers, not to onNotification: register one
  // for every token the server asks to create.
  const created = [];
  const progress = [];
  connection.onRequest('window/workDoneProgress/create', (params) => {
    created.push(params.token);
    connection.onProgress(new rpc.ProgressType(), params.token, (value) => progress.push({ token: params.token, value }));
    return null;
  });
  connection.listen();
  return { ...server, connection, notifications, created, progress };
}

export async function initialize(connection, initializationOptions = {}) {
  const result = await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
    initializationOptions,
  });
  await connection.sendNotification('initialized', {});
  return result;
}

export async function shutdownAndExit(s) {
  await s.connection.sendRequest('shutdown');
  await s.connection.sendNotification('exit');
  const code = await withTimeout(s.exited, 10000, 'server did not exit');
  s.connection.dispose();
  return code;
}

export function openDocument(connection, uri, text, version = 1) {
  return connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version, text } });
}

/** The UTF-16 offset of LSP position `pos` in `text` (lines end at \n, \r\n or \r). */
export function offsetAt(text, pos) {
  let line = 0, i = 0;
  while (line < pos.line && i < text.length) {
    const c = text[i++];
    if (c === '\r' && text[i] === '\n') i++;
    if (c === '\n' || c === '\r') line++;
  }
  return i + pos.character;
}

/** VmRSS and VmHWM (peak) of a process, in bytes, from /proc/<pid>/status. */
export function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss: kb('VmRSS') * 1024, peak: kb('VmHWM') * 1024 };
}

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); }),
  ]);
}

/** LSP's RequestCancelled (vscode-jsonrpc alone does not name it). */
export const RequestCancelled = -32800;

export { rpc };
