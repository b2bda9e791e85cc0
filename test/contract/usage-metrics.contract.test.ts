/**
 * Usage, cost and metrics (issue 5, parts 3 and 5) through the official SDK: every model call's
 * UsageRecord equals the `usageMetadata` the client was told (unary, streamed, countTokens, a
 * stream that failed in-band, a client that left), its cost is tokens × Google's price, the admin
 * API reports the same totals, and `/metrics` parses as Prometheus text with matching counts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateContentResponse } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.js';
import { parsePrometheusText, sampleValue, type PrometheusText } from '../fixtures/parse-prometheus-text.js';
import { MemoryUsageStore } from '../../src/gateway/usage/memory-usage-store.js';
import { PriceTable } from '../../src/gateway/usage/price-table.js';
import { createUsageRecorder } from '../../src/gateway/usage/usage-recorder.js';
import type { UsageEntry } from '../../src/gateway/usage/usage-store.js';
import { genai, parseStrictSse, postJson } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.5-flash';
const FAILING = 'gemini-2.0-flash';
const SLOW = 'gemini-2.5-pro';
const ADMIN = 'admin-secret-for-tests';
const THINKING = { thinkingConfig: { thinkingBudget: 6 } };

const store = new MemoryUsageStore();
const prices = new PriceTable();
const metrics = new GatewayMetrics();

/** The usage fields of a record, in `usageMetadata`'s shape, for a field-by-field comparison. */
function asUsageMetadata(e: UsageEntry) {
  return {
    promptTokenCount: e.promptTokens,
    ...(e.candidatesTokens || e.method !== 'countTokens' ? { candidatesTokenCount: e.candidatesTokens } : {}),
    ...(e.thoughtsTokens ? { thoughtsTokenCount: e.thoughtsTokens } : {}),
    ...(e.cachedTokens ? { cachedContentTokenCount: e.cachedTokens } : {}),
    ...(e.toolUsePromptTokens ? { toolUsePromptTokenCount: e.toolUsePromptTokens } : {}),
    totalTokenCount: e.totalTokens,
    promptTokensDetails: e.promptByModality,
  };
}

/** 2.5 Flash's price by hand: $0.30 per 1M prompt tokens, $2.50 per 1M output and thinking tokens, in micro-dollars. */
const flashCost = (u: { promptTokenCount?: number; candidatesTokenCount?: number; thoughtsTokenCount?: number }) =>
  Math.round((u.promptTokenCount ?? 0) * 0.3 + ((u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0)) * 2.5);

/** The records added since `before` (the sink runs once the response is complete, so wait a moment for streams). */
async function newEntries(before: number, count = 1): Promise<UsageEntry[]> {
  for (let i = 0; i < 100 && store.list().length < before + count; i++) await new Promise((r) => setTimeout(r, 10));
  const all = store.list();
  assert.equal(all.length, before + count, 'records added');
  return all.slice(before);
}

