/**
 * Child process for bench/server-overhead.ts: runs gemserve on the fake engine, and beside it a
 * bare `node:http` server that answers every request with the very bytes gemserve sent for the
 * benchmark's request (the transport floor). Running servers in their own process keeps the load
 * generator off their event loop, as it would be in production.
 *
 * Protocol (IPC): the parent sends `{ request }` (the generateContent body) once; the child
 * answers `{ gemservePort, floorPort, responseBody }`. The message `close` closes both and exits.
 */
import { createServer, type Server } from 'node:http';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer } from '../../test/contract/helpers/start-server.js';

export interface OverheadServerReady {
  gemservePort: number;
  floorPort: number;
  responseBody: string;
}

export const MODEL_ID = 'gemini-2.0-flash';

async function main(request: unknown): Promise<void> {
  const engine = new FakeEngine();
  const gemserve = await startServer({ bindings: [{ id: MODEL_ID, engine }] });
  const probe = await fetch(`${gemserve.baseUrl}/v1beta/models/${MODEL_ID}:generateContent`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request),
  });
  const responseBody = await probe.text();
  if (!probe.ok) throw new Error(`gemserve answered ${probe.status}: ${responseBody}`);
  const floor = await listenFloor(responseBody);
  const floorAddress = floor.address();
  if (floorAddress === null || typeof floorAddress === 'string') throw new Error('floor server has no port');
  const ready: OverheadServerReady = {
    gemservePort: Number(new URL(gemserve.origin).port), floorPort: floorAddress.port, responseBody,
  };
  process.send!(ready);
  process.on('message', async (m) => {
    if (m !== 'close') return;
    floor.closeAllConnections();
    await new Promise<void>((r) => floor.close(() => r()));
    await gemserve.close();
    await engine.dispose();
    process.disconnect();
  });
}

/** Reads the whole request body (as a real server must) and answers with fixed JSON. */
function listenFloor(body: string): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

if (process.send) {
  process.once('message', (m) => {
    main((m as { request: unknown }).request).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}
