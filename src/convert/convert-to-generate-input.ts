import type { GenerateContentRequest } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { GenerateInput } from '../core/engine.js';
import { convertToChatMessages } from './convert-to-chat-messages.js';
import { convertToResponseFormat } from './convert-to-response-format.js';
import { convertToSamplingOptions } from './convert-to-sampling-options.js';
import { refuseUnsupportedFeatures } from './refuse-unsupported-features.js';
import { NO_MEDIA, type ResolvedMedia } from './resolved-media.js';

/**
 * A validated GenerateContentRequest → everything the engine's `stream` needs but the abort
 * signal, which belongs to the HTTP exchange. `media` holds the request's media parts as the
 * media step resolved them (src/media/). Throws a 400 for what the model or engine cannot do
 * (see `refuse-unsupported-features.ts`).
 */
export function convertToGenerateInput(
  req: GenerateContentRequest, entry: CatalogEntry, media: ResolvedMedia = NO_MEDIA,
): Omit<GenerateInput, 'signal'> {
  refuseUnsupportedFeatures(req, entry);
  const { sampling, candidateCount } = convertToSamplingOptions(req.generationConfig, entry);
  const responseFormat = convertToResponseFormat(req.generationConfig);
  return {
    ...(responseFormat ? { responseFormat } : {}),
    messages: convertToChatMessages(req.contents, req.systemInstruction, entry.definition.id, media),
    sampling,
    candidateCount,
  };
}
