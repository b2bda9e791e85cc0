/**
 * One line of results.jsonl: which input, and its answer or error, tokens, cost and latency.
 * Tokens and cost come from the response's `usageMetadata`: what the server says it charged,
 * not the estimate.
 */
import type { GenerateContentResponse, UsageMetadata } from '../../api/gemini/types.js';
import { computeCostMicros } from '../../gateway/usage/compute-cost.js';
import type { PriceMicros } from '../../gateway/usage/price-table.js';
import type { BatchInput } from './batch-input.js';
import type { CallFailure } from './call-gemini.js';

/** Token counts of one response. */
export interface ResultTokens {
  prompt: number;
  /** Candidates tokens (the answer). */
  output: number;
  /** Thinking tokens, billed as output. */
  thoughts: number;
  total: number;
}

/** One result; `response` or `error`. */
export interface BatchResult {
  key: string;
  file?: string;
  prompt?: string;
  ok: boolean;
  /** The answer's text (candidate 0, thoughts left out), for reading results without a JSON tool. */
  text?: string;
  finishReason?: string;
  response?: GenerateContentResponse;
  error?: CallFailure;
  tokens?: ResultTokens;
  /** USD, from usageMetadata and the price table. */
  costUsd?: number;
  /** From sending the request to the last byte of the answer, retries' waits included; direct mode only. */
  latencyMs?: number;
  /** Attempts made (1 unless 429/503 were retried). */
  attempts?: number;
}

/** How a result was obtained, for its cost and latency. */
export interface ResultContext {
  price: PriceMicros | undefined;
  /** Through the Batch API (half price). */
  batch: boolean;
  latencyMs?: number;
  attempts?: number;
}

const source = (input: Pick<BatchInput, 'key' | 'file' | 'prompt'>) => ({
  key: input.key, ...(input.file !== undefined ? { file: input.file } : {}), ...(input.prompt !== undefined ? { prompt: input.prompt } : {}),
});

const timing = (ctx: ResultContext) => ({
  ...(ctx.latencyMs !== undefined ? { latencyMs: Math.round(ctx.latencyMs) } : {}),
  ...(ctx.attempts !== undefined ? { attempts: ctx.attempts } : {}),
});

/** The result of an answered request. A response with no candidate (a blocked prompt) is a failure. */
export function resultFromResponse(input: Pick<BatchInput, 'key' | 'file' | 'prompt'>, response: GenerateContentResponse, ctx: ResultContext): BatchResult {
  const u: Partial<UsageMetadata> = response.usageMetadata ?? {};
  const tokens: ResultTokens = {
    prompt: u.promptTokenCount ?? 0,
    output: u.candidatesTokenCount ?? 0,
    thoughts: u.thoughtsTokenCount ?? 0,
    total: u.totalTokenCount ?? 0,
  };
  const costMicros = computeCostMicros({
    method: 'generateContent', promptTokens: tokens.prompt, candidatesTokens: tokens.output, thoughtsTokens: tokens.thoughts,
    cachedTokens: u.cachedContentTokenCount ?? 0, toolUsePromptTokens: u.toolUsePromptTokenCount ?? 0,
    promptByModality: u.promptTokensDetails, cacheHit: false, batch: ctx.batch,
  }, ctx.price);
  const candidate = response.candidates?.[0];
  // The response last: a line read with `head` shows the answer, tokens and timing first.
  const common = { tokens, costUsd: costMicros / 1e6, ...timing(ctx), response };
  if (!candidate) {
    const why = response.promptFeedback?.blockReason;
    return { ...source(input), ok: false, error: { message: why ? `prompt blocked (${why})` : 'the response has no candidate' }, ...common };
  }
  const text = (candidate.content?.parts ?? []).filter((p) => !p.thought && typeof p.text === 'string').map((p) => p.text).join('');
  return { ...source(input), ok: true, text, ...(candidate.finishReason ? { finishReason: candidate.finishReason } : {}), ...common };
}

/** The result of a request that failed (or an input refused before sending). */
export function resultFromError(input: Pick<BatchInput, 'key' | 'file' | 'prompt'>, error: CallFailure, ctx: Partial<ResultContext> = {}): BatchResult {
  return { ...source(input), ok: false, error, ...timing({ price: undefined, batch: false, ...ctx }) };
}
