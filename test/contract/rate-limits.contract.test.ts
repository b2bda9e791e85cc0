/**
 * Rate limits as clients see them (ai.google.dev/gemini-api/docs/rate-limits; the details are
 * google/rpc/error_details.proto's): a burst over a limit gets Google's 429
 * RESOURCE_EXHAUSTED, which `@google/genai` raises as `ApiError{status: 429}` whose JSON body has
 * a QuotaFailure naming a PerMinute/PerDay quota and a RetryInfo with the true wait, plus a
 * Retry-After header; nothing beyond the limit gets through, and once the (fake) clock has moved
 * on requests pass again. Token limits count the usage of finished requests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, postJson, rawError, sdkError, TEST_API_KEY, type ErrorEnvelope } from './helpers/clients.js';

const RPM_MODEL = 'gemini-2.0-flash';
const TPM_MODEL = 'gemini-2.5-flash';
const OTHER_KEY = 'other-key';
const RPM = 5;
const TPM = 40;
const QUOTA_FAILURE = 'type.googleapis.com/google.rpc.QuotaFailure';
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo';
const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };

function detail(body: ErrorEnvelope, type: string): Record<string, unknown> {
  const d = body.error.details?.find((x) => x['@type'] === type);
  assert.ok(d, `no ${type} in ${JSON.stringify(body)}`);
  return d;
}

function violations(body: ErrorEnvelope): Array<Record<string, unknown>> {
  return detail(body, QUOTA_FAILURE).violations as Array<Record<string, unknown>>;
}

describe('rate limits (contract)', () => {
  let server: TestServer;
  const clock = new FakeClock();
  before(async () => {
    const engine = new FakeEngine();
    server = await startServer({
      bindings: [{ id: RPM_MODEL, engine }, { id: TPM_MODEL, engine }],
      apiKeys: [TEST_API_KEY, OTHER_KEY],
      limits: new RateLimiter({ clock, models: { [RPM_MODEL]: { rpm: RPM }, [TPM_MODEL]: { tpm: TPM } } }),
    });
  });
  after(() => server?.close());
  const url = (model: string, method = 'generateContent') => `${server.baseUrl}/v1beta/models/${model}:${method}`;

  it('a burst of 20 parallel requests with rpm 5: exactly 5 succeed, 15 get 429 with QuotaFailure and RetryInfo', async () => {
    const ai = genai(server.baseUrl);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => ai.models.generateContent({ model: RPM_MODEL, contents: `hello ${i}` })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, RPM);
    assert.equal(refused.length, 20 - RPM);
    for (const r of refused) {
      const { body } = await sdkError(Promise.reject(r.reason), 429, 'RESOURCE_EXHAUSTED');
      assert.ok((r.reason as ApiError).status === 429);
      assert.match(body.error.message, /^You exceeded your current quota, please check your plan and billing details\./);
      assert.match(body.error.message, /Please retry in 60s\.$/);
      assert.deepEqual(violations(body), [{
        quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
        quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
        quotaDimensions: { location: 'global', model: RPM_MODEL },
        quotaValue: String(RPM),
      }]);
      // The fake clock stood still: the first slot frees exactly one minute after the burst.
      assert.equal(detail(body, RETRY_INFO).retryDelay, '60s');
    }
  });

  it('Retry-After says the same wait in whole seconds, and shrinks as time passes', async () => {
    let res = await postJson(url(RPM_MODEL), hello);
    assert.equal(res.headers.get('retry-after'), '60');
    assert.equal(detail(await rawError(res, 429, 'RESOURCE_EXHAUSTED'), RETRY_INFO).retryDelay, '60s');
    clock.advance(22_500);
    res = await postJson(url(RPM_MODEL), hello);
    assert.equal(res.headers.get('retry-after'), '38');
    assert.equal(detail(await rawError(res, 429, 'RESOURCE_EXHAUSTED'), RETRY_INFO).retryDelay, '37.500s');
  });

  it('a stream over the limit is refused before it starts (a JSON 429, an ApiError in the SDK)', async () => {
    await sdkError(genai(server.baseUrl).models.generateContentStream({ model: RPM_MODEL, contents: 'hi' }), 429, 'RESOURCE_EXHAUSTED');
    const res = await postJson(`${url(RPM_MODEL, 'streamGenerateContent')}?alt=sse`, hello);
    await rawError(res, 429, 'RESOURCE_EXHAUSTED');
  });

  it('another key has its own budget, and countTokens is not limited', async () => {
    const other = genai(server.baseUrl, { apiKey: OTHER_KEY });
    await other.models.generateContent({ model: RPM_MODEL, contents: 'hi' });
    const counted = await genai(server.baseUrl).models.countTokens({ model: RPM_MODEL, contents: 'hi' });
    assert.ok((counted.totalTokens ?? 0) > 0);
  });

  it('the SDK retries a 429 only with retryOptions, on its own backoff: RetryInfo is not read', async () => {
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    await sdkError(
      genai(server.baseUrl, { httpOptions: { fetch: counting } }).models.generateContent({ model: RPM_MODEL, contents: 'hi' }),
      429, 'RESOURCE_EXHAUSTED',
    );
    assert.equal(calls, 1, 'no retry by default');
    calls = 0;
    const started = Date.now();
    await sdkError(
      genai(server.baseUrl, { httpOptions: { fetch: counting, retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 } } })
        .models.generateContent({ model: RPM_MODEL, contents: 'hi' }),
      429, 'RESOURCE_EXHAUSTED',
    );
    assert.equal(calls, 3, 'retried on its own schedule');
    assert.ok(Date.now() - started < 5_000, 'it did not wait the 37.5 s RetryInfo asked for');
  });

  it('once the window has passed, requests pass again: exactly the limit', async () => {
    clock.advance(37_500);
    const ai = genai(server.baseUrl);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => ai.models.generateContent({ model: RPM_MODEL, contents: 'again' })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, RPM);
  });

  it('a TPM limit refuses once the real usage of finished requests reached it, until that usage is a minute old', async () => {
    const ai = genai(server.baseUrl);
    let used = 0;
    let admitted = 0;
    for (;;) {
      try {
        const res = await ai.models.generateContent({ model: TPM_MODEL, contents: 'count my tokens please' });
        assert.ok(used < TPM, `admitted with ${used} of ${TPM} tokens already used`);
        used += res.usageMetadata?.totalTokenCount ?? 0;
        admitted++;
      } catch (e) {
        const { body } = await sdkError(Promise.reject(e), 429, 'RESOURCE_EXHAUSTED');
        assert.ok(used >= TPM, `refused with only ${used} of ${TPM} tokens used`);
        const [v] = violations(body);
        assert.equal(v.quotaId, 'GenerateContentTokensPerModelPerMinute');
        assert.match(String(v.quotaId), /PerMinute/);
        assert.equal(v.quotaValue, String(TPM));
        assert.equal(detail(body, RETRY_INFO).retryDelay, '60s');
        break;
      }
      assert.ok(admitted < 100, 'never refused');
    }
    assert.ok(admitted >= 2, `each request should use well under ${TPM} tokens (used ${used} in ${admitted})`);
    clock.advance(60_000);
    await ai.models.generateContent({ model: TPM_MODEL, contents: 'hi' });
  });
});
