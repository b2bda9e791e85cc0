/**
 * Server lifecycle as clients and operators see it: closing the app while clients hold
 * connections. A local server is stopped and restarted often (Ctrl-C, model swaps), so
 * `app.close()` must not hang on sockets that carry no request.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { createApp } from '../../src/http/create-app.js';
import { ModelCatalog } from '../../src/core/catalog/model-catalog.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './helpers/start-server.js';
import { genai } from './helpers/clients.js';

const MODEL = 'gemini-2.0-flash';
/** "Promptly": far above a healthy close (milliseconds), far below Node's 60 s headersTimeout. */
const PROMPT_CLOSE_MS = 5_000;

/** Whether `p` settles within `ms`; the bound is the property under test, not a synchronisation. */
async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => { timer = setTimeout(() => r(false), ms); });
  try {
    return await Promise.race([p.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The app started by hand: startServer() reaps unused sockets itself, which is what is tested here. */
async function bareServer() {
  const app = await createApp({
    catalog: new ModelCatalog([{ id: MODEL, engine: new FakeEngine() }]),
    apiKeys: [], bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES, logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { app, port: address.port };
}

describe('server lifecycle (contract)', () => {
  it('close() finishes promptly while a client holds a connection that sent no request yet', { timeout: 20_000 }, async () => {
    // What undici leaves behind after an aborted stream (a pre-opened spare connection), and
    // what browsers do with preconnect. Node only reaps it after headersTimeout (60 s).
    const { app, port } = await bareServer();
    const served = await genai(`http://127.0.0.1:${port}`).models.generateContent({ model: MODEL, contents: 'Hello there' });
    assert.ok((served.text ?? '').length > 0);
    const socket: Socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const closing = app.close();
    const prompt = await settlesWithin(closing, PROMPT_CLOSE_MS);
    // Clean up either way, so a failure does not keep this process alive for a minute.
    socket.destroy();
    await closing;
    assert.ok(prompt, `app.close() still waiting after ${PROMPT_CLOSE_MS} ms for a socket that never sent a request`);
  });

  it('close() finishes promptly after the keep-alive connections of finished requests', { timeout: 20_000 }, async () => {
    const { app, port } = await bareServer();
    const ai = genai(`http://127.0.0.1:${port}`);
    await ai.models.generateContent({ model: MODEL, contents: 'Hello there' });
    for await (const _ of await ai.models.generateContentStream({ model: MODEL, contents: 'Hello there' })) { /* drain */ }
    assert.ok(await settlesWithin(app.close(), PROMPT_CLOSE_MS), `app.close() took over ${PROMPT_CLOSE_MS} ms`);
  });
});
