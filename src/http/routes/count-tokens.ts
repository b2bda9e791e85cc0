import type { CountTokensResponse } from '../../api/gemini/types.js';
import { convertToCountTokensInput } from '../../convert/convert-to-count-tokens-input.js';
import { convertToCountTokensResponse } from '../../convert/convert-to-usage-metadata.js';
import { applyCachedContent } from '../apply-cached-content.js';
import { meterGeneration } from '../meter-generation.js';
import type { MethodContext } from '../method-context.js';
import { parseCountTokensRequest } from '../parse-gemini-request.js';
import { resolveRequestMedia } from '../resolve-request-media.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:countTokens`, with `{contents}` or `{generateContentRequest}`.
 * The total equals the `promptTokenCount` generateContent reports for the same input, media
 * included (the same media step prepares it; a client that leaves stops its decoders).
 * Metered like generation, with nothing generated (meter-generation.ts). A `generateContentRequest`
 * naming a `cachedContent` is counted with the cache's parts, and the cache's size reported as
 * `cachedContentTokenCount` (CountTokensResponse).
 */
export function countTokens(ctx: MethodContext): Promise<CountTokensResponse> {
  return meterGeneration(ctx, 'countTokens', async (meter) => meter.counted(await count(ctx)));
}

async function count(ctx: MethodContext): Promise<CountTokensResponse> {
  const parsed = parseCountTokensRequest(ctx.request.body);
  // A cache is named inside `generateContentRequest` (CountTokensRequest has no field of its own).
  const nested = parsed.generateContentRequest && await applyCachedContent(ctx, parsed.generateContentRequest);
  const req = nested ? { ...parsed, generateContentRequest: nested.req } : parsed;
  const watch = watchRequest(ctx.request, ctx.reply);
  try {
    const input = convertToCountTokensInput(req, ctx.entry, await resolveRequestMedia(ctx, req, watch.signal));
    const response = convertToCountTokensResponse(await ctx.entry.engine.countTokens(input));
    // totalTokens counts the whole prompt, the cached part included, as promptTokenCount does.
    return nested?.use ? { ...response, cachedContentTokenCount: nested.use.totalTokenCount } : response;
  } catch (e) {
    throw watch.abortReason() ?? e;
  } finally {
    watch.dispose();
  }
}
