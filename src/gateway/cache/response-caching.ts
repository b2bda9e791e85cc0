import type { GenerateContentRequest } from '../../api/gemini/types.js';
import type { CachedGeneration, ResponseCache } from './response-cache.js';
import { responseCacheKey } from './response-cache-key.js';
import { isCacheableRequest, type ResponseCachePolicy } from './response-cache-policy.js';

/** The response cache as the server uses it: the store, the policy, and who wants to hear of lookups. */
export interface ResponseCaching {
  cache: ResponseCache;
  policy: ResponseCachePolicy;
  /** Called on every lookup (metrics' `onCacheLookup`). */
  onLookup?: (hit: boolean) => void;
  /** A failed store write: logged by the caller; the response itself is unaffected. */
  onError?: (error: unknown) => void;
}

/** Who asks, and for what, as the generate routes know it. */
export interface CacheLookupRequest {
  /** `request.caller.id`. */
  callerId: string;
  /** The resolved model id. */
  model: string;
  /** The engine's kind and label. */
  engine: string;
  request: GenerateContentRequest;
}

/** The key to look up and store under, or undefined when the policy leaves this request to the engine. */
export function responseCacheKeyFor(caching: ResponseCaching, what: CacheLookupRequest): string | undefined {
  if (!isCacheableRequest(what.request, caching.policy)) return undefined;
  return responseCacheKey({
    partition: caching.policy.shared ? '*' : what.callerId,
    model: what.model,
    engine: what.engine,
    request: what.request,
  });
}

/**
 * Looks the key up, telling `onLookup`. A store that fails to read (a locked or broken SQLite
 * file) counts as a miss, reported to `onError`: the engine can still answer.
 */
export async function lookupResponse(caching: ResponseCaching, key: string): Promise<CachedGeneration | undefined> {
  let cached: CachedGeneration | undefined;
  try {
    cached = await caching.cache.get(key);
  } catch (e) {
    caching.onError?.(e);
  }
  caching.onLookup?.(cached !== undefined);
  return cached;
}
