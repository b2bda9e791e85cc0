import type { CountTokensResponse, ModalityTokenCount, UsageMetadata } from '../api/gemini/types.js';
import type { PromptTokenCount, TokensByModality } from '../core/engine.js';

/**
 * Token counts → Gemini `usageMetadata`. `candidatesTokenCount` is the sum over all candidates
 * of their answer tokens (function calls included), `thoughtsTokenCount` the thinking tokens
 * (present only when the model thought), and `totalTokenCount` = prompt + candidates + thoughts
 * (`GenerateContentResponseUsageMetadata.totalTokenCount` in js-genai src/types.ts; no tool-use
 * prompts or cache yet). `promptTokensDetails` splits the prompt by modality as the engine
 * counted it (all TEXT when it gave no split).
 */
export function convertToUsageMetadata(prompt: PromptTokenCount, candidatesTokens: number, thoughtsTokens = 0): UsageMetadata {
  return {
    promptTokenCount: prompt.total,
    candidatesTokenCount: candidatesTokens,
    ...(thoughtsTokens > 0 ? { thoughtsTokenCount: thoughtsTokens } : {}),
    totalTokenCount: prompt.total + candidatesTokens + thoughtsTokens,
    promptTokensDetails: convertToModalityDetails(prompt),
  };
}

/** An engine token count → the countTokens response, with the same modality breakdown. */
export function convertToCountTokensResponse(prompt: PromptTokenCount): CountTokensResponse {
  return { totalTokens: prompt.total, promptTokensDetails: convertToModalityDetails(prompt) };
}

/** Gemini lists modalities in this order (TEXT first), omitting those with no tokens. */
const ORDER = ['TEXT', 'IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT'] as const;

function convertToModalityDetails(prompt: PromptTokenCount): ModalityTokenCount[] {
  const by: TokensByModality = prompt.byModality ?? { TEXT: prompt.total };
  const details = ORDER.filter((m) => (by[m] ?? 0) > 0).map((modality) => ({ modality, tokenCount: by[modality] ?? 0 }));
  return details.length ? details : [{ modality: 'TEXT', tokenCount: prompt.total }];
}
