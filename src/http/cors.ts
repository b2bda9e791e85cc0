import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';

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

/** Adds the CORS response headers to every request that comes with an `Origin`. */
export const corsHeaders: onRequestHookHandler = function corsHeaders(request, reply, done) {
  const origin = request.headers.origin;
  if (origin !== undefined) {
    // Echoing the origin (rather than `*`) also works for requests sent with credentials.
    reply.header('access-control-allow-origin', origin);
    reply.header('vary', 'Origin');
    reply.header('access-control-expose-headers', CORS_EXPOSE_HEADERS);
  }
  done();
};

/**
 * Answers a preflight `OPTIONS` for any path. Headers the browser asks for beyond the SDK's
 * list (an app's own `httpOptions.headers`) are allowed too: the API key is the access control.
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
