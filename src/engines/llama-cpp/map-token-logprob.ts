import type { TokenLogprob } from '../../core/engine.js';

/**
 * The smallest positive float32: llama.cpp computes probabilities in float32, so a sampled
 * token's probability is at least this; it keeps a logprob finite (JSON has no -Infinity).
 */
const MIN_PROBABILITY = 1.4e-45;

/**
 * One sampled token's log probability and the `top` most likely tokens of that step, from
 * node-llama-cpp's `evaluateWithMetadata(..., {confidence: true, probabilities: top > 0})`:
 * `confidence` is the chosen token's probability, `probabilities` a map of token → probability.
 *
 * What the map holds (read in node-llama-cpp 3.22.1's llama/addon/AddonContext.cpp,
 * `AddonContextSampleTokenWorker::SampleToken`, and AddonSampler.cpp; measured on the test
 * models): the softmax of the candidates left after the whole sampler chain, i.e. the
 * distribution the token was actually drawn from, most likely first.
 * - temperature > 0: after penalties, the grammar, top-k, top-p and temperature, renormalised
 *   over the survivors (topK 3 gives 3 entries summing to 1; temperature 0.5 sharpens it).
 * - temperature 0 (greedy): the chain is penalties, grammar and argmax, which leaves the logits
 *   alone, so it is the model's full softmax over the vocabulary at temperature 1 (all tokens),
 *   and the chosen token is the first entry.
 * - with a grammar, asking for either value makes the addon apply the grammar to every
 *   candidate first (`forceGrammar`), so rejected tokens have probability 0 and the rest share 1.
 *
 * Gemini documents `logProbability` only as the candidate's "log probability"; gemserve reports
 * the sampling distribution: a chosen token's logprob is how likely it was to be chosen with the
 * request's settings, and `avgLogprobs` the mean log-likelihood of the reply as sampled. (The
 * model's raw distribution before top-k/top-p/temperature is not available from this API while
 * sampling with them; greedy requests get exactly that raw distribution.)
 * Tokens with probability 0 (cut by top-k/top-p or the grammar) are not listed, so `top` is
 * shorter when fewer than `top` remain.
 */
export function mapTokenLogprob(
  token: number,
  sampled: { confidence: number; probabilities?: ReadonlyMap<number, number> },
  top: number,
  textOf: (token: number) => string,
): TokenLogprob {
  const { probabilities } = sampled;
  const alternatives: TokenLogprob['top'] = [];
  if (top > 0 && probabilities) {
    for (const [id, p] of probabilities) {
      if (!(p > 0)) break;
      alternatives.push({ token: textOf(id), tokenId: id, logprob: logOf(p) });
      if (alternatives.length >= top) break;
    }
  }
  // `confidence` is the same number (`probabilities.get(token)`), without building the map.
  const p = probabilities?.get(token) ?? sampled.confidence;
  return { token: textOf(token), tokenId: token, logprob: logOf(p), top: alternatives };
}

const logOf = (p: number) => Math.log(Math.max(p, MIN_PROBABILITY));
