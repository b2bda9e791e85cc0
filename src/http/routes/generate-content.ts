import type { GenerateContentResponse } from '../../api/gemini/types.js';
import { collectGeneration } from '../../core/engine.js';
import { convertToGeminiResponse } from '../../convert/convert-to-gemini-response.js';
import { convertToGenerateInput } from '../../convert/convert-to-generate-input.js';
import { convertToOutputOptions } from '../../convert/convert-to-output-parts.js';
import { answerBlockedPrompt } from '../answer-blocked-prompt.js';
import { applyCachedContent, cachedPrefixOf, withCachedContentTokens } from '../apply-cached-content.js';
import { meterGeneration } from '../meter-generation.js';
import type { MethodContext } from '../method-context.js';
import { parseGenerateContentRequest } from '../parse-gemini-request.js';
import { resolveRequestMedia } from '../resolve-request-media.js';
import { startGeneration } from '../start-generation.js';
import { watchRequest } from '../watch-request.js';

/**
 * `POST /{version}/models/{id}:generateContent`. The generation (and the media step before it)
 * is aborted if the client disconnects (freeing the engine) or its `X-Server-Timeout` passes (504).
 * Its usage (the response's `usageMetadata`) goes to the usage sinks (meter-generation.ts).
 */
export function generateContent(ctx: MethodContext): Promise<GenerateContentResponse> {
  return meterGeneration(ctx, 'generateContent', async (meter) => meter.sent(await generate(ctx)));
}

async function generate(ctx: MethodContext): Promise<GenerateContentResponse> {
  const { request, reply, entry } = ctx;
  const { req, use } = await applyCachedContent(ctx, parseGenerateContentRequest(request.body));
  const watch = watchRequest(request, reply);
  try {
    let result;
    let meta;
    try {
      const media = await resolveRequestMedia(ctx, req, watch.signal);
      const input = convertToGenerateInput(req, entry, media, { codeExecution: ctx.codeRunner !== undefined });
      if (use) input.cachedPrefix = cachedPrefixOf(use, entry, media);
      const blocked = await answerBlockedPrompt(ctx, req, input.messages);
      if (blocked) return blocked;
      const generation = await startGeneration(ctx, req, { ...input, signal: watch.signal });
      meta = generation.meta;
      result = await collectGeneration(generation.events);
    } catch (e) {
      // An engine (or a media tool) may throw on abort; the abort's reason is the real story.
      throw watch.abortReason() ?? e;
    }
    const aborted = watch.abortReason();
    if (aborted) throw aborted;
    return withCachedContentTokens(convertToGeminiResponse(result, meta, convertToOutputOptions(req)), use);
  } finally {
    watch.dispose();
  }
}
