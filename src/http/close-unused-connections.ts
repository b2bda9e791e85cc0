import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';

/**
 * Makes `app.close()` drop connections that never carried a request.
 *
 * undici (Node's fetch, and so both SDKs) opens a spare connection when a request is aborted
 * mid-body, and browsers pre-open connections. Node's `closeIdleConnections()` (what Fastify's
 * `forceCloseConnections: 'idle'` uses) does not count such a socket as idle, so close() would
 * wait for `headersTimeout` (~60-70 s) to reap it: a Ctrl-C or model swap that hangs a minute.
 * Sockets that carried a request are left to Fastify, so streams in flight finish.
 */
export function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const unused = new Set<Socket>();
  app.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  app.server.on('request', (req) => unused.delete(req.socket));
  app.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    done();
  });
}
