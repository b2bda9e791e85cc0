import type { GenerateContentRequest } from '../../api/gemini/types.js';

/** Which requests the response cache answers, and for whom. */
export interface ResponseCachePolicy {
  /**
   * Cache only requests whose answer is meant to be reproducible: `temperature: 0` or a fixed
   * `seed`, and one candidate. Gemini samples at temperature 1 by default, so a request that
   * sets neither asks for a fresh answer each time; serving it a stored one would change what
   * it means. Default true.
   */
  deterministicOnly: boolean;
  /**
   * Cache requests that turn on the code-execution tool. Default false: the model's Python runs
   * each time (it may read the clock, draw random numbers, take long), and a stored answer would
   * claim a run that did not happen.
   */
  codeExecution: boolean;
  /** Serve one caller's stored answers to other callers (`--cache-shared`). Default false: per caller. */
  shared: boolean;
}

export const DEFAULT_RESPONSE_CACHE_POLICY: ResponseCachePolicy = {
  deterministicOnly: true,
  codeExecution: false,
  shared: false,
};

/**
 * Whether the policy lets this (parsed, validated) request be answered from, and stored in,
 * the cache. Requests naming a `cachedContent` are never cached: that resource can be deleted
 * or expire, and the request must then fail as it would without a response cache.
 */
export function isCacheableRequest(req: GenerateContentRequest, policy: ResponseCachePolicy): boolean {
  if (req.cachedContent !== undefined) return false;
  if (!policy.codeExecution && (req.tools ?? []).some((t) => t.codeExecution !== undefined)) return false;
  if (!policy.deterministicOnly) return true;
  const c = req.generationConfig ?? {};
  if ((c.candidateCount ?? 1) !== 1) return false;
  return c.temperature === 0 || (typeof c.seed === 'number' && Number.isInteger(c.seed));
}
