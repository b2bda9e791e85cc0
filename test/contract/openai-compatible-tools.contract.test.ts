/**
 * Function-calling mode ANY through `@google/genai` against gemserve on the openai-compatible
 * engine, whose upstream is the scripted fake playing llama-server on a chat template without a
 * tool format (test/fixtures/fake-openai-upstream.ts): it ignores `tool_choice: "required"` and
 * answers in prose, refuses `response_format` with "Failed to initialize samplers", and honours
 * llama.cpp's `grammar`. Google guarantees a call in mode ANY; the app gets one, or Google's
 * 500 INTERNAL naming the upstream's limit, never a text part.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, Type } from '@google/genai';
import { OpenAiCompatibleEngine } from '../../src/engines/openai-compatible/openai-compatible-engine.js';
import { SAMPLERS_REFUSAL, startFakeOpenAiUpstream, type ScriptedUpstream } from '../fixtures/fake-openai-upstream.js';
import { validateJsonSchema } from '../fixtures/validate-json-schema.js';
import { genai, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const AUTO = 'gemini-2.0-flash';
const NATIVE = 'gemini-2.0-flash-lite';
const PROMPTED = 'gemini-2.5-flash-lite';
const weather = {
  name: 'get_weather', description: 'Current weather of a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, unit: { type: Type.STRING, enum: ['C', 'F'] } }, required: ['city', 'unit'] },
};
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } };
const weatherSchema = { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city', 'unit'] };
const anyMode = (allowedFunctionNames?: string[]) => ({
  tools: [{ functionDeclarations: [weather, time] }],
  toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, ...(allowedFunctionNames ? { allowedFunctionNames } : {}) } },
});

describe('openai-compatible engine, function-calling mode ANY (contract, @google/genai)', () => {
  let upstream: ScriptedUpstream;
  let server: TestServer;
  const engines: OpenAiCompatibleEngine[] = [];
  before(async () => {
    upstream = await startFakeOpenAiUpstream({ ignoreToolChoice: true, refuseJsonSchema: true });
    const engine = (toolChoice: 'auto' | 'native' | 'prompted') => {
      const e = new OpenAiCompatibleEngine({
        baseUrl: `${upstream.url}/v1`, model: 'tiny', toolChoice, timeoutMs: 2_000, capabilities: { functionCalling: true },
      });
      engines.push(e);
      return e;
    };
    server = await startServer({ bindings: [{ id: AUTO, engine: engine('auto') }, { id: NATIVE, engine: engine('native') }, { id: PROMPTED, engine: engine('prompted') }] });
  });
  after(async () => {
    await server?.close();
    await Promise.all(engines.map((e) => e.dispose()));
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  it('mode ANY with allowedFunctionNames: a call of the allowed function with valid arguments, no text, every time', async () => {
    const ai = genai(server.baseUrl);
    for (const seed of [1, 2, 3]) {
      const r = await ai.models.generateContent({ model: AUTO, contents: 'What is the weather in Oslo?', config: { seed, ...anyMode(['get_weather']) } });
      const calls = r.functionCalls ?? [];
      assert.equal(calls.length, 1, JSON.stringify(r.candidates?.[0].content));
      assert.equal(calls[0].name, 'get_weather');
      assert.equal(validateJsonSchema(calls[0].args, weatherSchema), undefined);
      assert.equal(r.text, undefined, 'no text part');
      assert.equal(r.candidates?.[0].finishReason, 'STOP');
      assert.ok((r.usageMetadata?.promptTokenCount ?? 0) > 0);
    }
    // Only the first request paid for the upstream's prose and its refusal of response_format.
    assert.equal(upstream.requests.filter((q) => q.body.stream === true && typeof q.body.grammar === 'string').length, 3);
    const offered = (upstream.requests.at(-1)!.body.messages as Array<{ content: string }>)[0].content;
    assert.match(offered, /"name":"get_weather"/);
    assert.doesNotMatch(offered, /get_time/, 'allowedFunctionNames narrows what the model is offered');
  });

  it('streamed: the chunks carry the call and no text', async () => {
    const chunks = [];
    for await (const c of await genai(server.baseUrl).models.generateContentStream({ model: AUTO, contents: 'Time in Paris?', config: anyMode() })) chunks.push(c);
    const parts = chunks.flatMap((c) => c.candidates?.[0].content?.parts ?? []);
    assert.ok(parts.length >= 1 && parts.every((p) => p.functionCall && p.text === undefined), JSON.stringify(parts));
    assert.ok(['get_weather', 'get_time'].includes(parts[0].functionCall!.name!));
  });

  it('toolChoice native on this upstream: Google\'s 500 INTERNAL, not the prose', async () => {
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: NATIVE, contents: 'Weather?', config: anyMode() }), 500, 'INTERNAL');
    assert.match(body.error.message, /cannot serve this request: .*without a call/);
  });

  it('the upstream refusing for its own limits is a 500 INTERNAL with its message, not the client\'s 400', async () => {
    const refusal = { kind: 'status' as const, status: 400, body: { error: { code: 400, message: SAMPLERS_REFUSAL, type: 'invalid_request_error' } } };
    // The count, the response_format request (refused by the fake), the grammar request (refused by the script).
    upstream.script({ kind: 'normal' }, { kind: 'normal' }, refusal);
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: PROMPTED, contents: 'Weather?', config: anyMode() }), 500, 'INTERNAL');
    assert.ok(body.error.message.includes(SAMPLERS_REFUSAL), body.error.message);
  });
});
