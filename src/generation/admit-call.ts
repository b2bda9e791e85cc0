import { Errors } from '../core/errors.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import type { CallBase } from './generation-call.js';

/**
 * The model methods the generate rate limits (rpm, tpm, rpd) apply to: the ones that run the
 * model. Embeddings are limited per embedding model like generation per text model (one request
 * per call, a batch included; tokens from their usage); Google names those quotas apart ("Batch
 * Embed Content API requests", langgenius/dify#28720), gemserve's 429 reuses the generate quota
 * names. Creating a cached content evaluates its whole prompt (and is billed at the input rate,
 * ai.google.dev/gemini-api/docs/caching), so it is a request of its model like generateContent.
 */
export const LIMITED_METHODS: ReadonlySet<string> = new Set(['generateContent', 'streamGenerateContent', 'embedContent', 'batchEmbedContents', 'createCachedContent']);

/**
 * Admits a call under the rate limits, or throws Google's 429 (`Errors.quotaExceeded`, with
 * QuotaFailure, RetryInfo and Retry-After), before any work; a refused call takes nothing from
 * any quota. countTokens is limited under a quota of its own (`RateLimiter.admitCountTokens`,
 * Google's 3,000 a minute by default), not the generate ones: it generates nothing, and counting
 * it against them would refuse the calls clients make to stay under them. Batch requests are not
 * limited here: they were admitted as a batch, and Google meters them apart from interactive quotas.
 */
export async function admitCall(limiter: RateLimiter | undefined, call: Pick<CallBase, 'caller' | 'requestedModel' | 'method' | 'batch'>): Promise<void> {
  if (!limiter || call.batch) return;
  const model = call.requestedModel.replace(/^models\//, '');
  const admission = call.method === 'countTokens'
    ? await limiter.admitCountTokens(call.caller, model)
    : LIMITED_METHODS.has(call.method) ? await limiter.admit(call.caller, model) : undefined;
  if (admission && !admission.admitted) throw Errors.quotaExceeded(admission.violations, admission.retryAfterMs);
}
