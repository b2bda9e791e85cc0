import type { GenerateContentRequest, GenerateContentResponse } from '../api/gemini/types.js';
import type { ChatMessage } from '../core/engine.js';
import { isPromptBlocklisted } from '../convert/check-prompt-blocklist.js';
import { convertToBlockedPromptResponse } from '../convert/convert-to-blocked-prompt-response.js';
import type { MethodContext } from './method-context.js';
import { newResponseMeta } from './new-response-meta.js';

/**
 * The generate routes' prompt screen: when the server's blocklist matches the prompt, the
 * response Gemini gives a blocked prompt (200, `promptFeedback.blockReason: BLOCKLIST`, no
 * candidates), else undefined. Nothing is generated; the engine only counts the prompt's
 * tokens, so `usageMetadata.promptTokenCount` is what a generation would have reported.
 */
export async function answerBlockedPrompt(
  ctx: MethodContext, req: GenerateContentRequest, messages: ChatMessage[],
): Promise<GenerateContentResponse | undefined> {
  if (!ctx.blocklist || !isPromptBlocklisted(req, ctx.blocklist)) return undefined;
  const prompt = await ctx.entry.engine.countTokens({ messages });
  return convertToBlockedPromptResponse(prompt, newResponseMeta(ctx.entry));
}

/** The blocked-prompt response as the one chunk of a stream. */
export async function* oneChunk(response: GenerateContentResponse): AsyncGenerator<GenerateContentResponse> {
  yield response;
}
