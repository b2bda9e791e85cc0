import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { clientErrorResponse } from './answer-client-error.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route takes large bodies (resumable uploads): its body gets `uploadRequestMs`, not `requestMs`. */
    largeBody?: boolean;
  }
}

/** How long a client may take to send a request, and to keep an idle connection. */
export interface HttpTimeouts {
  /** Node's `headersTimeout`: the request line and headers must arrive within this. */
  headersMs: number;
  /** The whole request, body included, on API routes. */
  requestMs: number;
  /** The whole request on routes marked `largeBody` (uploads). */
  uploadRequestMs: number;
  /** Node's `keepAliveTimeout`: an idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** A body must bring `minBodyBytesPerSecond` × this many bytes (at least one) within each such window. */
  bodyIdleMs: number;
  /** The slowest accepted body, in bytes per second, measured over `bodyIdleMs` windows. */
  minBodyBytesPerSecond: number;
}

/**
 * The defaults (the settings in src/config/settings.ts repeat them with their reasons):
 * headers in 30 s (Node's own default is 60 s); a request in 5 minutes (Node's default
 * `requestTimeout`), an upload request in 35 minutes (2 GB, the Files API's per-file limit, at
 * 1 MB/s); Fastify's 72 s keep-alive (longer than the 60 s idle timeout of common load
 * balancers, so a proxy never reuses a connection the server is closing); at least 1 KiB/s over
 * each 20 s of body.
 */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersMs: 30_000,
  requestMs: 300_000,
  uploadRequestMs: 2_100_000,
  keepAliveMs: 72_000,
  bodyIdleMs: 20_000,
  minBodyBytesPerSecond: 1024,
};

/**
 * Fastify's server options for the timeouts Node enforces itself (nodejs.org/api/http.html:
 * `server.headersTimeout`, `server.requestTimeout`, `server.keepAliveTimeout`; Fastify passes
 * `http` to `http.createServer` and sets `requestTimeout`/`keepAliveTimeout`,
 * fastify.dev/docs/latest/Reference/Server). Node's `requestTimeout` is one per server, so it is
 * the longer (upload) bound, a backstop; the per-route bound is `guardRequestBodies`'. Node
 * checks these every `connectionsCheckingInterval` (30 s by default), too coarse for a 30 s
 * headers timeout: every 2 s here.
 */
export function serverTimeoutOptions(t: HttpTimeouts): { requestTimeout: number; keepAliveTimeout: number; http: { headersTimeout: number; connectionsCheckingInterval: number } } {
  const requestTimeout = Math.max(t.requestMs, t.uploadRequestMs, t.headersMs);
  return {
    requestTimeout,
    keepAliveTimeout: t.keepAliveMs,
    http: { headersTimeout: t.headersMs, connectionsCheckingInterval: Math.min(2_000, t.headersMs) },
  };
}

interface Watched {
  request: FastifyRequest;
  deadline: number;
  windowStart: number;
  windowBytes: number;
}

/** A request still receiving its body: headers arrived, the parser has not seen its end. */
function isReceivingBody(raw: IncomingMessage): boolean {
  return !raw.complete && !raw.destroyed && raw.socket !== null && !raw.socket.destroyed;
}

/** Whether the request announces a body (a length above 0, or chunked). */
export function hasBody(raw: IncomingMessage): boolean {
  return Number(raw.headers['content-length'] ?? 0) > 0 || raw.headers['transfer-encoding'] !== undefined;
}

/**
 * Whether the request has a body nobody read to its end: still arriving, left unread by a
 * refusal, or abandoned half-read (the upload `start` stops reading past its limit).
 */
export function hasUnreadBody(raw: IncomingMessage): boolean {
  return hasBody(raw) && !raw.readableEnded;
}

/**
 * Bounds how a request body arrives, so trickling sockets cannot hold file descriptors:
 * - an `onRequest` hook (it runs before the body is read) starts watching every request whose
 *   body has not arrived yet; one timer checks them all, reading the socket's byte count (adding
 *   a `data` listener would take the body from its parser). A body slower than
 *   `minBodyBytesPerSecond` over a `bodyIdleMs` window, or not complete within the route's
 *   bound, gets Google's 408 DEADLINE_EXCEEDED with `Connection: close`, and the socket is
 *   closed. While the server itself is not reading (its buffer full: a slow disk), the window
 *   restarts.
 * - an `onSend` hook closes the connection after any error answered before the body was read to
 *   its end (a refused key, an unknown path, an oversized upload `start`): the client cannot
 *   keep trickling into a refused request, and the next request never queues behind an unread
 *   body on a keep-alive connection. Node ends the socket after the response
 *   (`Connection: close`, nodejs.org/api/http.html `response.shouldKeepAlive`), and its
 *   unread body is discarded, not parsed.
 */
export function guardRequestBodies(app: FastifyInstance, t: HttpTimeouts): onRequestHookHandler {
  const watched = new Set<Watched>();
  let timer: NodeJS.Timeout | undefined;
  const tickMs = Math.max(50, Math.min(1_000, Math.floor(t.bodyIdleMs / 4)));
  const needed = Math.max(1, Math.floor((t.minBodyBytesPerSecond * t.bodyIdleMs) / 1000));

  const tick = () => {
    const now = Date.now();
    for (const w of watched) {
      const raw = w.request.raw;
      if (!isReceivingBody(raw)) { watched.delete(w); continue; }
      const read = raw.socket.bytesRead;
      if (now >= w.deadline) { expire(w); continue; }
      if (read - w.windowBytes >= needed || raw.readableLength >= raw.readableHighWaterMark) {
        w.windowStart = now;
        w.windowBytes = read;
      } else if (now - w.windowStart >= t.bodyIdleMs) {
        expire(w);
      }
    }
    if (watched.size === 0 && timer) { clearInterval(timer); timer = undefined; }
  };
  const expire = (w: Watched) => {
    watched.delete(w);
    const socket = w.request.raw.socket;
    w.request.log.info('request body too slow: answered 408 and closed');
    if (socket.writable && !w.request.raw.socket.destroyed && !(socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.end(clientErrorResponse('ERR_HTTP_REQUEST_TIMEOUT'), () => socket.destroy());
      // A client that never reads its answer does not keep the socket either.
      setTimeout(() => socket.destroy(), 1_000).unref();
    } else {
      socket.destroy();
    }
  };
  app.addHook('onClose', (_app, done) => {
    if (timer) clearInterval(timer);
    watched.clear();
    done();
  });
  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    if (reply.statusCode >= 400 && hasUnreadBody(request.raw)) reply.header('connection', 'close');
    done(null, payload);
  });

  return function watchBody(request, _reply, done) {
    const raw = request.raw;
    if (hasBody(raw) && isReceivingBody(raw)) {
      const now = Date.now();
      const bound = request.routeOptions.config?.largeBody ? t.uploadRequestMs : t.requestMs;
      watched.add({ request, deadline: now + bound, windowStart: now, windowBytes: raw.socket.bytesRead });
      timer ??= setInterval(tick, tickMs).unref();
    }
    done();
  };
}
