import type { CountTokensResponse } from '../../api/gemini/types.js';
import { convertToCountTokensInput } from '../../convert/convert-to-count-tokens-input.js';
import { convertToCountTokensResponse } from '../../convert/convert-to-usage-metadata.js';
import { meterGeneration } from '../meter-generation.js';
import type { MethodContext } from '../method-context.js';
import { parseCountTokensRequest } from '../parse-gemini-request.js';
import { resolveRequestMedia } from '../resolve-request-media.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:countTokens`, with `{contents}` or `{generateContentRequest}`.
 * The total equals the `promptTokenCount` generateContent reports for the same input, media
 * included (the same media step prepares it; a client that leaves stops its decoders).
 * Metered like generation, with nothing generated (meter-generation.ts).
 */
export function countTokens(ctx: MethodContext): Promise<CountTokensResponse> {
  return meterGeneration(ctx, 'countTokens', async (meter) => meter.counted(await count(ctx)));
}

async function count(ctx: MethodContext): Promise<CountTokensResponse> {
  const req = parseCountTokensRequest(ctx.request.body);
  const watch = watchRequest(ctx.request, ctx.reply);
  try {
    const input = convertToCountTokensInput(req, ctx.entry, await resolveRequestMedia(ctx, req, watch.signal));
    return convertToCountTokensResponse(await ctx.entry.engine.countTokens(input));
  } catch (e) {
    throw watch.abortReason() ?? e;
  } finally {
    watch.dispose();
  }
}
