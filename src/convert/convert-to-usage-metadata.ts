import type { CountTokensResponse, UsageMetadata } from '../api/gemini/types.js';

/**
 * Token counts → Gemini `usageMetadata`. `candidatesTokenCount` is the sum over all candidates
 * and `totalTokenCount` = prompt + candidates (no thoughts, tool-use prompts or cache yet;
 * GEMINI-API.md TL;DR 10). Engines take text only, so the whole prompt is TEXT modality.
 */
export function convertToUsageMetadata(promptTokens: number, candidatesTokens: number): UsageMetadata {
  return {
    promptTokenCount: promptTokens,
    candidatesTokenCount: candidatesTokens,
    totalTokenCount: promptTokens + candidatesTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
}

/** An engine token count → the countTokens response, with the same modality breakdown. */
export function convertToCountTokensResponse(totalTokens: number): CountTokensResponse {
  return { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] };
}
