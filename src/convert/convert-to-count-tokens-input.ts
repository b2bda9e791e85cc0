import type { CountTokensRequest } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { CountTokensInput } from '../core/engine.js';
import { convertToChatMessages } from './convert-to-chat-messages.js';
import { convertToThinkingOptions } from './convert-to-thinking-options.js';
import { convertToToolOptions } from './convert-to-tool-options.js';
import { refuseUnsupportedInputs } from './refuse-unsupported-features.js';
import { NO_MEDIA, type ResolvedMedia } from './resolved-media.js';

/**
 * A validated CountTokensRequest (either shape) → the engine's `countTokens` input.
 *
 * It goes through the same `convertToChatMessages` as generateContent, so `totalTokens` equals
 * the `promptTokenCount` a generateContent of the same contents (and system instruction)
 * reports, media parts included (both take the same `media`, see src/media/). The nested
 * `generateContentRequest` wins over top-level `contents` (generative_service.proto: contents
 * "is ignored when generate_content_request is set"); its function declarations are counted
 * too, as the engine renders them into the prompt, and so is whether it would think (a thinking
 * prompt ends in an open thought), so the count equals that generation's `promptTokenCount`.
 */
export function convertToCountTokensInput(req: CountTokensRequest, entry: CatalogEntry, media: ResolvedMedia = NO_MEDIA): CountTokensInput {
  const nested = req.generateContentRequest;
  if (nested) {
    // Code execution is not an engine feature, and it adds nothing to the prompt, so counting
    // never refuses it.
    refuseUnsupportedInputs(nested, entry, { codeExecution: true });
    const tools = convertToToolOptions(nested.tools, nested.toolConfig);
    const { thinking } = convertToThinkingOptions(nested.generationConfig?.thinkingConfig, entry);
    return {
      messages: convertToChatMessages(nested.contents, nested.systemInstruction, entry.definition.id, media),
      ...(tools ? { tools } : {}),
      ...(thinking ? { thinking } : {}),
    };
  }
  // The model's default: a thinking model's generation thinks unless told otherwise.
  const { thinking } = convertToThinkingOptions(undefined, entry);
  return { messages: convertToChatMessages(req.contents ?? [], undefined, entry.definition.id, media), ...(thinking ? { thinking } : {}) };
}
