import type { LogprobsCandidate, LogprobsResult } from '../api/gemini/types.js';
import type { TokenLogprob } from '../core/engine.js';

const candidate = (t: { token: string; tokenId: number; logprob: number }): LogprobsCandidate =>
  ({ token: t.token, tokenId: t.tokenId, logProbability: t.logprob });

/**
 * An engine's per-token log probabilities → Gemini's `logprobsResult` and `avgLogprobs`
 * (`LogprobsResult`, generative_service.proto): `chosenCandidates` has one entry per output
 * token, `topCandidates` (only when top alternatives were asked for) the alternatives at each
 * step, most likely first;
 * `avgLogprobs` is the mean of the chosen tokens' log probabilities.
 */
export function convertToLogprobsResult(tokens: readonly TokenLogprob[], withTop: boolean): { avgLogprobs: number; logprobsResult: LogprobsResult } {
  const sum = tokens.reduce((s, t) => s + t.logprob, 0);
  return {
    avgLogprobs: tokens.length ? sum / tokens.length : 0,
    logprobsResult: {
      ...(withTop ? { topCandidates: tokens.map((t) => ({ candidates: t.top.map(candidate) })) } : {}),
      chosenCandidates: tokens.map(candidate),
      logProbabilitySum: sum,
    },
  };
}
