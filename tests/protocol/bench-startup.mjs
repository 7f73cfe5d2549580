// Benchmark (not a test): server startup (spawn → initialize answered) and the first analysis
// (didOpen + attentionLens/analyze of stories260K, model load included) through the real npm
// client over stdio, for two builds interleaved round by round so both see the same machine load.
// ATTENTION_LENS_SERVER is the build measured, ATTENTION_LENS_SERVER_BASELINE the one it is
// compared with; BENCH_RUNS rounds (default 9). Prints medians, ranges and ratios; asserts nothing.
// Besides wall time it reports the server's CPU time (all its threads, from /proc/<pid>/task/*/schedstat,
// Linux only) up to the initialize answer and during the first analysis: on a shared, loaded machine
// wall time mostly measures waiting for a core, CPU time the work each build does. The summary also
// gives the machine's load averages before and after the rounds.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as rpc from 'vscode-jsonrpc/node.js';
import { stories } from './helpers.mjs';

const runs = Number(process.env.BENCH_RUNS || 9);
const builds = { baseline: process.env.ATTENTION_LENS_SERVER_BASELINE, current: process.env.ATTENTION_LENS_SERVER };
if (!builds.baseline || !builds.current) throw new Error('set ATTENTION_LENS_SERVER and ATTENTION_LENS_SERVER_BASELINE');
const text = 'Once upon a time, there was a little girl named Lily. She liked to play outside.';

/** CPU time (ms) of every live thread of process `pid` so far; NaN where /proc is unavailable. */
function cpuMs(pid) {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]); } catch { /* thread ended */ }
    }
    return ns / 1e6;
  } catch {
    return NaN;
  }
}

async function once(dll) {
  const t0 = performance.now();
  const proc = spawn('dotnet', [dll, 'serve'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const exited = new Promise((resolve) => proc.on('exit', resolve));
  const c = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
  c.listen();
  await c.sendRequest('initialize', { processId: process.pid, capabilities: {}, initializationOptions: { useHuggingFaceCache: false } });
  const startup = performance.now() - t0;
  const cpuStartup = cpuMs(proc.pid);
  await c.sendNotification('initialized', {});
  await c.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///b.txt', languageId: 'plaintext', version: 1, text } });
  const t1 = performance.now();
  await c.sendRequest('attentionLens/analyze', {
    textDocument: { uri: 'file:///b.txt' }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: text.length } },
    model: stories, methods: ['rollout', 'influence'],
  });
  const firstAnalysis = performance.now() - t1;
  const cpuFirstAnalysis = cpuMs(proc.pid) - cpuStartup;
  await c.sendRequest('shutdown');
  await c.sendNotification('exit');
  await exited;
  c.dispose();
  return { startup, firstAnalysis, total: startup + firstAnalysis, cpuStartup, cpuFirstAnalysis };
}

const results = { baseline: [], current: [] };
const loadBefore = loadavg().map((x) => +x.toFixed(2)); // 1, 5 and 15-minute load averages: how shared the machine was
await once(builds.baseline); await once(builds.current); // warm the file cache
for (let i = 0; i < runs; i++) {
  for (const name of i % 2 ? ['current', 'baseline'] : ['baseline', 'current']) {
    const r = await once(builds[name]);
    results[name].push(r);
    console.log(JSON.stringify({ round: i + 1, build: name, startupMs: +r.startup.toFixed(1), firstAnalysisMs: +r.firstAnalysis.toFixed(1) }));
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const summary = {};
for (const key of ['startup', 'firstAnalysis', 'total', 'cpuStartup', 'cpuFirstAnalysis']) {
  const b = median(results.baseline.map((r) => r[key]));
  const c = median(results.current.map((r) => r[key]));
  const range = (xs) => [+Math.min(...xs).toFixed(1), +Math.max(...xs).toFixed(1)];
  summary[key] = {
    baselineMedianMs: +b.toFixed(1), currentMedianMs: +c.toFixed(1), currentOverBaseline: +(c / b).toFixed(3),
    baselineRangeMs: range(results.baseline.map((r) => r[key])), currentRangeMs: range(results.current.map((r) => r[key])),
  };
}
console.log(JSON.stringify({ benchmark: 'server startup and first analysis (stories260K), interleaved', runs, loadAverage: { before: loadBefore, after: loadavg().map((x) => +x.toFixed(2)) }, ...summary }));
