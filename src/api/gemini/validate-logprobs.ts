import type { GenerationConfig } from './generation-config.js';
import type { FieldViolation } from './status.js';

/**
 * Gemini's ceiling on `logprobs` (GenerationConfig.logprobs: "the number of top logprobs to
 * return at each decoding step ... in the range of [0, 20]", generativelanguage v1beta).
 */
export const MAX_TOP_LOGPROBS = 20;

/**
 * The API's rules on `logprobs`: in [0, {@link MAX_TOP_LOGPROBS}] (an int32, check-field-types.ts
 * saw to that), and "Only valid if response_logprobs=True" (the same field's documentation), so a non-zero
 * count without `responseLogprobs` is a 400. Whether the engine has token probabilities is
 * decided with the model (src/convert/convert-to-logprobs-options.ts).
 */
export function validateLogprobs(c: GenerationConfig | undefined): FieldViolation | undefined {
  const top = c?.logprobs;
  if (top !== undefined && (top < 0 || top > MAX_TOP_LOGPROBS)) {
    return { field: 'generation_config.logprobs', description: `logprobs must be between 0 and ${MAX_TOP_LOGPROBS}, got ${top}.` };
  }
  if (top && !c?.responseLogprobs) {
    return { field: 'generation_config.logprobs', description: 'logprobs is only valid when responseLogprobs is true.' };
  }
  return undefined;
}
