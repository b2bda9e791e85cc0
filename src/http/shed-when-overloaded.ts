import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { GemserveError } from '../core/errors.js';
import type { GenerationService } from '../generation/generation-service.js';
import { sendError } from './error-envelope.js';
import { hasUnreadBody } from './guard-request-bodies.js';
import { parseModelMethodPath } from './model-method-path.js';

/**
 * The methods that take a slot of their model's engine. countTokens only tokenises, embeddings
 * run on the engine's embedding contexts (not its generation slots), the Batch API enqueues, and
 * `cachedContents.create` names its model in the body, not the path.
 */
const SHED_METHODS: ReadonlySet<string> = new Set(['generateContent', 'streamGenerateContent']);

/** The largest declared body read and discarded on a refusal to keep the connection (a request of some pages of text). */
export const DRAIN_MAX_BYTES = 64 * 1024;

/**
 * A route-level `onRequest` hook of the model methods (it runs after the key is checked, before
 * the body is read): a generation whose engine has every slot busy and its queue full
 * (`GenerationService.overloaded`) gets Google's 503 UNAVAILABLE with `Retry-After` at once. Its
 * body is neither read nor parsed, no rate-limit quota is taken and nothing is metered: under
 * overload a refusal must cost as little as possible, or refusing takes the event loop from the
 * generations being served (issue 14, item 2). A model the key may not use, or an unknown one, is
 * left to the route, which answers it as before.
 *
 * The unread body and the connection: a small body (a declared `Content-Length` up to
 * {@link DRAIN_MAX_BYTES}) is read and discarded if it arrives with its headers, and the
 * connection kept, so a client that waits the `Retry-After` does not pay for a new connection.
 * The hook runs once the headers are parsed, before the parser has handed over the body bytes of
 * the same read, so the answer waits for the body's end or, should the body not be there yet, for
 * the end of this turn of the event loop (`setImmediate`), whichever comes first. In that case,
 * for a larger or chunked body, and for a connection whose previous request was refused less than
 * its `Retry-After` ago (a client retrying at once), the connection is closed after the answer
 * (`Connection: close`; `guardRequestBodies` does it for any refusal of an unread body): a new
 * connection costs such a client a round trip and the server less than the refusals it would
 * otherwise send as fast as they are answered (bench/overload.ts, docs/benchmarks.md).
 */
export function shedWhenOverloaded(service: GenerationService, apiVersion: string): onRequestHookHandler {
  return function shed(request, reply, done) {
    const target = parseModelMethodPath((request.params as { '*'?: string })['*'] ?? '');
    const refusal = target && SHED_METHODS.has(target.method) ? overloadOf(service, request, target.model, apiVersion, target.method) : undefined;
    if (!refusal) { done(); return; }
    const raw = request.raw;
    const now = performance.now();
    const retriedTooSoon = (refusedUntil.get(raw.socket) ?? 0) > now;
    refusedUntil.set(raw.socket, now + retryAfterMsOf(refusal));
    if (retriedTooSoon) reply.header('connection', 'close');
    if (retriedTooSoon || !hasUnreadBody(raw) || !(Number(raw.headers['content-length']) <= DRAIN_MAX_BYTES)) {
      refuse(reply, refusal);
      return;
    }
    raw.once('end', () => { refuse(reply, refusal); });
    raw.resume();
    setImmediate(() => { refuse(reply, refusal); });
  };
}

/** Until when (performance.now()) each connection was asked to wait by its last refusal. */
const refusedUntil = new WeakMap<object, number>();

function retryAfterMsOf(refusal: GemserveError): number {
  return Number(refusal.headers['retry-after'] ?? 0) * 1000;
}

function overloadOf(service: GenerationService, request: FastifyRequest, model: string, apiVersion: string, method: string): GemserveError | undefined {
  try {
    return service.overloaded(service.resolveModel(request.caller, model, apiVersion, method));
  } catch {
    // Not allowed or not found: the route answers that with its own error.
    return undefined;
  }
}

function refuse(reply: FastifyReply, refusal: GemserveError): void {
  if (!reply.sent) void sendError(reply, refusal);
}
