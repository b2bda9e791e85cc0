import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
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

/** How long a browser may reuse a preflight's answer: a day (browsers cap it lower: Chromium 2 h, Firefox 24 h; MDN "Access-Control-Max-Age"). */
export const CORS_MAX_AGE_S = 86_400;

/**
 * Whether the page that sent `origin` may call the server: an allowed origin, or the server's own
 * (`Origin` equal to `http(s)://` + `Host`: a same-origin `fetch` sends it too, and that is no
 * cross-origin request; gin-contrib/cors, which Ollama uses, lets it through the same way).
 */
export function isOriginAllowed(origin: string, host: string | undefined, allowlist: OriginAllowlist): boolean {
  if (allowlist.allowsOrigin(origin)) return true;
  if (host === undefined) return false;
  const o = origin.toLowerCase();
  const h = host.toLowerCase();
  return o === `http://${h}` || o === `https://${h}`;
}

/**
 * The `onRequest` hook that runs before @fastify/cors: any origin the allowlist refuses
 * ({@link isOriginAllowed}) gets no CORS header and Google's 403 PERMISSION_DENIED, preflight or
 * not, as Ollama answers a foreign origin with 403 (gin-contrib/cors `applyCors`; OLLAMA_ORIGINS).
 * @fastify/cors alone would only leave the CORS headers out and let the request run: a refused
 * preflight fails the browser's CORS check whatever its status (Fetch standard, "CORS-preflight
 * fetch": the status must be ok), but "simple" requests (a `text/plain` POST needs no preflight,
 * MDN "Cross-Origin Resource Sharing") would still act on the server, their answer merely
 * unreadable. A request without `Origin` (SDKs outside browsers, curl) is not a CORS request.
 */
export function refuseForeignOrigin(allowlist: OriginAllowlist): onRequestHookHandler {
  return function refuseForeignOrigin(request, _reply, done) {
    const origin = request.headers.origin;
    if (origin === undefined || isOriginAllowed(origin, request.headers.host, allowlist)) return done();
    done(Errors.originNotAllowed(origin));
  };
}

const BASE_OPTIONS = {
  methods: CORS_ALLOW_METHODS,
  exposedHeaders: CORS_EXPOSE_HEADERS,
  maxAge: CORS_MAX_AGE_S,
  // No Access-Control-Allow-Credentials: keys travel in headers, never in cookies.
  credentials: false,
  // An OPTIONS without Origin or Access-Control-Request-Method (curl, health probes) is answered
  // 204 as before, not with the plugin's plain-text 400 (not Google's envelope).
  strictPreflight: false,
} satisfies FastifyCorsOptions;

/**
 * The per-request options @fastify/cors applies. An allowed origin is echoed in
 * Access-Control-Allow-Origin, with `Vary: Origin` on every answer since it depends on the
 * origin (Fetch standard, "CORS protocol and HTTP caches"). Headers the browser asks for beyond the SDK's list (an app's
 * own `httpOptions.headers`) are allowed too: the origin allowlist and the API key are the access
 * control. Without `Origin` only an OPTIONS is answered (204, no Allow-Origin); other requests get
 * no CORS header.
 */
export function corsOptionsOf(request: FastifyRequest, allowlist: OriginAllowlist): FastifyCorsOptions {
  const { origin, host } = request.headers;
  const allowed = origin === undefined ? request.method === 'OPTIONS' : isOriginAllowed(origin, host, allowlist);
  const requested = request.headers['access-control-request-headers'];
  return {
    ...BASE_OPTIONS,
    origin: allowed,
    allowedHeaders: requested ? `${CORS_ALLOW_HEADERS}, ${requested}` : CORS_ALLOW_HEADERS,
  };
}

/**
 * CORS on @fastify/cors behind the origin allowlist: {@link refuseForeignOrigin} first, then the
 * plugin, whose `onRequest` hook answers preflights (204) before the API key is checked (browsers
 * send no credential on a preflight: Fetch standard) and adds the headers to every other answer,
 * errors included, so a browser app can read Google's error. Call it where the hooks' order puts
 * CORS: the plugin's hook is added when it is registered.
 */
export async function registerCors(app: FastifyInstance, allowlist: OriginAllowlist): Promise<void> {
  app.addHook('onRequest', refuseForeignOrigin(allowlist));
  await app.register(fastifyCors, {
    hook: 'onRequest',
    delegator: (request, callback) => callback(null, corsOptionsOf(request, allowlist)),
  });
}
