import type { FastifyRequest } from 'fastify';
import type { Caller } from '../../gateway/caller.js';
import { randomToken } from '../../storage/random-id.js';

/**
 * The header that marks a request the batch worker injects (batch-worker.ts). Its value is a
 * token the worker issued for that one request and revokes when it ends: random, never sent over
 * the network, so a client cannot pass itself off as a batch (an unknown token is ignored and the
 * request authenticates as any other).
 */
export const BATCH_REQUEST_HEADER = 'x-gemserve-batch-request';

/** Which batch request an injected request is, and who it acts for (the job's owner, as stored). */
export interface BatchRequestContext {
  jobId: string;
  index: number;
  caller: Caller;
  callerId: string;
}

const contexts = new WeakMap<object, BatchRequestContext>();

/**
 * The batch request `request` runs, or undefined for interactive traffic. Read where batch
 * requests differ: rate limits do not apply (enforce-limits.ts), the engine queues them behind
 * interactive ones (start-generation.ts), and usage is billed as batch once (meter-generation.ts).
 */
export function batchRequestOf(request: FastifyRequest): BatchRequestContext | undefined {
  return contexts.get(request.raw);
}

/** The tokens of the batch requests in flight, per app. */
export class BatchIdentities {
  readonly #tokens = new Map<string, BatchRequestContext>();

  /** A token for one injected request; revoke it when the request is over. */
  issue(context: BatchRequestContext): string {
    const token = randomToken(24);
    this.#tokens.set(token, context);
    return token;
  }

  revoke(token: string): void {
    this.#tokens.delete(token);
  }

  /**
   * For authenticate.ts: the batch context of a request carrying a live token (marking the
   * request so {@link batchRequestOf} finds it), else undefined.
   */
  recognise(request: FastifyRequest): BatchRequestContext | undefined {
    const header = request.headers[BATCH_REQUEST_HEADER];
    const token = Array.isArray(header) ? header[0] : header;
    const context = token ? this.#tokens.get(token) : undefined;
    if (context) contexts.set(request.raw, context);
    return context;
  }
}
