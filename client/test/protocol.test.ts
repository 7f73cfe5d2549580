// Fails when client/src/protocol.ts and the server's protocol drift apart: every record the client
// mirrors must have exactly the server's JSON field names, every method the client calls must be one
// the server defines, error codes must agree, and docs/protocol.md (when present) must mention them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCodes, customMethods, protocolFields } from '../src/protocol';
import { intConstants, recordFields, stringConstants } from './csharpRecords';
import { repoRoot } from './repoRoot';

const protocolDir = process.env['ATTENTION_LENS_SERVER_PROTOCOL'] ?? join(repoRoot(), 'server', 'Protocol');

function serverSources(): string[] {
  assert.ok(existsSync(protocolDir), `the server's protocol records are not at ${protocolDir}; the client mirrors them and cannot be checked without them`);
  return readdirSync(protocolDir).filter((f) => f.endsWith('.cs')).map((f) => readFileSync(join(protocolDir, f), 'utf8'));
}

test('csharpRecords reads positional and property records', () => {
  const fields = recordFields(`
    /// <summary>x</summary>
    public sealed record A(int Index, IReadOnlyDictionary<string, double?> Spearman, string? Problem = null);
    public sealed record B { public required string AnalysisId { get; init; } public int? Layer { get; init; } public static int Ignored = 1; }`);
  assert.deepEqual(fields.get('A'), ['index', 'spearman', 'problem']);
  assert.deepEqual(fields.get('B'), ['analysisId', 'layer']);
  assert.deepEqual(stringConstants('const string Prefix = "p/"; const string X = Prefix + "x";').get('X'), 'p/x');
});

test('every record the client mirrors has exactly the server\'s fields', () => {
  const server = new Map<string, string[]>();
  for (const source of serverSources()) for (const [name, fields] of recordFields(source)) server.set(name, fields);
  const problems: string[] = [];
  for (const [record, clientFields] of Object.entries(protocolFields)) {
    const serverFields = server.get(record);
    if (!serverFields) { problems.push(`${record}: not found in ${protocolDir}`); continue; }
    const missing = serverFields.filter((f) => !clientFields.includes(f));
    const extra = clientFields.filter((f) => !serverFields.includes(f));
    if (missing.length) problems.push(`${record}: the server has ${missing.join(', ')} that client/src/protocol.ts lacks`);
    if (extra.length) problems.push(`${record}: client/src/protocol.ts has ${extra.join(', ')} that the server does not`);
  }
  assert.deepEqual(problems, []);
});

test('every method the client calls is defined by the server', () => {
  const methods = new Set<string>();
  for (const source of serverSources()) for (const value of stringConstants(source).values()) methods.add(value);
  const unknown = customMethods.filter((m) => !methods.has(m));
  assert.deepEqual(unknown, [], `server methods: ${[...methods].join(', ')}`);
});

test('the client\'s error codes have the server\'s values', () => {
  const codes = new Map<string, number>();
  for (const source of serverSources()) for (const [k, v] of intConstants(source)) codes.set(k, v);
  const wrong = Object.entries(ErrorCodes).filter(([name, value]) => codes.get(name) !== value).map(([name, value]) => `${name}: client ${value}, server ${codes.get(name)}`);
  assert.deepEqual(wrong, []);
});

test('docs/protocol.md names every method and field the client uses', (t) => {
  const doc = join(repoRoot(), 'docs', 'protocol.md');
  if (!existsSync(doc)) { t.diagnostic('docs/protocol.md is not in this checkout; the records were checked against the C# sources'); return; }
  const text = readFileSync(doc, 'utf8');
  const missing = [...customMethods, ...new Set(Object.values(protocolFields).flat())].filter((name) => !new RegExp(`\\b${name.replace(/[/$]/g, '\\$&')}\\b`).test(text));
  assert.deepEqual(missing, [], 'names in client/src/protocol.ts that docs/protocol.md does not mention');
});
