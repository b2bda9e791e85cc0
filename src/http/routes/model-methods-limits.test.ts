import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { Errors, formatDuration } from '../../core/errors.js';
import { FakeEngine } from '../../engines/fake/fake-engine.js';
import { RateLimiter } from '../../gateway/limits/rate-limiter.js';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { createApp } from '../create-app.js';
import { toErrorEnvelope } from '../error-envelope.js';

const MODEL = 'gemini-2.0-flash';
const HI = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };
const QUOTA_TEXT = 'You exceeded your current quota, please check your plan and billing details. ' +
  'For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. \n';

async function makeApp(limiter: RateLimiter): Promise<FastifyInstance> {
  const catalog = new ModelCatalog([{ id: MODEL, engine: new FakeEngine() }]);
  // Two configured keys: each is its own caller (on an open server every request is `anonymous`).
  return createApp({ catalog, apiKeys: ['k1', 'k2'], bodyLimitBytes: 64 * 1024, limits: limiter });
}

const post = (app: FastifyInstance, method: string, key = 'k1', model = MODEL) =>
  app.inject({ method: 'POST', url: `/v1beta/models/${model}:${method}`, payload: HI, headers: { 'x-goog-api-key': key } });

describe('Errors.quotaExceeded', () => {
  it('is Google\'s 429: message, Help, QuotaFailure and RetryInfo, and Retry-After in whole seconds rounded up', () => {
    const e = Errors.quotaExceeded(
      [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel', model: MODEL, limit: 5 }],
      23_450,
    );
    assert.equal(e.retryable, true);
    const env = toErrorEnvelope(e);
    assert.equal(env.statusCode, 429);
    assert.deepEqual(env.headers, { 'retry-after': '24' });
    assert.deepEqual(env.body, {
      error: {
        code: 429,
        message: `${QUOTA_TEXT}* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_requests, limit: 5, model: ${MODEL}\nPlease retry in 23.450s.`,
        status: 'RESOURCE_EXHAUSTED',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
          {
            '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
            violations: [{
              quotaMetric: 'generativelanguage.googleapis.com/generate_content_requests',
              quotaId: 'GenerateRequestsPerMinutePerProjectPerModel',
              quotaDimensions: { location: 'global', model: MODEL },
              quotaValue: '5',
            }],
          },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '23.450s' },
        ],
      },
    });
  });

  it('formats durations as protobuf JSON does (0 or 3 fractional digits)', () => {
    assert.equal(formatDuration(40_000), '40s');
    assert.equal(formatDuration(500), '0.500s');
    assert.equal(formatDuration(1), '0.001s');
    assert.equal(formatDuration(86_399_999), '86399.999s');
  });
});

describe('enforceLimits on the model-method route', () => {
  it('a burst over RPM gets 429s with the exact retry delay; countTokens is not limited; time lets requests in again', async () => {
    const clock = new FakeClock();
    const app = await makeApp(new RateLimiter({ clock, defaults: { rpm: 2 } }));
    assert.equal((await post(app, 'generateContent')).statusCode, 200);
    clock.advance(1_500);
    assert.equal((await post(app, 'streamGenerateContent')).statusCode, 200);
    const refused = await post(app, 'generateContent');
    assert.equal(refused.statusCode, 429);
    assert.match(String(refused.headers['content-type']), /^application\/json/);
    assert.equal(refused.headers['retry-after'], '59');
    const body = refused.json();
    assert.equal(body.error.status, 'RESOURCE_EXHAUSTED');
    assert.deepEqual(body.error.details.at(-1), { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '58.500s' });
    // A stream refused before it starts is a plain JSON 429, not an in-band error.
    const stream = await post(app, 'streamGenerateContent');
    assert.equal(stream.statusCode, 429);
    assert.equal(stream.json().error.code, 429);
    assert.equal((await post(app, 'countTokens')).statusCode, 200);
    // Another key has its own budget.
    assert.equal((await post(app, 'generateContent', 'k2')).statusCode, 200);
    clock.advance(58_500);
    assert.equal((await post(app, 'generateContent')).statusCode, 200);
  });

  it('embeddings count against the embedding model\'s own limits, a batch as one request', async () => {
    const catalog = new ModelCatalog([
      { id: MODEL, engine: new FakeEngine() },
      { id: 'gemini-embedding-001', engine: new FakeEngine({ embeddingDimensions: 8 }) },
    ]);
    const app = await createApp({ catalog, apiKeys: ['k1'], bodyLimitBytes: 64 * 1024, limits: new RateLimiter({ clock: new FakeClock(), defaults: { rpm: 1 } }) });
    const embed = (method: string, payload: Record<string, unknown>) => app.inject({
      method: 'POST', url: `/v1beta/models/gemini-embedding-001:${method}`, payload, headers: { 'x-goog-api-key': 'k1' },
    });
    const content = { parts: [{ text: 'a text' }] };
    const batch = { requests: [{ model: 'models/gemini-embedding-001', content }, { model: 'models/gemini-embedding-001', content }] };
    assert.equal((await embed('batchEmbedContents', batch)).statusCode, 200);
    const refused = await embed('embedContent', { content });
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().error.status, 'RESOURCE_EXHAUSTED');
    assert.equal((await post(app, 'generateContent')).statusCode, 200, 'the text model has its own budget');
  });

  it('an unknown model stays a 404, not a 429', async () => {
    const app = await makeApp(new RateLimiter({ clock: new FakeClock(), defaults: { rpm: 1 } }));
    await post(app, 'generateContent');
    assert.equal((await post(app, 'generateContent', 'k1', 'nope')).statusCode, 404);
  });

  it('TPM counts the usage of finished requests (UsageRecords through createApp)', async () => {
    const clock = new FakeClock();
    const app = await makeApp(new RateLimiter({ clock, defaults: { tpm: 1 } }));
    const first = await post(app, 'generateContent');
    assert.equal(first.statusCode, 200);
    assert.ok(first.json().usageMetadata.totalTokenCount >= 1);
    const refused = await post(app, 'generateContent');
    assert.equal(refused.statusCode, 429);
    assert.match(refused.json().error.details[1].violations[0].quotaId, /PerMinute/);
    assert.equal(refused.headers['retry-after'], '60');
    clock.advance(60_000);
    assert.equal((await post(app, 'generateContent')).statusCode, 200);
  });
});
