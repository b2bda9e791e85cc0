/**
 * The gemini-upstream engine behind gemserve, driven by `@google/genai`: what an app sees when
 * gemserve forwards to a Gemini endpoint that misbehaves (the scripted fake in
 * test/fixtures/fake-gemini-upstream.ts). Retried failures are invisible; the rest arrive as
 * Google's own errors; a stream cut after output ends with an error, never with repeated text.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GeminiUpstreamEngine } from '../../src/engines/gemini-upstream/gemini-upstream-engine.js';
import { googleError, quotaExceeded, startFakeGeminiUpstream } from '../fixtures/fake-gemini-upstream.js';
import type { ScriptedUpstream } from '../fixtures/fake-gemini-upstream.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.5-flash';

describe('gemini-upstream behind gemserve (contract, @google/genai)', () => {
  let fake: ScriptedUpstream;
  let server: TestServer;
  let engine: GeminiUpstreamEngine;
  before(async () => {
    fake = await startFakeGeminiUpstream();
    engine = new GeminiUpstreamEngine({
      baseUrl: fake.url, apiKey: 'operator-key', model: MODEL, timeoutMs: 2_000,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2_000 },
    });
    server = await startServer({ bindings: [{ id: MODEL, engine }] });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
    await fake?.close();
  });
  beforeEach(() => fake.reset());

  it('passes text and usage through, with the operator\'s key, not the client\'s', async () => {
    const r = await genai(server.baseUrl, { apiKey: 'client-key' }).models.generateContent({
      model: MODEL, contents: 'Hello there', config: { thinkingConfig: { thinkingBudget: 0 } },
    });
    assert.equal(fake.requests.length, 1);
    assert.equal(fake.requests[0].headers['x-goog-api-key'], 'operator-key');
    assert.equal(r.text, fake.requests[0].text);
    assert.ok((r.usageMetadata?.promptTokenCount ?? 0) > 0);
  });

  it('500 twice, then OK: retried, the app sees one clean answer', async () => {
    const boom = { kind: 'status', status: 500, body: googleError(500, 'INTERNAL', 'An internal error has occurred.') } as const;
    fake.script(boom, boom);
    const chunks: string[] = [];
    for await (const c of await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Hello', config: { thinkingConfig: { thinkingBudget: 0 } } })) {
      chunks.push(c.text ?? '');
    }
    assert.equal(fake.requests.length, 3);
    assert.equal(chunks.join(''), fake.requests[2].text, 'no text lost or repeated');
  });

  it('an upstream 400 reaches the app as Google\'s 400, not retried', async () => {
    fake.script({ kind: 'status', status: 400, body: googleError(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') });
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /Request contains an invalid argument\./);
    assert.equal(fake.requests.length, 1);
  });

  it('429 on every attempt: the app gets 429 RESOURCE_EXHAUSTED with the upstream\'s RetryInfo', async () => {
    const limited = { kind: 'status', status: 429, body: quotaExceeded('0.01s') } as const;
    fake.script(limited, limited, limited);
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'x', config: { thinkingConfig: { thinkingBudget: 0 } } }), 429, 'RESOURCE_EXHAUSTED');
    assert.ok(body.error.details?.some((d) => d['@type'].endsWith('RetryInfo')));
    assert.equal(fake.requests.length, 3);
  });

  it('a stream cut after output: the text so far, then an error; nothing repeated', async () => {
    fake.script({ kind: 'drop-mid-stream', afterChunks: 2 });
    const got: string[] = [];
    let failed: unknown;
    try {
      for await (const c of await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'Tell me more', config: { thinkingConfig: { thinkingBudget: 0 } } })) {
        got.push(c.text ?? '');
      }
    } catch (e) {
      failed = e;
    }
    assert.ok(failed, 'the app learns the stream failed');
    assert.equal(fake.requests.length, 1, 'not retried once output went out');
    assert.ok(fake.requests[0].text.startsWith(got.join('')), 'what arrived is a prefix of what was sent');
  });
});
