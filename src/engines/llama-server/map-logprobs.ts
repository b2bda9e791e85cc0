/**
 * llama-server's per-token probabilities → the engine's `TokenLogprob`s. With `logprobs: true`
 * and `top_logprobs: n`, each streamed chunk of `/v1/chat/completions` carries
 * `choices[0].logprobs.content`: one entry per generated token of that chunk, `{id, token,
 * bytes, logprob, top_logprobs: [{id, token, bytes, logprob}]}` (server-task.cpp
 * `completion_token_output::probs_vector_to_json`; the probabilities are the model's, before
 * sampling, since `post_sampling_probs` is off). llama-server writes a probability of 0 as the
 * lowest float rather than -Infinity (JSON has no infinities); that value is kept.
 */
import type { TokenLogprob } from '../../core/engine.js';

/** One entry as llama-server writes it. */
export interface LlamaServerLogprob {
  id: number;
  token: string;
  logprob: number;
  top_logprobs?: Array<{ id: number; token: string; logprob: number }>;
}

/**
 * The `top_logprobs` to ask for: llama-server reports nothing at all for 0 (`n_probs` 0 turns
 * probabilities off), so 0 asks for 1 and {@link mapLogprobs} drops it.
 */
export function requestedTopLogprobs(top: number): number {
  return Math.max(1, top);
}

/** Maps the entries, keeping at most `top` alternatives each, most likely first. */
export function mapLogprobs(entries: readonly LlamaServerLogprob[], top: number): TokenLogprob[] {
  return entries.map((e) => ({
    token: e.token,
    tokenId: e.id,
    logprob: e.logprob,
    top: (e.top_logprobs ?? []).slice(0, top).map((t) => ({ token: t.token, tokenId: t.id, logprob: t.logprob })),
  }));
}
