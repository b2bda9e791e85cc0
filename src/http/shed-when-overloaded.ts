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

/** A generation refused before its body was read, for the metrics. */
export interface ShedRequest {
  model: string;
  callerName: string;
  method: string;
}

/** Refusals per refusing connection in a second above which clients count as retrying at once. */
export const RETRIES_PER_CONNECTION = 4;

/** How long refusals close their connections once clients were seen retrying at once. */
export const CLOSE_MODE_MS = 5_000;

/** The largest declared body read and discarded on a refusal to keep the connection (a request of some pages of text). */
export const DRAIN_MAX_BYTES = 64 * 1024;

/**
 * The route-level `onRequest` hooks of the model methods, one per API version, sharing one
 * {@link RefusalWindow} (they run after the key is checked, before the body is read): a generation whose engine has every slot busy and its queue full
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
 * and for a larger or chunked body, the connection is closed after the answer (`Connection:
 * close`; `guardRequestBodies` does it for any refusal of an unread body).
 *
 * Clients retrying at once: `Retry-After` is at least 1 s, so clients that honour it are refused
 * about once per connection per second (a pool handing one connection to several waiting clients,
 * or two bursts in one second, make it twice or so). When within a second the refusals outnumber
 * the connections they came on by more than {@link RETRIES_PER_CONNECTION}, clients are retrying
 * without waiting, and for the next {@link CLOSE_MODE_MS} every refusal closes its connection:
 * each retry then costs its client a new connection, which slows such clients more than it costs
 * the server, while kept connections let them retry as fast as refusals are answered and take the
 * event loop from the generations being served (bench/overload.ts at concurrency 200: 9-11% of
 * peak goodput with connections kept, 57-62% with every refusal closing; docs/benchmarks.md).
 * Closing refusals no longer show the signal (one refusal per connection), hence the fixed span,
 * after which connections are kept again until the signal returns.
 */
export function shedWhenOverloaded(service: GenerationService, onShed?: (shed: ShedRequest) => void): (apiVersion: string) => onRequestHookHandler {
  // One signal for the whole server, whichever API version the refused requests name.
  const window = new RefusalWindow();
  return (apiVersion) => function shed(request, reply, done) {
    const target = parseModelMethodPath((request.params as { '*'?: string })['*'] ?? '');
    const refusal = target && SHED_METHODS.has(target.method) ? overloadOf(service, request, target.model, apiVersion, target.method) : undefined;
    if (!refusal || !target) { done(); return; }
    // Nothing is metered for a shed request, but operators still see it (gemserve_requests_total, 503).
    onShed?.({ model: target.model.replace(/^models\//, ''), callerName: request.caller.name, method: target.method });
    const raw = request.raw;
    const retryingAtOnce = window.count(raw.socket);
    if (retryingAtOnce) reply.header('connection', 'close');
    if (retryingAtOnce || !hasUnreadBody(raw) || !(Number(raw.headers['content-length']) <= DRAIN_MAX_BYTES)) {
      refuse(reply, refusal);
      return;
    }
    raw.once('end', () => { refuse(reply, refusal); });
    raw.resume();
    setImmediate(() => { refuse(reply, refusal); });
  };
}

/** Refusals and the connections they came on, over the current second; and whether refusals close now. */
class RefusalWindow {
  #closeUntil = 0;
  #start = 0;
  #refusals = 0;
  #connections = 0;
  #seen = new WeakSet<object>();

  /** Counts a refusal on `socket`; true when it should close its connection (clients retry at once). */
  count(socket: object): boolean {
    const now = performance.now();
    if (now < this.#closeUntil) return true;
    if (now - this.#start >= 1000) {
      this.#start = now;
      this.#refusals = 0;
      this.#connections = 0;
      this.#seen = new WeakSet();
    }
    this.#refusals++;
    if (!this.#seen.has(socket)) {
      this.#seen.add(socket);
      this.#connections++;
    }
    if (this.#refusals <= RETRIES_PER_CONNECTION * this.#connections) return false;
    this.#closeUntil = now + CLOSE_MODE_MS;
    return true;
  }
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
