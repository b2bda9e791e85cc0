import type { UsageRecord } from '../usage-record.js';
import { BATCH_DISCOUNT } from './gemini-prices.js';
import type { PriceMicros, TierMicros } from './price-table.js';

/** What a cost depends on: a UsageRecord's counts, plus whether it ran through the Batch API. */
export type CostInput = Pick<UsageRecord,
  'method' | 'promptTokens' | 'candidatesTokens' | 'thoughtsTokens' | 'cachedTokens' | 'toolUsePromptTokens' |
  'promptByModality' | 'cacheHit'> & { batch?: boolean };

/** Methods Google does not bill: "countTokens … free of charge" (the call only counts). */
const FREE_METHODS = new Set(['countTokens']);

/**
 * The cost of one request in micro-dollars (an integer), as Google bills its usageMetadata:
 * - `promptTokenCount` includes `cachedContentTokenCount`: the cached part is billed at the
 *   cached price, the rest at the input price (audio at the audio price where it differs:
 *   `promptTokensDetails` AUDIO tokens, cached ones assumed non-audio when there is no split);
 * - `toolUsePromptTokenCount` is billed as input;
 * - candidates and thoughts at the output price ("including thinking tokens");
 * - the long-prompt tier applies to the whole request when the prompt exceeds its threshold
 *   (2.5 Pro: "prompts > 200k tokens");
 * - Batch API requests at 50%.
 *
 * Free: countTokens, models without a price, and answers from gemserve's response cache (no
 * engine ran; the tokens are still recorded). The sum is exact in pico-dollars (tokens ×
 * micro-dollars per 1M) and rounded once, half up, to micro-dollars.
 */
export function computeCostMicros(usage: CostInput, price: PriceMicros | undefined): number {
  if (!price || usage.cacheHit || FREE_METHODS.has(usage.method)) return 0;
  const long = price.longPrompt && usage.promptTokens > price.longPrompt.aboveTokens ? price.longPrompt : undefined;
  const tier: TierMicros = long ?? price;
  const cached = Math.min(usage.cachedTokens, usage.promptTokens);
  const fresh = usage.promptTokens - cached;
  const audio = Math.min(fresh, usage.promptByModality?.find((m) => m.modality === 'AUDIO')?.tokenCount ?? 0);
  const pico =
    (fresh - audio) * tier.input +
    audio * tier.inputAudio +
    cached * tier.cached +
    usage.toolUsePromptTokens * tier.input +
    (usage.candidatesTokens + usage.thoughtsTokens) * tier.output;
  const divisor = usage.batch ? 1e6 / BATCH_DISCOUNT : 1e6;
  return Math.floor(pico / divisor + 0.5);
}
