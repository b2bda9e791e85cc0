/**
 * The estimate shown before a batch runs: prompt tokens as the server counted them
 * (`:countTokens`, so an image costs what the engine really charges for it, not a rule of
 * thumb), priced with gemserve's price table the way Google bills usageMetadata
 * (compute-cost.ts: long-prompt tier per request, audio at its own price, Batch API at 50%).
 * Output is unknown until it is written, so the estimate gives the input cost and an upper
 * bound with every request writing its `maxOutputTokens`.
 */
import type { ModalityTokenCount } from '../../api/gemini/types.js';
import { computeCostMicros } from '../../gateway/usage/compute-cost.js';
import type { PriceMicros } from '../../gateway/usage/price-table.js';

/** One request's count. */
export interface RequestCount {
  promptTokens: number;
  promptByModality?: ModalityTokenCount[];
  /** The request's `generationConfig.maxOutputTokens`, when it sets one. */
  maxOutputTokens?: number;
}

/** The estimate of a whole batch. */
export interface BatchEstimate {
  /** Requests counted (inputs refused or not countable are not in it). */
  requests: number;
  promptTokens: number;
  /** Cost of the prompts alone, micro-dollars. */
  inputMicros: number;
  /** The most output the requests may write; undefined when some request has no bound. */
  maxOutputTokens?: number;
  /** Input plus the most output, micro-dollars; undefined with `maxOutputTokens`. */
  maxCostMicros?: number;
  /** Whether the model has a price; an unpriced model (a local one) costs nothing. */
  priced: boolean;
  /** Priced at the Batch API's discount. */
  batch: boolean;
}

const usage = (promptTokens: number, byModality: ModalityTokenCount[] | undefined, outputTokens: number, batch: boolean) => ({
  method: 'generateContent', promptTokens, candidatesTokens: outputTokens, thoughtsTokens: 0, cachedTokens: 0,
  toolUsePromptTokens: 0, promptByModality: byModality, cacheHit: false, batch,
});

/**
 * Sums `counts` into an estimate. `defaultMaxOutputTokens` bounds requests that set no limit
 * of their own (the model's `outputTokenLimit`, when the server lists it).
 */
export function estimateBatchCost(
  counts: readonly RequestCount[],
  price: PriceMicros | undefined,
  opts: { batch: boolean; defaultMaxOutputTokens?: number },
): BatchEstimate {
  let promptTokens = 0;
  let inputMicros = 0;
  let maxOutputTokens: number | undefined = 0;
  let maxCostMicros: number | undefined = 0;
  for (const c of counts) {
    promptTokens += c.promptTokens;
    inputMicros += computeCostMicros(usage(c.promptTokens, c.promptByModality, 0, opts.batch), price);
    const out = c.maxOutputTokens ?? opts.defaultMaxOutputTokens;
    if (out === undefined || maxOutputTokens === undefined || maxCostMicros === undefined) {
      maxOutputTokens = maxCostMicros = undefined;
      continue;
    }
    maxOutputTokens += out;
    maxCostMicros += computeCostMicros(usage(c.promptTokens, c.promptByModality, out, opts.batch), price);
  }
  return { requests: counts.length, promptTokens, inputMicros, maxOutputTokens, maxCostMicros, priced: price !== undefined, batch: opts.batch };
}
