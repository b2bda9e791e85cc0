import type { GenerateContentRequest } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { GenerateInput } from '../core/engine.js';
import { checkThoughtSignatures } from './check-thought-signatures.js';
import { convertToChatMessages } from './convert-to-chat-messages.js';
import { convertToResponseFormat } from './convert-to-response-format.js';
import { convertToSamplingOptions } from './convert-to-sampling-options.js';
import { convertToLogprobsOptions } from './convert-to-logprobs-options.js';
import { convertToThinkingOptions } from './convert-to-thinking-options.js';
import { convertToToolOptions } from './convert-to-tool-options.js';
import { refuseUnsupportedFeatures, type ServerFeatures } from './refuse-unsupported-features.js';
import { NO_MEDIA, type ResolvedMedia } from './resolved-media.js';
import { ThoughtSigner } from './thought-signer.js';

/**
 * A validated GenerateContentRequest → everything the engine's `stream` needs but the abort
 * signal, which belongs to the HTTP exchange. `media` holds the request's media parts as the
 * media step resolved them (src/media/). Throws a 400 for what the model or engine cannot do
 * (see `refuse-unsupported-features.ts`) and, on Gemini 3 models, for thought signatures missing
 * or not verifying under `signer` (the server's; see `check-thought-signatures.ts`).
 */
export function convertToGenerateInput(
  req: GenerateContentRequest, entry: CatalogEntry, media: ResolvedMedia = NO_MEDIA, features: ServerFeatures = {},
  signer: ThoughtSigner = UNKNOWN_KEY,
): Omit<GenerateInput, 'signal'> {
  refuseUnsupportedFeatures(req, entry, features);
  checkThoughtSignatures(req.contents, entry, signer);
  const { sampling, candidateCount } = convertToSamplingOptions(req.generationConfig, entry);
  const responseFormat = convertToResponseFormat(req.generationConfig);
  const tools = convertToToolOptions(req.tools, req.toolConfig);
  const { thinking } = convertToThinkingOptions(req.generationConfig?.thinkingConfig, entry);
  const logprobs = convertToLogprobsOptions(req.generationConfig, entry);
  return {
    ...(responseFormat ? { responseFormat } : {}),
    ...(tools ? { tools } : {}),
    ...(thinking ? { thinking } : {}),
    ...(logprobs ? { logprobs } : {}),
    messages: convertToChatMessages(req.contents, req.systemInstruction, entry.definition.id, media),
    sampling,
    candidateCount,
  };
}

/** Without the server's signer, no gemserve signature verifies. */
const UNKNOWN_KEY = new ThoughtSigner();
