import type { FastifyRequest } from 'fastify';
import { Errors } from '../core/errors.js';
import type { Caller } from '../gateway/caller.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import { batchRequestOf } from './batch/batch-request.js';

/**
 * The model methods rate limits apply to: the ones that run the model. countTokens is not
 * limited: it generates nothing, and Google gives it its own, far higher quota (GEMINI-API.md
 * §3), so counting it against the generate limits would refuse the calls clients make to stay
 * under them. Embeddings are limited per embedding model like generation per text model (one
 * request per call, a batch included; tokens from their usage); Google names those quotas
 * apart ("Batch Embed Content API requests", langgenius/dify#28720), gemserve's 429 reuses the
 * generate quota names.
 */
export const LIMITED_METHODS: ReadonlySet<string> = new Set(['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents']);

/**
 * Who a request counts against: `request.caller` once authentication sets it (API keys), else
 * the caller its key names (`request.callerId`).
 */
export function callerOf(request: FastifyRequest): Caller {
  const caller = (request as FastifyRequest & { caller?: Caller }).caller;
  return caller ?? { id: request.callerId, name: request.callerId };
}

/**
 * Admits a model method call under the rate limits, or throws Google's 429
 * (`Errors.quotaExceeded`, with QuotaFailure, RetryInfo and Retry-After). Called by the
 * model-method route once the model and method are known to exist (an unknown model stays a
 * 404), before any work; `model` is the id as requested, without `models/`.
 */
export async function enforceLimits(
  limiter: RateLimiter | undefined,
  request: FastifyRequest,
  model: string,
  method: string,
): Promise<void> {
  // Batch requests were admitted as a batch; Google meters them apart from interactive quotas.
  if (!limiter || !LIMITED_METHODS.has(method) || batchRequestOf(request)) return;
  const admission = await limiter.admit(callerOf(request), model);
  if (!admission.admitted) throw Errors.quotaExceeded(admission.violations, admission.retryAfterMs);
}
