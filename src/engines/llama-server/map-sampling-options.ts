import type { SamplingOptions } from '../../core/engine.js';
import { candidateSeed } from '../shared/candidate-seed.js';

/** The llama-server request fields a request's sampling settings decide (tools/server/server-schema.cpp). */
export interface LlamaServerSampling {
  temperature: number;
  top_k: number;
  top_p: number;
  min_p: number;
  seed?: number;
  presence_penalty: number;
  frequency_penalty: number;
  repeat_penalty: number;
  repeat_last_n: number;
  n_predict: number;
  stop?: string[];
}

/**
 * node-llama-cpp's defaults for unset values (LlamaContext.js `_resolveSamplerConfig`), so an
 * unset field samples the same on both llama.cpp engines: llama-server's own defaults differ
 * (temperature 0.8, min_p 0.05; `llama-server --help`).
 */
const DEFAULTS = { temperature: 0, topK: 40, topP: 0.95 } as const;

/**
 * SamplingOptions → llama-server request fields for candidate `candidate`, producing at most
 * `maxTokens` tokens (maxOutputTokens already lowered to the room left in the context).
 *
 * - temperature / top_k / top_p map 1:1 (unset: see DEFAULTS; temperature 0 is greedy in
 *   llama.cpp). `min_p` is set to 0: Gemini has no min-p, and llama-server's default 0.05
 *   would silently cut the tail that top_p keeps.
 * - seed: `seed + candidate` (candidate-seed.ts), as the embedded engine; none → random.
 * - presence / frequency penalties: llama.cpp's additive penalties, as Gemini defines them; the
 *   multiplicative `repeat_penalty` has no Gemini counterpart and stays off (1). llama-server
 *   feeds the prompt into the penalty window too (server-context.cpp `init_sampler`), so the
 *   window is the reply's length: early tokens also see the end of the prompt, a small
 *   difference from Gemini's "tokens in the response" that llama-server offers no way around.
 * - stopSequences → `stop`: llama-server cuts the output before a stop string and never sends it.
 */
export function mapSamplingOptions(sampling: SamplingOptions, candidate: number, maxTokens: number): LlamaServerSampling {
  const stops = sampling.stopSequences.filter((s) => s.length > 0);
  return {
    temperature: sampling.temperature ?? DEFAULTS.temperature,
    top_k: sampling.topK ?? DEFAULTS.topK,
    top_p: sampling.topP ?? DEFAULTS.topP,
    min_p: 0,
    ...(sampling.seed === undefined ? {} : { seed: candidateSeed(sampling.seed, candidate) }),
    presence_penalty: sampling.presencePenalty ?? 0,
    frequency_penalty: sampling.frequencyPenalty ?? 0,
    repeat_penalty: 1,
    repeat_last_n: Math.max(1, maxTokens),
    n_predict: maxTokens,
    ...(stops.length ? { stop: stops } : {}),
  };
}
