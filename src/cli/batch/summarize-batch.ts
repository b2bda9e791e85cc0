/**
 * summary.json: what a batch did, from its results. Latency percentiles only where latency was
 * measured per request (direct mode): the Batch API reports none, and a figure derived from
 * the job's duration would be invented.
 */
import type { BatchEstimate } from './estimate-batch-cost.js';
import type { BatchResult, ResultTokens } from './batch-result.js';
import { percentile } from './percentile.js';

/** Errors listed in the summary; the rest are in results.jsonl. */
export const SUMMARY_ERRORS = 5;

/** The summary of a batch. */
export interface BatchSummary {
  mode: 'direct' | 'batch-api';
  model: string;
  server: string;
  /** Ctrl-C stopped it: `notRun` requests were never sent (or the job was cancelled). */
  interrupted: boolean;
  /** Inputs in all. */
  requests: number;
  succeeded: number;
  failed: number;
  notRun: number;
  /** The first few failures, in input order. */
  errors: Array<{ key: string; message: string }>;
  tokens: ResultTokens;
  /** What the answered requests cost, from their usageMetadata (USD). */
  costUsd: number;
  estimate?: { promptTokens: number; inputUsd: number; maxUsd?: number };
  startedAt: string;
  finishedAt: string;
  wallTimeMs: number;
  /** Finished requests (succeeded or failed) per minute of wall time. */
  requestsPerMinute: number;
  latencyMs: { p50: number; p95: number; max: number } | null;
  /** Why `latencyMs` is null, when it is. */
  latencyNote?: string;
  /** The Batch API job, in that mode. */
  batchName?: string;
}

/** What the results do not say. */
export interface SummaryContext {
  mode: BatchSummary['mode'];
  model: string;
  server: string;
  /** Inputs in all, including those never run. */
  requests: number;
  interrupted: boolean;
  startedAt: number;
  finishedAt: number;
  estimate?: BatchEstimate;
  batchName?: string;
}

/** Sums `results` into a {@link BatchSummary}. */
export function summarizeBatch(results: readonly BatchResult[], ctx: SummaryContext): BatchSummary {
  const tokens: ResultTokens = { prompt: 0, output: 0, thoughts: 0, total: 0 };
  let costMicros = 0;
  for (const r of results) {
    if (r.tokens) for (const k of Object.keys(tokens) as Array<keyof ResultTokens>) tokens[k] += r.tokens[k];
    costMicros += Math.round((r.costUsd ?? 0) * 1e6);
  }
  const failed = results.filter((r) => !r.ok);
  const latencies = results.filter((r) => r.ok && r.latencyMs !== undefined).map((r) => r.latencyMs as number);
  const wallTimeMs = Math.max(0, ctx.finishedAt - ctx.startedAt);
  const latencyMs = latencies.length
    ? { p50: percentile(latencies, 50)!, p95: percentile(latencies, 95)!, max: Math.max(...latencies) }
    : null;
  const latencyNote = latencyMs ? undefined
    : ctx.mode === 'batch-api' ? 'the Batch API does not report per-request latency' : 'no request succeeded';
  return {
    mode: ctx.mode,
    model: ctx.model,
    server: ctx.server,
    interrupted: ctx.interrupted,
    requests: ctx.requests,
    succeeded: results.length - failed.length,
    failed: failed.length,
    notRun: Math.max(0, ctx.requests - results.length),
    errors: failed.slice(0, SUMMARY_ERRORS).map((r) => ({ key: r.key, message: r.error?.message ?? 'failed' })),
    tokens,
    costUsd: costMicros / 1e6,
    ...(ctx.estimate ? {
      estimate: {
        promptTokens: ctx.estimate.promptTokens,
        inputUsd: ctx.estimate.inputMicros / 1e6,
        ...(ctx.estimate.maxCostMicros !== undefined ? { maxUsd: ctx.estimate.maxCostMicros / 1e6 } : {}),
      },
    } : {}),
    startedAt: new Date(ctx.startedAt).toISOString(),
    finishedAt: new Date(ctx.finishedAt).toISOString(),
    wallTimeMs,
    requestsPerMinute: wallTimeMs > 0 ? Math.round((results.length * 60_000 / wallTimeMs) * 10) / 10 : 0,
    latencyMs,
    ...(latencyNote ? { latencyNote } : {}),
    ...(ctx.batchName ? { batchName: ctx.batchName } : {}),
  };
}
