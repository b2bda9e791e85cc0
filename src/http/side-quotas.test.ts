/**
 * countTokens and Files upload starts under their own quotas (issue 14): Google's 429 with
 * QuotaFailure and RetryInfo, the generate quotas untouched either way, and a refusal takes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { SIDE_QUOTAS } from '../gateway/limits/gemini-quotas.js';
import { RateLimiter } from '../gateway/limits/rate-limiter.js';
import { createMemoryFileService } from '../storage/open-file-service.js';
import { FakeClock } from '../../test/fixtures/fake-clock.js';
import { createApp } from './create-app.js';

const MODEL = 'gemini-2.0-flash';
const HI = { contents: [{ role: 'user', parts: [{ text: 'Hello there' }] }] };

async function makeApp(limits: RateLimiter) {
  return createApp({
    catalog: new ModelCatalog([{ id: MODEL, engine: new FakeEngine() }]), apiKeys: ['k1', 'k2'], bodyLimitBytes: 64 * 1024,
    limits, files: createMemoryFileService(),
  });
}

describe('quotas of their own', () => {
  it('countTokens: 429 past --count-tokens-rpm, generateContent still served; the minute lets counts in again', async () => {
    const clock = new FakeClock();
    const app = await makeApp(new RateLimiter({ clock, defaults: { rpm: 1 }, countTokensRpm: 2 }));
    const post = (method: string, key = 'k1') => app.inject({ method: 'POST', url: `/v1beta/models/${MODEL}:${method}`, payload: HI, headers: { 'x-goog-api-key': key } });
    assert.equal((await post('countTokens')).statusCode, 200);
    assert.equal((await post('countTokens')).statusCode, 200);
    const refused = await post('countTokens');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.headers['retry-after'], '60');
    const error = refused.json().error;
    assert.equal(error.status, 'RESOURCE_EXHAUSTED');
    assert.match(error.message, /count_tokens_requests, limit: 2, model: gemini-2\.0-flash/);
    assert.deepEqual(error.details[1].violations, [{
      quotaMetric: SIDE_QUOTAS.countTokensRpm.quotaMetric, quotaId: SIDE_QUOTAS.countTokensRpm.quotaId,
      quotaDimensions: { location: 'global', model: MODEL }, quotaValue: '2',
    }]);
    assert.deepEqual(error.details[2], { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '60s' });
    // The generate quota (1 a minute) was not touched by the counts.
    assert.equal((await post('generateContent')).statusCode, 200);
    assert.equal((await post('countTokens', 'k2')).statusCode, 200);
    clock.advance(60_000);
    assert.equal((await post('countTokens')).statusCode, 200);
  });

  it('an upload start past --files-rpm is a 429 before its metadata is read; chunks of a started upload are not counted', async () => {
    const clock = new FakeClock();
    const app = await makeApp(new RateLimiter({ clock, filesRpm: 1 }));
    const start = (key = 'k1') => app.inject({
      method: 'POST', url: '/upload/v1beta/files', payload: { file: { displayName: 'a' } },
      headers: {
        'x-goog-api-key': key, 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': '5', 'x-goog-upload-header-content-type': 'text/plain',
      },
    });
    const started = await start();
    assert.equal(started.statusCode, 200);
    const url = new URL(String(started.headers['x-goog-upload-url']));
    const refused = await start();
    assert.equal(refused.statusCode, 429);
    const error = refused.json().error;
    assert.equal(error.status, 'RESOURCE_EXHAUSTED');
    assert.match(error.message, /file_upload_requests, limit: 1\n/);
    assert.deepEqual(error.details[1].violations, [{
      quotaMetric: SIDE_QUOTAS.filesRpm.quotaMetric, quotaId: SIDE_QUOTAS.filesRpm.quotaId, quotaDimensions: { location: 'global' }, quotaValue: '1',
    }]);
    // The started upload still takes its bytes.
    const done = await app.inject({
      method: 'POST', url: `${url.pathname}${url.search}`, payload: 'hello',
      headers: { 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0' },
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal((await start('k2')).statusCode, 200, 'another key has its own');
    clock.advance(60_000);
    assert.equal((await start()).statusCode, 200);
  });
});
