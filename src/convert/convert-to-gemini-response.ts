import type { Candidate, GenerateContentResponse } from '../api/gemini/types.js';
import type { GenerationResult } from '../core/engine.js';
import { convertToLogprobsResult } from './convert-to-logprobs-result.js';
import { CallNumbering, convertToOutputParts, type OutputOptions } from './convert-to-output-parts.js';
import { convertToUsageMetadata } from './convert-to-usage-metadata.js';
import { mapFinishReason } from './map-finish-reason.js';

/**
 * What every response and stream chunk repeats (`GenerateContentResponse`, generative_service.proto;
 * Google's streams carry both on every chunk, observed).
 */
export interface ResponseMeta {
  /** The model that ran, e.g. `gemini-2.0-flash` (for an alias, its target, as Google reports it). */
  modelVersion: string;
  /** Fresh per response; identical on every chunk of one stream. */
  responseId: string;
}

/**
 * A completed generation → the unary `GenerateContentResponse`.
 *
 * Each candidate has `content: {role: 'model', parts}`: thoughts when asked for, text, function
 * calls with ids, thought signatures where Gemini 3 puts them (convert-to-output-parts.ts). A candidate that produced nothing still gets one
 * part, `{text: ''}`, which is what Google itself returns then (e.g. MAX_TOKENS after 0
 * tokens); `parts` is never empty, since the JS SDK's chat drops responses with empty `parts`
 * (`isValidContent` in src/chats.ts). A candidate that called functions finishes with STOP, as
 * Gemini's do (observed; `Candidate.FinishReason` in generative_service.proto has no tool-call
 * reason).
 */
export function convertToGeminiResponse(
  result: GenerationResult, meta: ResponseMeta, opts: OutputOptions = { includeThoughts: false },
): GenerateContentResponse {
  const candidates: Candidate[] = [];
  const calls = new CallNumbering(meta.responseId, opts.signatures);
  let candidatesTokens = 0;
  let thoughtsTokens = 0;
  result.candidates.forEach((c, index) => {
    if (!c) return;
    candidatesTokens += c.tokens;
    thoughtsTokens += c.thoughtTokens;
    candidates.push({
      content: { role: 'model', parts: convertToOutputParts(c.parts, index, calls, opts) },
      finishReason: mapFinishReason(c.finishReason),
      index,
      ...(opts.logprobsTop !== undefined && c.logprobs ? convertToLogprobsResult(c.logprobs, opts.logprobsTop > 0) : {}),
    });
  });
  return {
    candidates,
    usageMetadata: convertToUsageMetadata(
      { total: result.promptTokens, byModality: result.promptByModality }, candidatesTokens, thoughtsTokens),
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  };
}
