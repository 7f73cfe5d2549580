// Malformed input over raw stdio: every fault is answered per JSON-RPC and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRaw } from './raw.mjs';
import { stories } from './helpers.mjs';

test('malformed input is answered and the server stays alive', async (t) => {
  const s = startRaw();
  try {
    const init = await s.request(1, 'initialize', { processId: null, capabilities: {} });
    assert.ok(init.result.capabilities);
    await s.notify('initialized', {});
    await s.notify('textDocument/didOpen', { textDocument: { uri: 'file:///m.txt', languageId: 'plaintext', version: 1, text: 'Once upon a time' } });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 16 } };
    const alive = async (id) => assert.ok((await s.request(id, 'attentionLens/listModels')).result.models, 'server stopped answering');

    await t.test('a bad Content-Length', async () => {
      await s.write('Content-Length: banana\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"shutdown"}');
      const answer = await s.orphan();
      assert.equal(answer.error.code, -32700);
      assert.match(answer.error.message, /Content-Length/);
      await alive(10);
    });

    await t.test('a Content-Length beyond the limit', async () => {
      await s.write('Content-Length: 99999999999\r\n\r\n{}');
      assert.equal((await s.orphan()).error.code, -32700);
      await alive(11);
    });

    await t.test('a truncated frame', async () => {
      // The header promises more bytes than the message has: the next frame must still be answered.
      const next = s.frame({ jsonrpc: '2.0', id: 12, method: 'attentionLens/listModels' });
      await s.write(Buffer.concat([Buffer.from('Content-Length: 80\r\n\r\n{"jsonrpc":"2.0","id":98,"meth'), next]));
      const answer = await s.orphan();
      assert.equal(answer.error.code, -32700);
      assert.match(answer.error.message, /truncated/);
      assert.ok((await s.response(12)).result.models);
    });

    await t.test('invalid JSON is -32700', async () => {
      await s.write(s.frame('{"jsonrpc":"2.0","id":13,"method":'));
      assert.equal((await s.orphan()).error.code, -32700);
      await alive(14);
    });

    await t.test('an unknown method is -32601', async () => {
      assert.equal((await s.request(15, 'attentionLens/teleport', {})).error.code, -32601);
    });

    await t.test('invalid params are -32602', async () => {
      const missing = await s.request(16, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' } });
      assert.equal(missing.error.code, -32602);
      assert.match(missing.error.message, /range/);
      const wrongType = await s.request(17, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' }, range, model: 42 });
      assert.equal(wrongType.error.code, -32602);
      const badMethod = await s.request(18, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' }, range, model: stories, methods: ['astrology'] });
      assert.equal(badMethod.error.code, -32602);
      assert.match(badMethod.error.message, /astrology/);
    });

    await t.test('a model path that does not exist has our code and the path', async () => {
      const missing = path.join(tmpdir(), 'attention-lens-no-such-model');
      const r = await s.request(19, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' }, range, model: missing });
      assert.equal(r.error.code, 1001);
      assert.equal(r.error.data.path, missing);
      assert.match(r.error.data.expected, /config\.json/);
    });

    await t.test('a folder that is not a model has our code and the path', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'attention-lens-not-a-model-'));
      writeFileSync(path.join(dir, 'notes.txt'), 'not a checkpoint');
      const r = await s.request(20, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' }, range, model: dir });
      assert.equal(r.error.code, 1002);
      assert.equal(r.error.data.path, dir);
      assert.match(r.error.message, /config\.json/);
      // config.json present but unreadable as a model: the loader's fault, still our code and the path.
      writeFileSync(path.join(dir, 'config.json'), '{"model_type": "llama"}');
      writeFileSync(path.join(dir, 'model.safetensors'), 'this is not safetensors');
      writeFileSync(path.join(dir, 'tokenizer.json'), '{"not": "a tokenizer"}');
      const r2 = await s.request(21, 'attentionLens/analyze', { textDocument: { uri: 'file:///m.txt' }, range, model: dir });
      assert.equal(r2.error.code, 1002, JSON.stringify(r2.error));
      assert.equal(r2.error.data.path, dir);
    });

    await t.test('a batch is -32600', async () => {
      await s.write(s.frame('[{"jsonrpc":"2.0","id":22,"method":"shutdown"}]'));
      assert.equal((await s.orphan()).error.code, -32600);
      await alive(23);
    });

    const shutdown = await s.request(30, 'shutdown');
    assert.equal(shutdown.result, null);
    await s.notify('exit');
    assert.equal(await s.exited, 0, s.stderr());
  } finally {
    s.proc.kill();
  }
});
