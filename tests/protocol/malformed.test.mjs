// Malformed input over raw stdio: every fault is answered per JSON-RPC and the server keeps serving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRaw } from './raw.mjs';
import { stories, withTimeout } from './helpers.mjs';

test('malformed input is answered and the server stays alive', async (t) => {
  const s = startRaw();
  try {
    const init = await s.request(1, 'initialize', { processId: null, capabilities: {} });
    assert.ok(init.result.capabilities);
    await s.notify('initialized', {});
    await s.notify('textDocument/didOpen', { textDocument: { uri: 'file:///m.txt', languageId: 'plaintext', version: 1, text: 'Once upon a time' } });
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 16 } };
    const alive = async (id) => assert.ok((await s.request(id, 'attentionLens/listModels')).result.models, 'server stopped answering');

    await t.test('invalid JSON is -32700', async () => {
      await s.write(s.frame('{"jsonrpc":"2.0","id":13,"method":'));
      assert.equal((await s.orphan()).error.code, -32700);
      await alive(14);
    });

    await t.test('a method of the wrong type is -32600 echoing the id', async () => {
      await s.write(s.frame('{"jsonrpc":"2.0","id":40,"method":42}'));
      assert.equal((await s.response(40)).error.code, -32600);
      await s.write(s.frame('{"id":41,"method":"attentionLens/listModels"}'));
      assert.equal((await s.response(41)).error.code, -32600);
      await alive(42);
    });

    await t.test('every malformed parameter class is -32602 naming the parameter, never -32603', async () => {
      const at = (line, character) => ({ line, character });
      const cases = [
        [{ textDocument: { uri: 'file:///m.txt' }, range: { start: at(-1, 0), end: at(0, 4) }, model: stories }, /range\.start/],
        [{ textDocument: { uri: 'file:///m.txt' }, range: { start: at(0, 0), end: at(0, -4) }, model: stories }, /range\.end/],
        [{ textDocument: { uri: 'file:///m.txt' }, range: { start: at(9, 0), end: at(9, 4) }, model: stories }, /range\.start\.line/],
        [{ textDocument: { uri: 'file:///m.txt' }, range: { start: at(0, 4), end: at(0, 0) }, model: stories }, /range ends/],
        [{ textDocument: { uri: 'file:///m.txt' }, range, model: stories, methods: [null] }, /methods\[0\]/],
        [{ textDocument: { uri: null }, range, model: stories }, /uri/],
        [{ textDocument: { uri: 'file:///m.txt' }, range, model: null }, /model/],
        [{ textDocument: { uri: 'file:///m.txt' }, range, model: stories, options: { heads: [-1] } }, /options\.heads\[0\]/],
      ];
      let id = 100;
      for (const [params, name] of cases) {
        const r = await s.request(id++, 'attentionLens/analyze', params);
        assert.equal(r.error?.code, -32602, JSON.stringify({ params, r }));
        assert.match(r.error.message, name);
      }
      const hover = await s.request(id++, 'textDocument/hover', { textDocument: { uri: 'file:///m.txt' }, position: at(0, -1) });
      assert.equal(hover.error?.code, -32602, JSON.stringify(hover));
      assert.match(hover.error.message, /position/);
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

    await t.test('settings are validated when set: refused on the message that set them, old ones kept', async () => {
      // The budget in force before (the default: three quarters of this machine's memory).
      const before = await s.request(49, 'attentionLens/serverStats');
      await s.notify('workspace/didChangeConfiguration', { settings: { attentionLens: { maxTokens: 0 } } });
      await s.notify('workspace/didChangeConfiguration', { settings: { attentionLens: { memoryBudgetMb: -1 } } });
      const shown = [await s.notification('window/showMessage'), await s.notification('window/showMessage')];
      assert.match(shown[0].params.message, /maxTokens 0/);
      assert.match(shown[1].params.message, /memoryBudgetMb -1/);
      assert.equal(shown[0].params.type, 1);
      const stats = await s.request(50, 'attentionLens/serverStats');
      assert.equal(stats.result.budgetBytes, before.result.budgetBytes, 'a refused budget must not replace the old one');
      assert.ok(before.result.budgetBytes >= 1024 * 1024 * 1024, 'the default budget is at least 1 GiB');
    });

    await t.test('text with a lone surrogate is kept exactly, and ranges snap to whole characters', async () => {
      // JSON.stringify writes a lone surrogate as an escape; the server must keep it, not drop the document.
      await s.notify('textDocument/didOpen', { textDocument: { uri: 'file:///s.txt', languageId: 'plaintext', version: 1, text: 'Once \ud800 upon \ud83d\ude00 time' } });
      // A range that starts inside the surrogate pair (character 13 of 'Once \ud800 upon \ud83d\ude00 time' is its low half).
      const r = await s.request(51, 'attentionLens/analyze', { textDocument: { uri: 'file:///s.txt' }, range: { start: { line: 0, character: 13 }, end: { line: 0, character: 19 } }, model: stories, methods: ['rollout'] });
      assert.ok(r.result, JSON.stringify(r.error));
      assert.ok(r.result.tokens.every((tok) => !tok.text.includes('\ufffd')), 'half a surrogate pair reached the tokenizer');
      const first = r.result.tokens.find((tok) => !tok.special);
      assert.equal(first.range.start.character, 12, 'the start must snap to the pair\'s high surrogate');
    });

    const shutdown = await s.request(30, 'shutdown');
    assert.equal(shutdown.result, null);
    await s.notify('exit');
    assert.equal(await s.exited, 0, s.stderr());
  } finally {
    s.proc.kill();
  }
});

