import type { BatchEmbedContentsResponse, EmbedContentResponse } from '../../api/gemini/types.js';
import { callOf, type MethodContext } from '../method-context.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:embedContent` (`{content, taskType?, title?,
 * outputDimensionality?}` → `{embedding}`) and `:batchEmbedContents` (`{requests}` →
 * `{embeddings}`, in order), both SDKs' way even for one text: the generation service embeds
 * (generation/embed/).
 */
export async function embedContent(ctx: MethodContext): Promise<EmbedContentResponse> {
  const [embedding] = await embed(ctx);
  return { embedding };
}

export async function batchEmbedContents(ctx: MethodContext): Promise<BatchEmbedContentsResponse> {
  return { embeddings: await embed(ctx) };
}

async function embed(ctx: MethodContext) {
  const watch = watchRequest(ctx.request, ctx.reply);
  try {
    return await ctx.service.embed(callOf(ctx, watch.signal));
  } finally {
    watch.dispose();
  }
}
