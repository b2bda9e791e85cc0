import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';
import { ANONYMOUS_CALLER, type Caller } from '../gateway/caller.js';
import { mayUseModel } from '../gateway/keys/check-model-access.js';
import type { CallerResolver } from '../gateway/keys/resolve-caller.js';
import { callerIdOf } from './caller-id.js';
import { parseModelMethodPath } from './model-method-path.js';

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
    /**
     * Who the request acts for as the gateway knows it (src/gateway/keys/resolve-caller.ts): a
     * managed key, `static:<hash8>` for an `--api-key`, `jwt:<sub>`, or ANONYMOUS_CALLER when the
     * server has no keys (and on routes that need none). Limits, usage and the cache key on its id.
     */
    caller: Caller;
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

/**
 * The `onRequest` hook that admits a request only with a valid credential, as `resolve` (static
 * keys, managed keys, JWTs; src/gateway/keys/resolve-caller.ts) decides. With no identity
 * configured every request is admitted. Otherwise, as Google does: no key → 403
 * PERMISSION_DENIED, an unknown, revoked or expired key (or a bad JWT) → 400 INVALID_ARGUMENT
 * with ErrorInfo API_KEY_INVALID; a model method call for a model the key may not use → 403
 * PERMISSION_DENIED. Routes marked `config.public`, CORS preflights and unknown paths need no
 * key, nor do requests with `?upload_id=` to routes marked `config.uploadCapability` (the route
 * checks the id). Every request gets `request.caller` and `request.callerId` (the owner of its
 * Files): the managed key's or JWT subject's id, else the hash of the key presented (or the
 * anonymous caller without one).
 */
export function createAuthenticate(
  resolve: CallerResolver,
  internal?: (request: FastifyRequest) => { caller: Caller; callerId: string } | undefined,
): onRequestHookHandler {
  return async function authenticate(request) {
    // A request the batch worker injected (http/batch/) acts for the job's owner as stored when
    // the job was created (its model access was checked then): it carries the worker's
    // per-request token, not a key, and is never refused here.
    const batch = internal?.(request);
    if (batch) {
      request.caller = batch.caller;
      request.callerId = batch.callerId;
      return;
    }
    const key = apiKeyOf(request);
    request.callerId = callerIdOf(key);
    request.caller = ANONYMOUS_CALLER;
    if (request.method === 'OPTIONS' || request.is404 || request.routeOptions.config?.public) return;
    if (request.routeOptions.config?.uploadCapability && hasUploadId(request)) return;
    const resolution = await resolve(key);
    if ('rejected' in resolution) {
      request.log.debug(`credential refused: ${resolution.why}`);
      throw resolution.rejected === 'missing' ? Errors.apiKeyMissing() : Errors.apiKeyInvalid();
    }
    request.caller = resolution.caller;
    // Managed keys and JWT subjects own their Files by their stable id, so a rotated key keeps
    // them; configured static keys keep the hash of the key (files stored before keys existed).
    if (!resolution.caller.id.startsWith('static:') && resolution.caller.id !== ANONYMOUS_CALLER.id) {
      request.callerId = resolution.caller.id;
    }
    const model = modelOfMethodCall(request);
    if (model !== undefined && !mayUseModel(resolution.caller, model)) throw Errors.modelNotAllowed(model);
  };
}

/** The model a `POST …/{models|tunedModels}/{id}:{method}` call names (routes/model-methods.ts), else undefined. */
function modelOfMethodCall(request: FastifyRequest): string | undefined {
  if (request.method !== 'POST' || !/\/(models|tunedModels)\/\*$/.test(request.routeOptions.url ?? '')) return undefined;
  const rest = (request.params as Record<string, string> | undefined)?.['*'];
  return rest === undefined ? undefined : parseModelMethodPath(rest)?.model;
}

function hasUploadId(request: FastifyRequest): boolean {
  const id = (request.query as Record<string, unknown> | undefined)?.upload_id;
  return typeof id === 'string' && id !== '';
}
