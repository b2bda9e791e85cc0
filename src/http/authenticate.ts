import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import { ANONYMOUS_CALLER, type Caller } from '../gateway/caller.js';
import type { CallerResolver } from '../gateway/keys/resolve-caller.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no API key (health checks). */
    public?: boolean;
    /**
     * Requests carrying `?upload_id=` are authorised by that upload session (a capability the
     * route checks), not by an API key: the Python SDK (googleapis/python-genai) sends upload
     * chunks with no key.
     */
    uploadCapability?: boolean;
  }
  interface FastifyRequest {
    /**
     * Who the request acts for (src/gateway/keys/resolve-caller.ts): a managed key, an
     * `--api-key` key, a JWT subject, a key presented to a server with none configured, or
     * ANONYMOUS_CALLER (no key; routes that need none). It owns the Files, caches and batches
     * the request creates and reads, and limits, usage and the response cache count by it.
     */
    caller: Caller;
  }
}

/**
 * The API key a request carries, in Google's order of precedence for gemserve's purposes
 * (ai.google.dev/gemini-api/docs/api-key): the `x-goog-api-key` header (both SDKs), then `?key=`
 * (curl, the JS SDK's Live API), then `Authorization: Bearer` (gateways). Empty values count as absent.
 */
export function apiKeyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['x-goog-api-key'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return fromHeader;
  const query = (request.query as Record<string, unknown> | undefined)?.key;
  const fromQuery = Array.isArray(query) ? query[0] : query;
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const auth = request.headers.authorization;
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1] : undefined;
}

/**
 * The `onRequest` hook that admits a request only with a valid credential, as `resolve` (static
 * keys, managed keys, JWTs; src/gateway/keys/resolve-caller.ts) decides. With no identity
 * configured every request is admitted. Otherwise, as Google does: no key → 403
 * PERMISSION_DENIED, an unknown, revoked or expired key (or a bad JWT) → 400 INVALID_ARGUMENT
 * with ErrorInfo API_KEY_INVALID; a JWT whose signing keys could not be fetched → 503 UNAVAILABLE
 * with Retry-After. Routes marked `config.public`, CORS preflights and unknown
 * paths need no key, nor do requests with `?upload_id=` to routes marked
 * `config.uploadCapability` (the route checks the id). Every request gets `request.caller`, made
 * here once. Which models a key may use is checked where the model is resolved
 * (GenerationService.resolveModel).
 */
export function createAuthenticate(resolve: CallerResolver): onRequestHookHandler {
  return async function authenticate(request) {
    request.caller = ANONYMOUS_CALLER;
    if (request.method === 'OPTIONS' || request.is404 || request.routeOptions.config?.public) return;
    if (request.routeOptions.config?.uploadCapability && hasUploadId(request)) return;
    const resolution = await resolve(apiKeyOf(request));
    if ('rejected' in resolution) {
      if (resolution.rejected === 'unavailable') {
        // The server's fault, not the client's: logged where operators look, and retryable.
        request.log.warn(`credential not verifiable: ${resolution.why}`);
        throw Errors.jwtKeysUnavailable(resolution.retryAfterMs);
      }
      request.log.debug(`credential refused: ${resolution.why}`);
      throw resolution.rejected === 'missing' ? Errors.apiKeyMissing() : Errors.apiKeyInvalid();
    }
    request.caller = resolution.caller;
  };
}

function hasUploadId(request: FastifyRequest): boolean {
  const id = (request.query as Record<string, unknown> | undefined)?.upload_id;
  return typeof id === 'string' && id !== '';
}
