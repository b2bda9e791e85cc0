import type { Candidate, GenerateContentResponse } from '../api/gemini/types.js';
import type { GenerationResult } from '../core/engine.js';
import { convertToUsageMetadata } from './convert-to-usage-metadata.js';
import { mapFinishReason } from './map-finish-reason.js';

/** What every response and stream chunk repeats (GEMINI-API.md §1.3, §2.6). */
export interface ResponseMeta {
  /** The model that ran, e.g. `gemini-2.0-flash` (for an alias, its target, as Google reports it). */
  modelVersion: string;
  /** Fresh per response; identical on every chunk of one stream. */
  responseId: string;
}

/**
 * A completed generation → the unary `GenerateContentResponse`.
 *
 * Each candidate has `content: {role: 'model', parts: [{text}]}`. A candidate that produced
 * nothing still gets one part, `{text: ''}`, which is what Google itself returns then
 * (e.g. MAX_TOKENS after 0 tokens); `parts` is never empty, since the JS SDK's chat drops
 * responses with empty `parts` (`isValidContent` in src/chats.ts).
 */
export function convertToGeminiResponse(result: GenerationResult, meta: ResponseMeta): GenerateContentResponse {
  const candidates: Candidate[] = [];
  let candidatesTokens = 0;
  result.candidates.forEach((c, index) => {
    if (!c) return;
    candidatesTokens += c.tokens;
    candidates.push({
      content: { role: 'model', parts: [{ text: c.text }] },
      finishReason: mapFinishReason(c.finishReason),
      index,
    });
  });
  return {
    candidates,
    usageMetadata: convertToUsageMetadata({ total: result.promptTokens, byModality: result.promptByModality }, candidatesTokens),
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  };
}
