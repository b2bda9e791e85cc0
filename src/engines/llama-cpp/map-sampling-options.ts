import type { LLamaChatGenerateResponseOptions } from 'node-llama-cpp';
import type { SamplingOptions } from '../../core/engine.js';
import { candidateSeed } from '../shared/candidate-seed.js';

/** The LlamaChat options a request's sampling settings decide. */
export type LlamaSamplingOptions = Pick<
  LLamaChatGenerateResponseOptions,
  'temperature' | 'topP' | 'topK' | 'seed' | 'repeatPenalty' | 'customStopTriggers' | 'maxTokens'
>;

/**
 * SamplingOptions → node-llama-cpp's `generateResponse` options for one candidate.
 *
 * - temperature / topP / topK map 1:1; left undefined they keep node-llama-cpp's defaults
 *   (temperature 0 = greedy, topK 40, topP 0.95; LlamaContext.js `_resolveSamplerConfig`).
 *   The catalog fills Gemini's defaults before a request gets here.
 * - seed: candidate `i` uses `seed + i`, so candidates differ yet a request is reproducible.
 *   llama.cpp seeds are uint32, so it wraps; the one value llama.cpp treats as "random" is
 *   moved off. No seed ⇒ llama.cpp picks a random one per candidate.
 * - presence / frequency penalties: Gemini's definitions ("the token has already been seen
 *   in the response", "…the more times it has been used", GenerationConfig docs) match
 *   llama.cpp's penalties over the response tokens; node-llama-cpp's punish list is the
 *   response so far (LlamaChat.js `getPenaltyTokens`), so `lastTokens` spans the whole reply.
 *   Its multiplicative `penalty` (default 1.1) has no Gemini counterpart: set to 1 (off),
 *   and with neither penalty requested `repeatPenalty: false` turns the sampler stage off.
 * - stopSequences → `customStopTriggers`: LlamaChat stops before them and never streams them.
 * - maxOutputTokens → `maxTokens` (the engine lowers it to the room left in the context).
 */
export function mapSamplingOptions(sampling: SamplingOptions, candidate = 0): LlamaSamplingOptions {
  const { presencePenalty, frequencyPenalty } = sampling;
  const penalize = Boolean(presencePenalty) || Boolean(frequencyPenalty);
  const stops = sampling.stopSequences.filter((s) => s.length > 0);
  return {
    temperature: sampling.temperature,
    topP: sampling.topP,
    topK: sampling.topK,
    seed: sampling.seed === undefined ? undefined : candidateSeed(sampling.seed, candidate),
    repeatPenalty: penalize
      ? {
          penalty: 1,
          presencePenalty: presencePenalty ?? 0,
          frequencyPenalty: frequencyPenalty ?? 0,
          penalizeNewLine: true,
          lastTokens: Math.max(1, sampling.maxOutputTokens),
        }
      : false,
    customStopTriggers: stops.length ? stops : undefined,
    maxTokens: sampling.maxOutputTokens,
  };
}

