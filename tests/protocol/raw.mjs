// A raw stdio peer for the malformed-input tests: writes arbitrary bytes, parses the server's
// frames itself (so it does not depend on the client library's tolerance), and waits for
// responses by id or for answers with a null id.
import { startServer, withTimeout } from './helpers.mjs';

export function startRaw(args = []) {
  const server = startServer(args);
  let buffer = Buffer.alloc(0);
  const messages = [];
  const waiters = [];
  server.proc.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = buffer.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length: (\d+)/i.exec(header);
      if (!m) throw new Error('server wrote a frame without Content-Length: ' + header);
      const length = Number(m[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const body = buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8');
      buffer = buffer.subarray(headerEnd + 4 + length);
      messages.push(JSON.parse(body));
      for (const w of [...waiters]) w();
    }
  });
  const write = (raw) => new Promise((resolve) => server.proc.stdin.write(raw, resolve));
  const frame = (obj) => {
    const body = Buffer.from(typeof obj === 'string' ? obj : JSON.stringify(obj), 'utf8');
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]);
  };
  /** Resolves with the first message (not yet taken) that satisfies `predicate`. */
  const next = (predicate, what) => withTimeout(new Promise((resolve) => {
    const check = () => {
      const i = messages.findIndex(predicate);
      if (i < 0) return false;
      const [msg] = messages.splice(i, 1);
      waiters.splice(waiters.indexOf(check), 1);
      resolve(msg);
      return true;
    };
    waiters.push(check);
    check();
  }), 15000, `no ${what}`);
  const response = (id) => next((m) => m.id === id && !('method' in m), `response to id ${id}`);
  const orphan = () => next((m) => m.id === null, 'answer with a null id');
  const notification = (method) => next((m) => m.method === method && !('id' in m), `notification ${method}`);
  const request = async (id, method, params) => {
    await write(frame({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    return response(id);
  };
  const notify = (method, params) => write(frame({ jsonrpc: '2.0', method, params }));
  return { ...server, write, frame, response, orphan, notification, request, notify };
}