describe('usage, cost and metrics (contract)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      bindings: [
        { id: MODEL, engine: new FakeEngine() },
        { id: FAILING, engine: new FakeEngine({ failAfterTokens: 3 }) },
        { id: SLOW, engine: new FakeEngine({ tokenDelayMs: 50 }) },
      ],
      usageSinks: [createUsageRecorder(store, prices)],
      usageStore: store,
      metrics,
      adminKey: ADMIN,
    });
  });
  after(() => server?.close());

  it('generateContent: the record equals usageMetadata (thoughts included) and costs tokens × price', async () => {
    const n = store.list().length;
    const res = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Count the tokens of this prompt', config: THINKING });
    const usage = res.usageMetadata!;
    assert.ok(usage.thoughtsTokenCount! > 0, 'the fake engine thought');
    const [e] = await newEntries(n);
    assert.deepEqual(asUsageMetadata(e), usage);
    assert.equal(e.method, 'generateContent');
    assert.equal(e.model, MODEL);
    assert.equal(e.status, 200);
    assert.equal(e.error, undefined);
    assert.equal(e.callerName, 'anonymous');
    assert.match(e.apiClient, /^google-genai-sdk\/\S+ gl-node\//);
    assert.match(e.id, /^usage-/);
    assert.equal(e.costMicros, flashCost(usage));
    assert.ok(e.costMicros > 0);
    assert.equal(e.firstChunkMs, undefined);
    assert.ok(e.latencyMs > 0);
  });

  it('streamGenerateContent: the record equals the last chunk\'s cumulative usageMetadata; first-chunk time', async () => {
    const n = store.list().length;
    const stream = await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Stream me some words', config: THINKING });
    const chunks: GenerateContentResponse[] = [];
    for await (const c of stream) chunks.push(c);
    assert.ok(chunks.length > 1);
    const usage = chunks.at(-1)!.usageMetadata!;
    const [e] = await newEntries(n);
    assert.deepEqual(asUsageMetadata(e), usage);
    assert.equal(e.method, 'streamGenerateContent');
    assert.equal(e.costMicros, flashCost(usage));
    assert.ok(e.firstChunkMs !== undefined && e.firstChunkMs <= e.latencyMs);
  });

  it('countTokens: the counted prompt, nothing generated, free', async () => {
    const n = store.list().length;
    const res = await genai(server.baseUrl).models.countTokens({ model: MODEL, contents: 'How many tokens are these' });
    const [e] = await newEntries(n);
    assert.equal(e.method, 'countTokens');
    assert.equal(e.promptTokens, res.totalTokens);
    assert.equal(e.totalTokens, res.totalTokens);
    assert.equal(e.candidatesTokens + e.thoughtsTokens, 0);
    assert.equal(e.costMicros, 0);
    // The SDK drops promptTokensDetails from countTokens; the wire response has it.
    const raw = await (await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:countTokens`, {
      contents: [{ role: 'user', parts: [{ text: 'How many tokens are these' }] }],
    })).json() as { totalTokens: number; promptTokensDetails: unknown };
    const [r] = await newEntries(n + 1);
    assert.equal(r.promptTokens, raw.totalTokens);
    assert.deepEqual(r.promptByModality, raw.promptTokensDetails);
  });

  it('a stream that fails in-band records what was sent, with the error, still HTTP 200', async () => {
    const n = store.list().length;
    const res = await postJson(`${server.baseUrl}/v1beta/models/${FAILING}:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'fail after a few words' }] }],
    });
    assert.equal(res.status, 200);
    const { events } = parseStrictSse(await res.text());
    assert.ok(events.at(-1).error, 'in-band error last');
    const lastUsage = events.filter((ev) => ev.usageMetadata).at(-1).usageMetadata;
    const [e] = await newEntries(n);
    assert.equal(e.status, 200);
    assert.equal(e.error, 'INTERNAL');
    assert.deepEqual(asUsageMetadata(e), lastUsage);
    assert.ok(e.candidatesTokens > 0);
  });

  it('a client that leaves mid-stream: recorded with what was generated, CANCELLED', async () => {
    const n = store.list().length;
    const controller = new AbortController();
    const res = await postJson(`${server.baseUrl}/v1beta/models/${SLOW}:streamGenerateContent?alt=sse`, {
      contents: [{ role: 'user', parts: [{ text: 'a slow answer please' }] }],
    }, {}, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const [e] = await newEntries(n);
    assert.equal(e.error, 'CANCELLED');
    assert.equal(e.status, 200);
    assert.ok(e.promptTokens > 0 && e.candidatesTokens > 0);
    // 2.5 Pro always thinks (the fake engine too): total = prompt + candidates + thoughts.
    assert.equal(e.totalTokens, e.promptTokens + e.candidatesTokens + e.thoughtsTokens);
  });

  it('a request refused before answering is recorded with its status and no tokens', async () => {
    const n = store.list().length;
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, { contents: [] });
    assert.equal(res.status, 400);
    const [e] = await newEntries(n);
    assert.equal(e.status, 400);
    assert.equal(e.error, 'INVALID_ARGUMENT');
    assert.equal(e.totalTokens, 0);
    assert.equal(e.costMicros, 0);
  });

  it('GET /admin/v1/usage reports the store\'s totals (JSON and CSV) to the admin key only', async () => {
    const url = `${server.origin}/admin/v1/usage?by=model`;
    assert.equal((await fetch(url)).status, 401);
    assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const res = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(res.status, 200);
    const report = await res.json() as { rows: { group: string; requests: number; costMicros: number }[]; totals: { requests: number; totalTokens: number; costMicros: number } };
    const entries = store.list();
    assert.equal(report.totals.requests, entries.length);
    assert.equal(report.totals.totalTokens, entries.reduce((s, e) => s + e.totalTokens, 0));
    assert.equal(report.totals.costMicros, entries.reduce((s, e) => s + e.costMicros, 0));
    assert.deepEqual(report.rows.map((r) => r.group).sort(), [...new Set(entries.map((e) => e.model))].sort());
    const csv = await fetch(`${url}&format=csv&interval=hour`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(await csv.text(), /^start,model,requests,errors,prompt_tokens,/);
    const bad = await fetch(`${server.origin}/admin/v1/usage?by=user`, { headers: { authorization: `Bearer ${ADMIN}` } });
    assert.equal(bad.status, 400);
  });

  it('/metrics parses as Prometheus text, needs no key, and its counts match the records', async () => {
    const res = await fetch(`${server.origin}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.doesNotMatch(text, /test-key/, 'no API key in the metrics');
    const parsed: PrometheusText = parsePrometheusText(text);
    const entries = store.list();
    const requests = (method: string, status?: string) => parsed.samples
      .filter((s) => s.name === 'gemserve_requests_total' && s.labels.method === method && (!status || s.labels.status === status))
      .reduce((sum, s) => sum + s.value, 0);
    for (const method of ['generateContent', 'streamGenerateContent', 'countTokens']) {
      assert.equal(requests(method), entries.filter((e) => e.method === method).length, method);
    }
    assert.equal(requests('generateContent', '400'), 1);
    const generated = entries.filter((e) => e.method !== 'countTokens');
    const tokens = (kind: string) => parsed.samples
      .filter((s) => s.name === 'gemserve_tokens_total' && s.labels.kind === kind).reduce((sum, s) => sum + s.value, 0);
    assert.equal(tokens('prompt'), generated.reduce((s, e) => s + e.promptTokens, 0));
    assert.equal(tokens('candidates'), generated.reduce((s, e) => s + e.candidatesTokens, 0));
    assert.equal(tokens('thoughts'), generated.reduce((s, e) => s + e.thoughtsTokens, 0));
    assert.equal(sampleValue(parsed, 'gemserve_time_to_first_chunk_seconds_count', { model: MODEL }),
      entries.filter((e) => e.model === MODEL && e.firstChunkMs !== undefined).length);
    assert.equal(sampleValue(parsed, 'gemserve_requests_total', { key: 'anonymous', model: MODEL, method: 'countTokens' }), 2);
  });
});
