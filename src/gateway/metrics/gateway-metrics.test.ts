import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UsageRecord } from '../usage-record.js';
import { GatewayMetrics } from './gateway-metrics.js';
import { parsePrometheusText, sampleValue } from '../../../test/fixtures/parse-prometheus-text.js';

const record = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  at: '2026-11-01T00:00:00.000Z', callerId: 'k1', callerName: 'alice', model: 'gemini-2.5-flash', method: 'generateContent',
  apiClient: '', status: 200, promptTokens: 10, candidatesTokens: 5, thoughtsTokens: 3, cachedTokens: 0, toolUsePromptTokens: 0,
  totalTokens: 18, cacheHit: false, latencyMs: 250, ...over,
});

test('counts requests, tokens and times from usage records; valid exposition text', async () => {
  const m = new GatewayMetrics();
  m.sink(record());
  m.sink(record({ method: 'streamGenerateContent', firstChunkMs: 40, latencyMs: 1200 }));
  m.sink(record({ status: 429, error: 'RESOURCE_EXHAUSTED', promptTokens: 0, candidatesTokens: 0, thoughtsTokens: 0, totalTokens: 0 }));
  m.sink(record({ method: 'countTokens', promptTokens: 99, candidatesTokens: 0, thoughtsTokens: 0, totalTokens: 99 }));
  const p = parsePrometheusText(await m.metrics());
  assert.equal(sampleValue(p, 'gemserve_requests_total', { method: 'generateContent', status: '200', key: 'alice' }), 1);
  assert.equal(sampleValue(p, 'gemserve_requests_total', { status: '429' }), 1);
  assert.equal(sampleValue(p, 'gemserve_requests_total', { method: 'countTokens' }), 1);
  assert.equal(sampleValue(p, 'gemserve_tokens_total', { kind: 'prompt' }), 20, 'countTokens adds no tokens');
  assert.equal(sampleValue(p, 'gemserve_tokens_total', { kind: 'candidates' }), 10);
  assert.equal(sampleValue(p, 'gemserve_tokens_total', { kind: 'thoughts' }), 6);
  assert.equal(sampleValue(p, 'gemserve_request_duration_seconds_count', { method: 'streamGenerateContent' }), 1);
  assert.equal(sampleValue(p, 'gemserve_request_duration_seconds_sum', { method: 'streamGenerateContent' }), 1.2);
  assert.equal(sampleValue(p, 'gemserve_time_to_first_chunk_seconds_bucket', { le: '0.05' }), 1);
  assert.equal(sampleValue(p, 'gemserve_time_to_first_chunk_seconds_count'), 1);
});

test('queue depth and busy slots read at scrape time; cache lookups and upstream errors; apps do not share counts', async () => {
  const m = new GatewayMetrics();
  let queued = 2;
  m.setEngineStats(() => [{ engine: 'main', stats: { busy: 4, queued } }]);
  m.onCacheLookup(true);
  m.onCacheLookup(false);
  m.onCacheLookup(false);
  m.onUpstreamError('gemini', 'http_5xx');
  let p = parsePrometheusText(await m.metrics());
  assert.equal(sampleValue(p, 'gemserve_queue_depth', { engine: 'main' }), 2);
  assert.equal(sampleValue(p, 'gemserve_slots_busy', { engine: 'main' }), 4);
  assert.equal(sampleValue(p, 'gemserve_cache_lookups_total', { result: 'hit' }), 1);
  assert.equal(sampleValue(p, 'gemserve_cache_lookups_total', { result: 'miss' }), 2);
  assert.equal(sampleValue(p, 'gemserve_upstream_errors_total', { engine: 'gemini', kind: 'http_5xx' }), 1);
  queued = 0;
  p = parsePrometheusText(await m.metrics());
  assert.equal(sampleValue(p, 'gemserve_queue_depth', { engine: 'main' }), 0);

  const other = parsePrometheusText(await new GatewayMetrics().metrics());
  assert.equal(sampleValue(other, 'gemserve_cache_lookups_total', { result: 'hit' }), 0);
  assert.equal(sampleValue(other, 'gemserve_upstream_errors_total'), undefined);
});
