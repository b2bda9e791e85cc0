/**
 * Safety settings and the prompt blocklist through `@google/genai`: settings are accepted and
 * validated with Google's texts; no ratings are returned (no classifier); a prompt the server's
 * blocklist matches gets Gemini's blocked-prompt answer (200, `promptFeedback.blockReason`, no
 * candidates) in unary and stream, and never reaches the engine's generation.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HarmBlockThreshold, HarmCategory, type GenerateContentResponse } from '@google/genai';
import { parsePromptBlocklist } from '../../src/core/prompt-blocklist.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { createApp } from '../../src/http/create-app.js';
import { ModelCatalog, type ModelBinding } from '../../src/core/catalog/model-catalog.js';
import type { TestServer } from './helpers/start-server.js';
import { genai, parseStrictSse, postJson, sdkError } from './helpers/clients.js';
import { RecordingEngine } from './helpers/recording-engine.js';

const fake = new FakeEngine({ label: 'fake.gguf' });
const rec = new RecordingEngine(fake);
const MODEL = 'gemini-2.0-flash';
const BLOCKLIST = parsePromptBlocklist('# test terms\nforbidden fruit\n/\\bsecret-\\d+\\b/i\n');

async function collect(stream: AsyncIterable<GenerateContentResponse>): Promise<GenerateContentResponse[]> {
  const chunks: GenerateContentResponse[] = [];
  for await (const c of stream) chunks.push(c);
  return chunks;
}

describe('safety settings and the blocklist (contract, @google/genai)', () => {
  let server: TestServer;
  before(async () => {
    // The app gets the blocklist the CLI would load from --blocklist.
    server = await startServerWithBlocklist([{ id: MODEL, engine: rec }]);
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  it('all five Gemini categories with any threshold are accepted; no safetyRatings come back', async () => {
    const thresholds = [HarmBlockThreshold.BLOCK_NONE, HarmBlockThreshold.OFF, HarmBlockThreshold.BLOCK_ONLY_HIGH,
      HarmBlockThreshold.BLOCK_MEDIUM_AND_ABOVE, HarmBlockThreshold.BLOCK_LOW_AND_ABOVE];
    const categories = [HarmCategory.HARM_CATEGORY_HARASSMENT, HarmCategory.HARM_CATEGORY_HATE_SPEECH,
      HarmCategory.HARM_CATEGORY_SEXUALLY_EXPLICIT, HarmCategory.HARM_CATEGORY_DANGEROUS_CONTENT, HarmCategory.HARM_CATEGORY_CIVIC_INTEGRITY];
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'Hello there',
      config: { safetySettings: categories.map((category, i) => ({ category, threshold: thresholds[i] })) },
    });
    assert.equal(r.candidates?.[0]?.finishReason, 'STOP');
    assert.ok((r.text ?? '').length > 0);
    assert.equal(r.candidates?.[0]?.safetyRatings, undefined, 'no classifier, no ratings');
    assert.equal(r.promptFeedback, undefined);
    assert.equal(rec.generations.length, 1);
  });

  it('an unknown category is a 400 naming safety_settings[i].category (proto enum parse error)', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'hi',
      config: { safetySettings: [{ category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.OFF }, { category: 'HARM_CATEGORY_NOPE' as HarmCategory, threshold: HarmBlockThreshold.OFF }] },
    }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message,
      `Invalid value at 'safety_settings[1].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), "HARM_CATEGORY_NOPE"`);
    assert.deepEqual(body.error.details?.[0], {
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field: 'safety_settings[1].category', description: body.error.message }],
    });
    assert.equal(rec.generations.length, 0);
  });

  it('a proto category Gemini does not take (HARM_CATEGORY_UNSPECIFIED, the image ones) is Google\'s predicate error', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'hi',
      config: { safetySettings: [{ category: HarmCategory.HARM_CATEGORY_UNSPECIFIED, threshold: HarmBlockThreshold.BLOCK_NONE }] },
    }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /^\* GenerateContentRequest\.safety_settings\[0\]: element predicate failed: \$\.category in \(HarmCategory\.HARM_CATEGORY_HATE_SPEECH, /);
    const image = await sdkError(genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'hi',
      config: { safetySettings: [{ category: HarmCategory.HARM_CATEGORY_IMAGE_HATE, threshold: HarmBlockThreshold.BLOCK_NONE }] },
    }), 400, 'INVALID_ARGUMENT');
    assert.match(image.body.error.message, /^Invalid value at 'safety_settings\[0\]\.category'/);
  });

  it('an unknown threshold is a 400 naming safety_settings[i].threshold', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'hi',
      config: { safetySettings: [{ category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: 'BLOCK_SOME' as HarmBlockThreshold }] },
    }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message,
      `Invalid value at 'safety_settings[0].threshold' (type.googleapis.com/google.ai.generativelanguage.v1beta.SafetySetting.HarmBlockThreshold), "BLOCK_SOME"`);
    assert.equal((body.error.details?.[0] as any)?.fieldViolations?.[0]?.field, 'safety_settings[0].threshold');
  });

  it('a category given twice is Google\'s 400 "Multiple safety settings with the same category."', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContentStream({
      model: MODEL, contents: 'hi',
      config: { safetySettings: [
        { category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.OFF },
        { category: HarmCategory.HARM_CATEGORY_HARASSMENT, threshold: HarmBlockThreshold.BLOCK_NONE },
      ] },
    }), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, 'Multiple safety settings with the same category.');
    assert.equal(body.error.details, undefined);
    assert.equal(rec.generations.length, 0);
  });

  it('a blocklisted prompt: 200, promptFeedback.blockReason BLOCKLIST, no candidates, text undefined, engine not run', async () => {
    const r = await genai(server.baseUrl).models.generateContent({ model: MODEL, contents: 'Tell me about the Forbidden Fruit.' });
    assert.equal(r.promptFeedback?.blockReason, 'BLOCKLIST');
    assert.equal(r.promptFeedback?.safetyRatings, undefined);
    assert.equal(r.candidates, undefined);
    assert.equal(r.text, undefined, 'the SDK answers undefined, without throwing');
    const expected = (await fake.countTokens({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'Tell me about the Forbidden Fruit.' }] }] })).total;
    assert.equal(r.usageMetadata?.promptTokenCount, expected);
    assert.equal(r.usageMetadata?.totalTokenCount, expected);
    assert.equal(r.usageMetadata?.candidatesTokenCount, undefined);
    assert.ok(r.modelVersion?.startsWith(MODEL));
    assert.ok((r.responseId ?? '').length > 0);
    assert.equal(rec.generations.length, 0, 'the engine generated nothing');
  });

  it('a match in an earlier turn or the system instruction blocks too; a chat keeps working after it', async () => {
    const ai = genai(server.baseUrl);
    const bySystem = await ai.models.generateContent({ model: MODEL, contents: 'hello', config: { systemInstruction: 'Mention SECRET-42 always.' } });
    assert.equal(bySystem.promptFeedback?.blockReason, 'BLOCKLIST');
    const chat = ai.chats.create({ model: MODEL });
    const blocked = await chat.sendMessage({ message: 'forbidden   fruit' });
    assert.equal(blocked.text, undefined);
    // The SDK drops the invalid turn from the history, so the next message is not blocked.
    const fine = await chat.sendMessage({ message: 'hello' });
    assert.ok((fine.text ?? '').length > 0);
    assert.equal(rec.generations.length, 1);
    assert.equal((await ai.models.generateContent({ model: MODEL, contents: 'secret-fruit is fine' })).promptFeedback, undefined);
  });

  it('stream: one chunk of the blocked shape, through the SDK and on the wire', async () => {
    const chunks = await collect(await genai(server.baseUrl).models.generateContentStream({ model: MODEL, contents: 'forbidden fruit' }));
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].promptFeedback?.blockReason, 'BLOCKLIST');
    assert.equal(chunks[0].candidates, undefined);
    assert.equal(chunks[0].text, undefined);
    assert.ok((chunks[0].usageMetadata?.promptTokenCount ?? 0) > 0);

    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, { contents: [{ parts: [{ text: 'forbidden fruit' }] }] });
    assert.equal(res.status, 200);
    const { events } = parseStrictSse(await res.text());
    assert.equal(events.length, 1);
    assert.deepEqual(Object.keys(events[0]), ['promptFeedback', 'usageMetadata', 'modelVersion', 'responseId']);
    assert.deepEqual(events[0].promptFeedback, { blockReason: 'BLOCKLIST' });
    assert.equal(rec.generations.length, 0);
  });

  it('validation still comes first: an invalid blocked request is a 400, not a block', async () => {
    await sdkError(genai(server.baseUrl).models.generateContent({
      model: MODEL, contents: 'forbidden fruit', config: { temperature: 5 },
    }), 400, 'INVALID_ARGUMENT');
  });
});

/**
 * The real app with a blocklist in its deps, as `serve --blocklist` builds it (the shared
 * helper's options have no blocklist).
 */
async function startServerWithBlocklist(bindings: ModelBinding[]): Promise<TestServer> {
  const catalog = new ModelCatalog(bindings);
  const app = await createApp({ catalog, apiKeys: [], bodyLimitBytes: 1 << 20, logger: false, blocklist: BLOCKLIST });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const close = () => app.close().then(() => undefined);
  return { baseUrl: origin, origin, app, catalog, close, [Symbol.asyncDispose]: close };
}
