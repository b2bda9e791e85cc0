import { Errors } from '../core/errors.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import type { CallBase } from './generation-call.js';

/**
 * The model methods rate limits apply to: the ones that run the model. countTokens is not
 * limited: it generates nothing, and Google gives it its own, far higher quota
 * (ai.google.dev/gemini-api/docs/rate-limits), so counting it against the generate limits would
 * refuse the calls clients make to stay under them. Embeddings are limited per embedding model
 * like generation per text model (one request per call, a batch included; tokens from their
 * usage); Google names those quotas apart ("Batch Embed Content API requests",
 * langgenius/dify#28720), gemserve's 429 reuses the generate quota names. Creating a cached
 * content evaluates its whole prompt (and is billed at the input rate,
 * ai.google.dev/gemini-api/docs/caching), so it is a request of its model like generateContent.
 */
export const LIMITED_METHODS: ReadonlySet<string> = new Set(['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents', 'createCachedContent']);

/**
 * Admits a call under the rate limits, or throws Google's 429 (`Errors.quotaExceeded`, with
 * QuotaFailure, RetryInfo and Retry-After), before any work. Batch requests are not limited here:
 * they were admitted as a batch, and Google meters them apart from interactive quotas.
 */
export async function admitCall(limiter: RateLimiter | undefined, call: Pick<CallBase, 'caller' | 'requestedModel' | 'method' | 'batch'>): Promise<void> {
  if (!limiter || !LIMITED_METHODS.has(call.method) || call.batch) return;
  const admission = await limiter.admit(call.caller, call.requestedModel.replace(/^models\//, ''));
  if (!admission.admitted) throw Errors.quotaExceeded(admission.violations, admission.retryAfterMs);
}
