import type { CountTokensResponse } from '../../api/gemini/types.js';
import { MEDIA_PATH_HEADER } from '../gemserve-headers.js';
import { callOf, type MethodContext } from '../method-context.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:countTokens`, with `{contents}` or `{generateContentRequest}`:
 * counted by the generation service exactly as generateContent would count the prompt (a client
 * that leaves stops its media decoders).
 */
export async function countTokens(ctx: MethodContext): Promise<CountTokensResponse> {
  const watch = watchRequest(ctx.request, ctx.reply);
  try {
    const answer = await ctx.service.countTokens(callOf(ctx, watch.signal));
    if (answer.mediaPaths.length > 0) ctx.reply.header(MEDIA_PATH_HEADER, answer.mediaPaths.join(', '));
    return answer.response;
  } finally {
    watch.dispose();
  }
}