// A frame whose header StreamJsonRpc cannot read ends the connection: the server must say so on
// stderr and exit promptly with code 2 (never hang); the client's restart policy then restarts it.
for (const [name, raw] of [
  ['a Content-Length that is not a number', 'Content-Length: banana\r\n\r\n{"jsonrpc":"2.0","id":99,"method":"shutdown"}'],
  ['a Content-Length beyond any int', 'Content-Length: 99999999999\r\n\r\n{}'],
  ['garbage without a header', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['a header line without a colon', 'Content-Length 10\r\n\r\n{}'],
]) {
  test(`${name}: the server exits with code 2 and a clear message`, async () => {
    const s = startRaw();
    try {
      assert.ok((await s.request(1, 'initialize', { processId: null, capabilities: {} })).result);
      const started = Date.now();
      await s.write(raw);
      const code = await withTimeout(s.exited, 5000, 'server did not exit after a bad frame');
      assert.equal(code, 2, s.stderr());
      assert.ok(Date.now() - started < 5000);
      assert.match(s.stderr(), /protocol error, connection closed/);
    } finally {
      s.proc.kill();
    }
  });
}

test('a frame whose Content-Length overruns into the next frame: answered or exited, never silent', async () => {
  const s = startRaw();
  try {
    assert.ok((await s.request(1, 'initialize', { processId: null, capabilities: {} })).result);
    const next = s.frame({ jsonrpc: '2.0', id: 12, method: 'attentionLens/listModels' });
    await s.write(Buffer.concat([Buffer.from('Content-Length: 80\r\n\r\n{"jsonrpc":"2.0","id":98,"meth'), next]));
    // The 80 bytes swallow the next frame's header: the body is not JSON (-32700, null id). The
    // rest of that frame is no header: the server waits for its line end, and the client's next
    // message completes a header line that cannot be read, so the connection ends with code 2
    // (the client sees the connection close and rejects the request it lost; it restarts the server).
    assert.equal((await s.orphan()).error.code, -32700);
    await s.write(s.frame({ jsonrpc: '2.0', id: 13, method: 'attentionLens/listModels' }));
    assert.equal(await withTimeout(s.exited, 5000, 'server did not exit'), 2, s.stderr());
  } finally {
    s.proc.kill();
  }
});
