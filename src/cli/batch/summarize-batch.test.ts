import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BatchResult } from './batch-result.js';
import { formatEstimate, formatSummary } from './format-batch-report.js';
import { summarizeBatch, type SummaryContext } from './summarize-batch.js';

const ok = (key: string, latencyMs: number | undefined, prompt = 264, output = 20, costUsd = 0.000129): BatchResult => ({
  key, file: key, ok: true, text: 'x', tokens: { prompt, output, thoughts: 0, total: prompt + output }, costUsd,
  ...(latencyMs !== undefined ? { latencyMs } : {}),
});
const failed = (key: string, message: string): BatchResult => ({ key, file: key, ok: false, error: { message } });

const ctx = (over: Partial<SummaryContext> = {}): SummaryContext => ({
  mode: 'direct', model: 'gemini-2.5-flash', server: 'http://127.0.0.1:8080', requests: 10, interrupted: false,
  startedAt: Date.parse('2026-11-22T05:00:00Z'), finishedAt: Date.parse('2026-11-22T05:00:30Z'), ...over,
});

test('counts, tokens, exact cost, throughput and nearest-rank latency of the successes', () => {
  const results = [
    ...[900, 1200, 800, 4000, 1000, 1100].map((ms, i) => ok(`img${i + 1}.png`, ms)),
    failed('bad1.jpg', 'not an image'), failed('img7.png', 'HTTP 500'),
  ];
  const s = summarizeBatch(results, ctx());
  assert.deepEqual([s.requests, s.succeeded, s.failed, s.notRun, s.interrupted], [10, 6, 2, 2, false]);
  assert.deepEqual(s.tokens, { prompt: 6 * 264, output: 120, thoughts: 0, total: 6 * 284 });
  assert.equal(s.costUsd, 0.000774); // 6 × 129 micro-dollars, summed as integers
  assert.deepEqual(s.latencyMs, { p50: 1000, p95: 4000, max: 4000 });
  assert.equal(s.wallTimeMs, 30_000);
  assert.equal(s.requestsPerMinute, 16); // 8 finished in 30 s
  assert.deepEqual(s.errors, [{ key: 'bad1.jpg', message: 'not an image' }, { key: 'img7.png', message: 'HTTP 500' }]);
  assert.equal(s.latencyNote, undefined);
});

test('the first five errors only; the Batch API gets a note instead of invented percentiles', () => {
  const results = Array.from({ length: 8 }, (_, i) => failed(`f${i}`, `e${i}`)).concat(ok('a', undefined));
  const s = summarizeBatch(results, ctx({ mode: 'batch-api', batchName: 'batches/j1', requests: 9 }));
  assert.deepEqual(s.errors.map((e) => e.key), ['f0', 'f1', 'f2', 'f3', 'f4']);
  assert.equal(s.latencyMs, null);
  assert.equal(s.latencyNote, 'the Batch API does not report per-request latency');
  assert.equal(s.batchName, 'batches/j1');
  const text = formatSummary(s, []);
  assert.match(text, /^batch finished: gemini-2\.5-flash at http:\/\/127\.0\.0\.1:8080 \(Batch API batches\/j1\)$/m);
  assert.match(text, /^ {4}\.\.\. and 3 more in results\.jsonl$/m);
  assert.match(text, /^ {2}latency {7}n\/a: the Batch API does not report per-request latency$/m);
});

test('the summary table', () => {
  const s = summarizeBatch([ok('a.png', 812), ok('b.png', 1530), failed('c.jpg', 'not an image: c.jpg holds UTF-8 text')], ctx({
    requests: 4, interrupted: true,
    estimate: { requests: 2, promptTokens: 528, inputMicros: 158, maxOutputTokens: 512, maxCostMicros: 1438, priced: true, batch: false },
  }));
  assert.equal(formatSummary(s, ['out/results.jsonl', 'out/summary.json']), [
    'batch interrupted: gemini-2.5-flash at http://127.0.0.1:8080 (direct)',
    '  requests      4 (1 not run)',
    '  succeeded     2',
    '  failed        1',
    '    c.jpg: not an image: c.jpg holds UTF-8 text',
    '  tokens        prompt 528 · output 40 · thoughts 0 · total 568',
    '  cost          $0.000258 (estimated $0.000158 input, at most $0.001438)',
    '  wall time     0:30 (30.0 s), 6 requests/min',
    '  latency       p50 812 ms · p95 1.5 s · max 1.5 s',
    '  written       out/results.jsonl, out/summary.json',
    '',
  ].join('\n'));
});

test('the estimate: priced, unbounded, unpriced, Batch API', () => {
  const e = { requests: 11, promptTokens: 2904, inputMicros: 869, maxOutputTokens: 2816, maxCostMicros: 7909, priced: true, batch: false };
  assert.equal(formatEstimate(e, { model: 'gemini-2.5-flash', sendable: 12, notCounted: 1 }), [
    'estimate for 12 requests to gemini-2.5-flash:',
    '  prompt tokens 2,904 (counted by the server)',
    '  input cost    $0.000869',
    '  at most       $0.007909 (if every request writes its 2,816 output tokens in all)',
    '  not counted   1 request the server would not count (left out above)',
    '',
  ].join('\n'));
  assert.match(formatEstimate({ ...e, maxOutputTokens: undefined, maxCostMicros: undefined }, { model: 'm', sendable: 11, notCounted: 0 }),
    /at most {7}unbounded: set --max-output-tokens/);
  assert.match(formatEstimate({ ...e, priced: false }, { model: 'tiny', sendable: 11, notCounted: 0 }), /cost {10}none: tiny has no price/);
  assert.match(formatEstimate({ ...e, batch: true }, { model: 'm', sendable: 1, notCounted: 0 }), /^estimate for 1 request to m \(Batch API: 50% of the standard price\):/);
});
