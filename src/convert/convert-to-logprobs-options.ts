import type { GenerationConfig } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import { Errors } from '../core/errors.js';

/**
 * `responseLogprobs` + `logprobs` → the engine's `logprobs` option, or undefined. The API's
 * rules on them (`logprobs` in [0, 20], and only with `responseLogprobs: true`) were checked
 * with the request (src/api/gemini/validate-logprobs.ts); an engine that has no token
 * probabilities refuses them here.
 */
export function convertToLogprobsOptions(c: GenerationConfig | undefined, entry: CatalogEntry): { top: number } | undefined {
  if (!c?.responseLogprobs) return undefined;
  if (!entry.engine.capabilities.logprobs) throw Errors.capabilityUnsupported(entry.definition.id, 'Log probabilities (responseLogprobs)');
  return { top: c.logprobs ?? 0 };
}
