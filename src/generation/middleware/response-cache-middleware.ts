import { recordGeneration, replayGeneration } from '../../gateway/cache/record-generation.js';
import { lookupResponse, responseCacheKeyFor, type ResponseCaching } from '../../gateway/cache/response-caching.js';
import type { GenerationMiddleware } from '../generation-middleware.js';

/**
 * The response cache (`--cache`) around the engine: a deterministic request (the cache policy
 * decides) is looked up under a key of the caller, the model, the engine and the canonical
 * request; a stored generation is replayed with its original `responseId` (`hit`, no engine
 * work), else the engine's events are recorded as they pass and stored once the generation
 * completes (`miss`). Other requests go to the engine (`bypass`). The events are converted above
 * either way, so a stored generation answers generateContent and streamGenerateContent alike.
 */
export function responseCacheMiddleware(caching: ResponseCaching): GenerationMiddleware {
  return ({ call, request, meta }, next) => async (input) => {
    const key = responseCacheKeyFor(caching, {
      callerId: call.caller.id,
      model: call.model.definition.id,
      engine: `${call.model.engine.kind}:${call.model.engine.label}`,
      request,
    });
    if (key === undefined) return { ...(await next(input)), cache: 'bypass' };
    const cached = await lookupResponse(caching, key);
    if (cached) {
      return { events: replayGeneration(cached), meta: { responseId: cached.responseId, modelVersion: cached.modelVersion }, cache: 'hit' };
    }
    const run = await next(input);
    const target = { key, ...run.meta, candidateCount: input.candidateCount, signal: input.signal };
    return { ...run, events: recordGeneration(caching, target, run.events), cache: 'miss' };
  };
}
