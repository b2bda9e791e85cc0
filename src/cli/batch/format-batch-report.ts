/** The estimate and the summary as `gemserve batch` prints them: short aligned tables. */
import { formatMicros } from '../../gateway/usage/format-usage-report.js';
import { formatDuration } from '../pull/format-units.js';
import type { BatchEstimate } from './estimate-batch-cost.js';
import type { BatchSummary } from './summarize-batch.js';

const n = (v: number) => v.toLocaleString('en-US');
const usd = (micros: number) => `$${formatMicros(micros)}`;
const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`);
const row = (label: string, value: string) => `  ${label.padEnd(14)}${value}`;

/**
 * The estimate of the `sendable` requests (inputs not refused); `notCounted` of them could not
 * be counted (the server refused to count them: they will most likely fail too).
 */
export function formatEstimate(e: BatchEstimate, ctx: { model: string; sendable: number; notCounted: number }): string {
  const discount = e.batch ? ' (Batch API: 50% of the standard price)' : '';
  const lines = [`estimate for ${n(ctx.sendable)} request${ctx.sendable === 1 ? '' : 's'} to ${ctx.model}${discount}:`];
  lines.push(row('prompt tokens', `${n(e.promptTokens)} (counted by the server)`));
  if (!e.priced) {
    lines.push(row('cost', `none: ${ctx.model} has no price in gemserve's table (a local model)`));
  } else {
    lines.push(row('input cost', usd(e.inputMicros)));
    lines.push(row('at most', e.maxCostMicros === undefined
      ? 'unbounded: set --max-output-tokens to bound the output'
      : `${usd(e.maxCostMicros)} (if every request writes its ${n(e.maxOutputTokens ?? 0)} output tokens in all)`));
  }
  if (ctx.notCounted) lines.push(row('not counted', `${n(ctx.notCounted)} request${ctx.notCounted === 1 ? '' : 's'} the server would not count (left out above)`));
  return `${lines.join('\n')}\n`;
}

/** The summary table; `written` lists the files the results went to. */
export function formatSummary(s: BatchSummary, written: readonly string[]): string {
  const lines = [`batch ${s.interrupted ? 'interrupted' : 'finished'}: ${s.model} at ${s.server} (${s.mode === 'direct' ? 'direct' : `Batch API${s.batchName ? ` ${s.batchName}` : ''}`})`];
  lines.push(row('requests', n(s.requests) + (s.notRun ? ` (${n(s.notRun)} not run)` : '')));
  lines.push(row('succeeded', n(s.succeeded)));
  lines.push(row('failed', n(s.failed)));
  for (const e of s.errors) lines.push(`    ${e.key}: ${e.message.split('\n')[0].slice(0, 160)}`);
  if (s.failed > s.errors.length) lines.push(`    ... and ${n(s.failed - s.errors.length)} more in results.jsonl`);
  lines.push(row('tokens', `prompt ${n(s.tokens.prompt)} · output ${n(s.tokens.output)} · thoughts ${n(s.tokens.thoughts)} · total ${n(s.tokens.total)}`));
  const estimate = s.estimate ? ` (estimated ${usd(Math.round(s.estimate.inputUsd * 1e6))} input${s.estimate.maxUsd !== undefined ? `, at most ${usd(Math.round(s.estimate.maxUsd * 1e6))}` : ''})` : '';
  lines.push(row('cost', `${usd(Math.round(s.costUsd * 1e6))}${estimate}`));
  lines.push(row('wall time', `${formatDuration(s.wallTimeMs / 1000)} (${seconds(s.wallTimeMs)}), ${s.requestsPerMinute} requests/min`));
  lines.push(row('latency', s.latencyMs
    ? `p50 ${seconds(s.latencyMs.p50)} · p95 ${seconds(s.latencyMs.p95)} · max ${seconds(s.latencyMs.max)}`
    : `n/a: ${s.latencyNote ?? 'not measured'}`));
  if (written.length) lines.push(row('written', written.join(', ')));
  return `${lines.join('\n')}\n`;
}
