import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** The header a request id arrives in (from a proxy or the client) and is echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** Incoming ids are kept when short and plain (no log injection through them); else a new one is made. */
const GOOD_REQUEST_ID = /^[\w.:@+=/-]{1,128}$/;

/**
 * Query parameters whose values never reach a log, by decoded, lower-cased name: API keys
 * (`key`, which `apiKeyOf` in authenticate.ts reads from Fastify's decoded query, so `?%6Bey=`
 * is a key too), OAuth tokens (`access_token`) and upload capabilities (`upload_id`: the upload
 * route takes chunks with no key, so whoever holds an upload session's URL may write to it,
 * as with Google's resumable upload URLs). Names are matched case-insensitively, wider than
 * what is accepted, so a near-miss spelling of a key is not logged either.
 */
const SECRET_PARAMS = new Set(['key', 'upload_id', 'access_token']);

/** A query parameter's name decoded as the query parser decodes it (`+` is a space); undecodable names stay raw. */
function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

/**
 * A URL with the values of secret query parameters replaced by `[redacted]`, whatever the
 * percent-encoding of their names and however often they occur (`?k%65y=a&key=b`).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const params = url.slice(q + 1, end).split('&').map((param) => {
    const eq = param.indexOf('=');
    if (eq < 0) return param;
    return SECRET_PARAMS.has(decodedName(param.slice(0, eq)).toLowerCase()) ? `${param.slice(0, eq)}=[redacted]` : param;
  });
  return `${url.slice(0, q + 1)}${params.join('&')}${url.slice(end)}`;
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
