import type { GenerationConfig } from '../api/gemini/types.js';
import type { CatalogEntry } from '../core/catalog/model-catalog.js';
import type { SamplingOptions } from '../core/engine.js';

/** What a generationConfig becomes for the engine. */
export interface SamplingPlan {
  sampling: SamplingOptions;
  candidateCount: number;
}

/**
 * A validated `generationConfig` + the model's definition + the engine's capabilities →
 * engine `SamplingOptions` and the candidate count.
 *
 * - Absent temperature/topP/topK take the model's defaults as ListModels advertises them
 *   (`Model.temperature`, `topP`, `topK`), so a served model behaves as its listing says.
 * - `topK` 0 means unset (Google answers 200 to it); above the model's `maxTopK` it is clamped,
 *   never refused: the documented quirk of the 1.5 "002" models (gemini-models.ts).
 * - `maxOutputTokens` defaults to the model's `outputTokenLimit` (Google: "The default value
 *   varies by model, see the Model.output_token_limit attribute", GenerationConfig in the
 *   v1beta discovery document), and is capped by that limit and by the engine's context.
 * - `stopSequences` default to none; empty strings among them are dropped (they cannot mark
 *   where to stop, and some engines would stop at once on them).
 *
 * Capability refusals (candidates, modalities, structured output, thinking, logprobs) happen
 * before this, in `refuse-unsupported-features.ts`.
 */
export function convertToSamplingOptions(config: GenerationConfig | undefined, entry: CatalogEntry): SamplingPlan {
  const def = entry.definition;
  const c = config ?? {};
  const outputCap = Math.min(def.outputTokenLimit, entry.engine.capabilities.contextTokens);
  const topK = c.topK ? c.topK : def.topK;
  const sampling: SamplingOptions = {
    temperature: c.temperature ?? def.temperature,
    topP: c.topP ?? def.topP,
    topK: def.maxTopK !== undefined ? Math.min(topK, def.maxTopK) : topK,
    maxOutputTokens: Math.min(c.maxOutputTokens ?? outputCap, outputCap),
    stopSequences: (c.stopSequences ?? []).filter((s) => s !== ''),
  };
  if (c.seed !== undefined) sampling.seed = c.seed;
  if (c.presencePenalty !== undefined) sampling.presencePenalty = c.presencePenalty;
  if (c.frequencyPenalty !== undefined) sampling.frequencyPenalty = c.frequencyPenalty;
  return { sampling, candidateCount: c.candidateCount ?? 1 };
}
