import type { GenerationConfig } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import { Errors } from '../core/errors.js';

/**
 * Gemini's ceiling on `logprobs` (GenerationConfig.logprobs: "the number of top logprobs to
 * return at each decoding step ... in the range of [0, 20]", generativelanguage v1beta).
 */
export const MAX_TOP_LOGPROBS = 20;

/**
 * `responseLogprobs` + `logprobs` → the engine's `logprobs` option, or undefined. `logprobs`
 * is only valid with `responseLogprobs: true` (its documentation says so); without it, or out
 * of range, the request is a 400, and an engine that has no token probabilities refuses it.
 */
export function convertToLogprobsOptions(c: GenerationConfig | undefined, entry: CatalogEntry): { top: number } | undefined {
  const top = c?.logprobs;
  if (top !== undefined && (!Number.isInteger(top) || top < 0 || top > MAX_TOP_LOGPROBS)) {
    throw Errors.invalidArgument(`logprobs must be between 0 and ${MAX_TOP_LOGPROBS}, got ${top}.`, 'generation_config.logprobs');
  }
  if (!c?.responseLogprobs) {
    if (top) throw Errors.invalidArgument('logprobs is only valid when responseLogprobs is true.', 'generation_config.logprobs');
    return undefined;
  }
  if (!entry.engine.capabilities.logprobs) throw Errors.capabilityUnsupported(entry.definition.id, 'Log probabilities (responseLogprobs)');
  return { top: top ?? 0 };
}
