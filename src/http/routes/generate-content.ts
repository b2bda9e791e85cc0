import type { GenerateContentResponse } from '../../api/gemini/types.js';
import { CACHE_HEADER, ENGINE_HEADER, MEDIA_PATH_HEADER } from '../gemserve-headers.js';
import { callOf, type MethodContext } from '../method-context.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:generateContent`: the request goes to the generation service,
 * aborted if the client disconnects (freeing the engine) or its `X-Server-Timeout` passes (504),
 * and its answer is written as JSON with gemserve's headers.
 */
export async function generateContent(ctx: MethodContext): Promise<GenerateContentResponse> {
  const watch = watchRequest(ctx.request, ctx.reply);
  try {
    const answer = await ctx.service.generate(callOf(ctx, watch.signal));
    if (answer.cache) ctx.reply.header(CACHE_HEADER, answer.cache);
    if (answer.routedTo) ctx.reply.header(ENGINE_HEADER, answer.routedTo);
    if (answer.mediaPaths.length > 0) ctx.reply.header(MEDIA_PATH_HEADER, answer.mediaPaths.join(', '));
    return answer.response;
  } finally {
    watch.dispose();
  }
}
