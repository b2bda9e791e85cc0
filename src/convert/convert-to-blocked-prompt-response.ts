import type { GenerateContentResponse } from '../api/gemini/types.js';
import type { PromptTokenCount } from '../core/engine.js';
import type { ResponseMeta } from './convert-to-gemini-response.js';
import { convertToUsageMetadata } from './convert-to-usage-metadata.js';

/**
 * The answer to a blocked prompt, as Gemini gives it: HTTP 200 with `promptFeedback.blockReason`
 * and no `candidates` (`PromptFeedback.block_reason`: "If set, the prompt was blocked and no
 * candidates are returned", generative_service.proto). Usage counts the prompt alone, with no
 * `candidatesTokenCount`, as in Google's documented example of a blocked prompt (`{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"},
 * "usageMetadata":{"promptTokenCount":7,"totalTokenCount":7}}`, cloud.google.com/vertex-ai/
 * generative-ai/docs/multimodal/configure-safety-attributes). `safetyRatings` is omitted: no
 * classifier rated the prompt. A stream sends this one response as its only chunk.
 */
export function convertToBlockedPromptResponse(
  prompt: PromptTokenCount, meta: ResponseMeta, blockReason: 'BLOCKLIST' = 'BLOCKLIST',
): GenerateContentResponse {
  const { candidatesTokenCount: _none, ...usageMetadata } = convertToUsageMetadata(prompt, 0);
  return {
    promptFeedback: { blockReason },
    usageMetadata,
    modelVersion: meta.modelVersion,
    responseId: meta.responseId,
  };
}
