import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import type { OriginAllowlist } from './origin-allowlist.js';

/**
 * CORS for browser apps: the SDK's headers (`x-goog-api-key` from js-genai src/web/_web_auth.ts;
 * `x-goog-api-client`, `x-goog-upload-*` from src/_api_client.ts) must be allowed on preflight,
 * and the upload headers exposed, or browser uploads fail (a script sees no response header that
 * Access-Control-Expose-Headers does not list, Fetch standard).
 */
export const CORS_ALLOW_METHODS = 'GET, POST, PATCH, DELETE, OPTIONS';

export const CORS_ALLOW_HEADERS = [
  'content-type', 'x-goog-api-key', 'x-goog-api-client', 'x-goog-upload-protocol',
  'x-goog-upload-command', 'x-goog-upload-header-content-length', 'x-goog-upload-header-content-type',
  'x-goog-upload-offset', 'x-goog-upload-file-name', 'x-server-timeout', 'authorization',
].join(', ');

export const CORS_EXPOSE_HEADERS = [
  'x-goog-upload-url', 'x-goog-upload-status', 'x-goog-upload-size-received', 'x-goog-upload-chunk-granularity',
  'x-goog-upload-control-url',
  // Which path media input took (src/http/resolve-request-media.ts), readable by browser apps too.
  'x-gemserve-media-path',
  // A 429's wait (enforce-limits.ts), the request id (request-logging.ts), cache hits.
  'retry-after', 'x-request-id', 'x-gemserve-cache', 'x-gemserve-engine',
].join(', ');

/**
 * Whether the page that sent `origin` may call the server: an allowed origin, or the server's own
 * (`Origin` equal to `http(s)://` + `Host`: a same-origin `fetch` sends it too, and that is no
 * cross-origin request; gin-contrib/cors, which Ollama uses, lets it through the same way).
 */
function isAllowed(origin: string, host: string | undefined, allowlist: OriginAllowlist): boolean {
  if (allowlist.allowsOrigin(origin)) return true;
  if (host === undefined) return false;
  const o = origin.toLowerCase();
  const h = host.toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
}

/**
 * The CORS `onRequest` hook. A request without `Origin` (SDKs outside browsers, curl) is not a
 * CORS request and passes untouched. An allowed origin (loopback, the server's own, or
 * `--allowed-origins`; {@link OriginAllowlist}) gets the headers browser apps need. Any other
 * origin gets no CORS header and Google's 403 PERMISSION_DENIED, preflight or not, as Ollama
 * answers a foreign origin with 403 (gin-contrib/cors `applyCors`; OLLAMA_ORIGINS): a refused
 * preflight fails the browser's CORS check whatever its status (Fetch standard, "CORS-preflight
 * fetch": the status must be ok), and refusing the actual request too stops "simple" requests
 * (a `text/plain` POST needs no preflight, MDN "Cross-Origin Resource Sharing") from acting on the
 * server even though their answer stays unreadable.
 */
export function createCors(allowlist: OriginAllowlist): onRequestHookHandler {
  return function cors(request, reply, done) {
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    if (!isAllowed(origin, request.headers.host, allowlist)) return done(Errors.originNotAllowed(origin));
    // Echoing the origin (rather than `*`) also works for requests sent with credentials.
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
    done();
  };
}

/**
 * Answers a preflight `OPTIONS` for any path, once {@link createCors} has let its origin through.
 * Headers the browser asks for beyond the SDK's list (an app's own `httpOptions.headers`) are
 * allowed too: the origin allowlist and the API key are the access control.
 */
export function answerPreflight(request: FastifyRequest, reply: FastifyReply): void {
  const requested = request.headers['access-control-request-headers'];
  reply
    .code(204)
    .header('access-control-allow-origin', request.headers.origin ?? '*')
    .header('access-control-allow-methods', CORS_ALLOW_METHODS)
    .header('access-control-allow-headers', requested ? `${CORS_ALLOW_HEADERS}, ${requested}` : CORS_ALLOW_HEADERS)
    .header('access-control-expose-headers', CORS_EXPOSE_HEADERS)
    .header('access-control-max-age', '86400')
    .send();
}
