import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The header a request id arrives in (from a proxy or the client) and is echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Incoming ids are kept when short and plain (no log injection through them); else a new one is made. */
const GOOD_REQUEST_ID = /^[\w.:@+=/-]{1,128}$/;

/** Query parameters whose values never reach a log: API keys (`?key=`) and upload capabilities. */
const SECRET_PARAMS = /([?&](?:key|upload_id|access_token)=)[^&#]*/gi;

/** A URL with the values of secret query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** The request id: the incoming `x-request-id` when it is plain, else a random UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  const incoming = Array.isArray(header) ? header[0] : header;
  return incoming && GOOD_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Fastify's request serializer without secrets: method, URL with `?key=` redacted, host and
 * peer. Fastify's default one logs the raw URL, API key included. Headers are never logged.
 */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Paths pino censors in any log object, in case a header object is ever logged. */
const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers["x-goog-api-key"]', 'req.headers.cookie',
  'headers.authorization', 'headers["x-goog-api-key"]', 'headers.cookie',
];

/**
 * Fastify logger options from the app's `logger` dependency: structured JSON lines (pino), each
 * with the request's id (`reqId`), the redacting request serializer and censored credential
 * headers. `false` stays off.
 */
export function loggerOptions(logger: boolean | Record<string, unknown> | undefined): false | Record<string, unknown> {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return {
    ...base,
    serializers: { ...(base.serializers as Record<string, unknown> | undefined), req: serializeRequest },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
}

/**
 * Per request: echoes the request id as `x-request-id` (also on hijacked streams, whose writer
 * sends the reply's headers) and, only with `logPrompts`, logs the JSON body (the prompt) at
 * info level. Without it no body is ever logged.
 */
export function addRequestLogging(app: FastifyInstance, opts: { logPrompts?: boolean }): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  if (opts.logPrompts) {
    app.addHook('preHandler', (request, _reply, done) => {
      const body = request.body;
      if (body !== undefined && body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) {
        request.log.info({ body }, 'request body');
      }
      done();
    });
  }
}
