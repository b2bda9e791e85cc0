/**
 * countTokens (`CountTokensRequest`, generative_service.proto): the SDK sends `{contents}`, raw clients may send
 * `{generateContentRequest:{model, contents, ...}}`; either way the count must equal the
 * `promptTokenCount` generateContent reports for the same request.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, postJson, sdkError } from './helpers/clients.js';
import { flatMessages, RecordingEngine } from './helpers/recording-engine.js';

const MODEL = 'gemini-2.0-flash';
const fake = new FakeEngine();
const rec = new RecordingEngine(fake);

const CONTENTS = [
  { role: 'user', parts: [{ text: 'What is two plus two?' }] },
  { role: 'model', parts: [{ text: 'Four.' }] },
  { role: 'user', parts: [{ text: 'And three plus three?' }] },
];

describe('countTokens (contract)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: rec }] });
  });
  after(() => server?.close());
  beforeEach(() => rec.reset());

  it('ai.models.countTokens equals generateContent\'s promptTokenCount for the same contents', async () => {
    const ai = genai(server.baseUrl);
    const counted = await ai.models.countTokens({ model: MODEL, contents: CONTENTS });
    const generated = await ai.models.generateContent({ model: MODEL, contents: CONTENTS });
    assert.equal(typeof counted.totalTokens, 'number');
    assert.ok(counted.totalTokens! > 0);
    assert.equal(counted.totalTokens, generated.usageMetadata?.promptTokenCount);
    assert.equal(counted.totalTokens, (await fake.countTokens({ messages: rec.last.input.messages })).total);
    assert.equal(rec.countCalls.length, 1, 'countTokens did not ask the engine');
  });

  it('a string prompt counts as one user message', async () => {
    const counted = await genai(server.baseUrl).models.countTokens({ model: MODEL, contents: 'Hello there' });
    assert.equal(counted.totalTokens, (await fake.countTokens({ messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hello there' }] }] })).total);
  });

  it('raw {generateContentRequest:{model, contents}} is accepted and counts the same', async () => {
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:countTokens`, {
      generateContentRequest: { model: `models/${MODEL}`, contents: CONTENTS },
    });
    assert.equal(res.status, 200);
    const body = await res.json() as { totalTokens: number };
    const sdk = await genai(server.baseUrl).models.countTokens({ model: MODEL, contents: CONTENTS });
    assert.equal(body.totalTokens, sdk.totalTokens);
  });

  it('generateContentRequest with a systemInstruction counts it, like generateContent does', async () => {
    const systemInstruction = { parts: [{ text: 'Answer in one word.' }] };
    const res = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:countTokens`, {
      generateContentRequest: { model: `models/${MODEL}`, contents: CONTENTS, systemInstruction },
    });
    assert.equal(res.status, 200);
    const { totalTokens } = await res.json() as { totalTokens: number };
    assert.deepEqual(flatMessages({ input: rec.countCalls.at(-1)! }), [
      { role: 'system', text: 'Answer in one word.' },
      ...CONTENTS.map((c) => ({ role: c.role, text: c.parts[0].text })),
    ]);
    const gen = await postJson(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, { contents: CONTENTS, systemInstruction });
    const usage = (await gen.json() as { usageMetadata: { promptTokenCount: number } }).usageMetadata;
    assert.equal(totalTokens, usage.promptTokenCount);
    const withoutSystem = (await genai(server.baseUrl).models.countTokens({ model: MODEL, contents: CONTENTS })).totalTokens!;
    assert.ok(totalTokens > withoutSystem, 'the system instruction was not counted');
  });

  it('countTokens on an unknown model is Google\'s 404, naming countTokens', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.countTokens({ model: 'nope', contents: 'hi' }), 404, 'NOT_FOUND');
    assert.equal(
      body.error.message,
      'models/nope is not found for API version v1beta, or is not supported for countTokens. ' +
        'Call ListModels to see the list of available models and their supported methods.',
    );
  });
});
