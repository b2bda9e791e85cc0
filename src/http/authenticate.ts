import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import { callerIdOf } from './caller-id.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no API key (health checks). */
    public?: boolean;
    /**
     * Requests carrying `?upload_id=` are authorised by that upload session (a capability the
     * route checks), not by an API key: Python sends upload chunks with no key (GEMINI-API.md TL;DR 15).
     */
    uploadCapability?: boolean;
  }
  interface FastifyRequest {
    /** Who the request acts for (see `callerIdOf`): the owner of the Files it creates and reads. */
    callerId: string;
  }
}

/**
 * The API key a request carries, in Google's order of precedence for gemserve's purposes
 * (GEMINI-API.md §1.6, §7): the `x-goog-api-key` header (both SDKs), then `?key=` (curl, JS
 * Live), then `Authorization: Bearer` (gateways). Empty values count as absent.
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

const digest = (key: string) => createHash('sha256').update(key).digest();

/**
 * The `onRequest` hook that admits a request only with a configured API key. With no keys
 * configured every request is admitted. Otherwise, as Google does: no key → 403
 * PERMISSION_DENIED, an unknown key → 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID.
 * Routes marked `config.public`, CORS preflights and unknown paths need no key, nor do requests
 * with `?upload_id=` to routes marked `config.uploadCapability` (the route checks the id).
 * Every request gets `request.callerId` from its key (or the anonymous caller without one).
 *
 * Keys are compared as SHA-256 digests with `timingSafeEqual`, against every configured key
 * without an early exit, so timing reveals neither a key's prefix nor which key matched.
 */
export function createAuthenticate(apiKeys: readonly string[]): onRequestHookHandler {
  const digests = apiKeys.map(digest);
  return function authenticate(request, _reply, done) {
    const key = apiKeyOf(request);
    request.callerId = callerIdOf(key);
    if (digests.length === 0 || request.method === 'OPTIONS' || request.is404 || request.routeOptions.config?.public) {
      return done();
    }
    if (request.routeOptions.config?.uploadCapability && hasUploadId(request)) return done();
    if (key === undefined) return done(Errors.apiKeyMissing());
    const d = digest(key);
    let ok = false;
    for (const k of digests) ok = timingSafeEqual(k, d) || ok;
    done(ok ? undefined : Errors.apiKeyInvalid());
  };
}

function hasUploadId(request: FastifyRequest): boolean {
  const id = (request.query as Record<string, unknown> | undefined)?.upload_id;
  return typeof id === 'string' && id !== '';
}
