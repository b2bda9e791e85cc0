/**
 * Google's published paid-tier ("Standard") prices of the Gemini Developer API, in USD per 1M
 * tokens, the defaults of gemserve's price table (overridable with the `prices` setting).
 *
 * Source: https://ai.google.dev/gemini-api/docs/pricing ("Gemini Developer API pricing"), as
 * transcribed on 2026-10-07 (api-evangelist/deepmind `plans/deepmind-plans-pricing.yml`, which
 * quotes the page verbatim): 2.5 Pro input $1.25 (prompts <= 200k tokens) / $2.50 (> 200k);
 * 2.5 Flash input $0.30 (text / image / video) and $1.00 (audio); 2.5 Flash-Lite output $0.40;
 * Batch API "50% cost reduction". The other lines (2.5 Pro output $10 / $15 and context caching
 * $0.125 / $0.25; 2.5 Flash output $2.50 and caching $0.03 / $0.10 audio; 2.5 Flash-Lite input
 * $0.10, $0.30 audio, caching $0.01 / $0.03 audio; 2.0 Flash $0.10 / $0.70 audio in, $0.40 out,
 * caching $0.025 / $0.175 audio; 2.0 Flash-Lite $0.075 / $0.30) are the same page's rows as
 * published in late 2025 and quoted by third parties in 2026; they were not re-read from the page
 * itself. Output prices include thinking tokens ("Output price (including thinking tokens)").
 * 1.5 models are retired and no longer priced on the page: their last published prices
 * (<= 128k prompt tokens) are kept so old clients still get a figure.
 *
 * Models without an entry (local models under their own names) cost nothing.
 */

/** Prices of one tier, USD per 1M tokens. */
export interface TierPrices {
  /** Prompt tokens not served from the context cache (text, image, video, documents). */
  input: number;
  /** Audio prompt tokens, when priced apart from other input. */
  inputAudio?: number;
  /** Candidates and thinking tokens. */
  output: number;
  /** Prompt tokens served from the context cache; absent: billed as input. */
  cached?: number;
  /** Cached audio tokens, when priced apart. */
  cachedAudio?: number;
}

/** A model's prices: one tier, or a second one for long prompts (2.5 Pro above 200k tokens). */
export interface ModelPrices extends TierPrices {
  /** Prices when the prompt has more than `aboveTokens` tokens. */
  longPrompt?: TierPrices & { aboveTokens: number };
}

/** Google's long-prompt threshold: "prompts <= 200k tokens" / "prompts > 200k tokens". */
export const LONG_PROMPT_TOKENS = 200_000;

/** Batch API requests cost half ("Batch API (50% cost reduction)"). */
export const BATCH_DISCOUNT = 0.5;

/** Default prices by model id (ids without `models/`; longer ids match by prefix, see price-table.ts). */
export const GEMINI_PRICES: Readonly<Record<string, ModelPrices>> = {
  'gemini-2.5-pro': {
    input: 1.25, output: 10, cached: 0.125,
    longPrompt: { aboveTokens: LONG_PROMPT_TOKENS, input: 2.5, output: 15, cached: 0.25 },
  },
  'gemini-2.5-flash': { input: 0.3, inputAudio: 1, output: 2.5, cached: 0.03, cachedAudio: 0.1 },
  'gemini-2.5-flash-lite': { input: 0.1, inputAudio: 0.3, output: 0.4, cached: 0.01, cachedAudio: 0.03 },
  'gemini-2.0-flash': { input: 0.1, inputAudio: 0.7, output: 0.4, cached: 0.025, cachedAudio: 0.175 },
  'gemini-2.0-flash-lite': { input: 0.075, output: 0.3 },
  'gemini-1.5-pro': { input: 1.25, output: 5, cached: 0.3125 },
  'gemini-1.5-flash': { input: 0.075, output: 0.3, cached: 0.01875 },
};
