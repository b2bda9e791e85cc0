/**
 * Function calling, thinking and logprobs through `@google/genai` against the real server on
 * the fake engine (which calls functions, thinks and reports logprobs deterministically): the
 * Gemini-side shapes, ids, counts and the SDK's automatic function calling loop. The llama.cpp
 * engines' own behaviour (grammar-forced calls on real weights) is tested beside them and in
 * llama-cpp-tools.contract.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, Type, type CallableTool, type FunctionCall, type Part } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, sdkError } from './helpers/clients.js';

const MODEL = 'gemini-2.5-flash';
const PLAIN = 'gemini-2.0-flash';
const weather = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING }, unit: { type: Type.STRING, enum: ['C', 'F'] } }, required: ['city', 'unit'] },
};
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { type: 'string', enum: ['UTC', 'CET'] } }, required: ['zone'] } };

describe('function calling, thinking, logprobs (contract, @google/genai)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }, { id: PLAIN, engine: new FakeEngine() }] });
  });
  after(async () => server?.close());

  it('mode ANY: a call with an id, valid arguments, a thought signature, finishReason STOP', async () => {
    const ai = genai(server.baseUrl);
    for (const seed of [1, 2, 3, 4]) {
      const r = await ai.models.generateContent({
        model: MODEL, contents: 'What is the weather in Oslo?',
        config: {
          seed, tools: [{ functionDeclarations: [weather, time] }], thinkingConfig: { thinkingBudget: 0 },
          toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
        },
      });
      const calls = r.functionCalls ?? [];
      assert.equal(calls.length, 1);
      const [call] = calls;
      assert.ok(call.id, 'the call has an id');
      if (call.name === 'get_weather') assert.deepEqual(call.args, { city: 'x', unit: 'C' });
      else assert.deepEqual(call.args, { zone: 'UTC' });
      assert.equal(r.candidates?.[0].finishReason, 'STOP');
      assert.ok(r.candidates?.[0].content?.parts?.[0].thoughtSignature, 'first call carries a thoughtSignature');
      assert.ok((r.usageMetadata?.candidatesTokenCount ?? 0) > 0);
    }
  });

  it('allowedFunctionNames restricts ANY; NONE never calls', async () => {
    const ai = genai(server.baseUrl);
    const only = await ai.models.generateContent({
      model: MODEL, contents: 'time?',
      config: { tools: [{ functionDeclarations: [weather, time] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_time'] } } },
    });
    assert.equal(only.functionCalls?.[0].name, 'get_time');
    const none = await ai.models.generateContent({
      model: MODEL, contents: 'time?',
      config: { tools: [{ functionDeclarations: [weather, time] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } } },
    });
    assert.equal(none.functionCalls, undefined);
    assert.ok(none.text);
  });

  it('a stream carries the call whole, and the history with calls, responses and signatures goes back', async () => {
    const ai = genai(server.baseUrl);
    const stream = await ai.models.generateContentStream({
      model: MODEL, contents: 'weather?', config: { tools: [{ functionDeclarations: [weather] }], thinkingConfig: { thinkingBudget: 0 } },
    });
    const calls: FunctionCall[] = [];
    let last;
    for await (const chunk of stream) {
      calls.push(...(chunk.functionCalls ?? []));
      last = chunk;
    }
    assert.equal(calls.length, 1);
    assert.equal(last?.candidates?.[0].finishReason, 'STOP');
    const chat = ai.chats.create({ model: MODEL, config: { tools: [{ functionDeclarations: [weather] }], thinkingConfig: { thinkingBudget: 0 } } });
    const first = await chat.sendMessage({ message: 'weather in Oslo?' });
    const call = first.functionCalls![0];
    const second = await chat.sendMessage({ message: [{ functionResponse: { id: call.id, name: call.name, response: { output: 'rain' } } }] });
    assert.equal(second.functionCalls, undefined, 'after the result the model answers in text');
    assert.ok(second.text);
    assert.equal(chat.getHistory().length, 4);
  });

  it('the SDK\'s automatic function calling loop with a CallableTool completes', async () => {
    const ai = genai(server.baseUrl);
    const seen: FunctionCall[] = [];
    const tool: CallableTool = {
      tool: async () => ({ functionDeclarations: [weather] }),
      callTool: async (calls: FunctionCall[]): Promise<Part[]> => {
        seen.push(...calls);
        return calls.map((c) => ({ functionResponse: { id: c.id, name: c.name!, response: { output: { temperature: 21 } } } }));
      },
    };
    const r = await ai.models.generateContent({
      model: MODEL, contents: 'What is the weather in Oslo?', config: { tools: [tool], thinkingConfig: { thinkingBudget: 0 } },
    });
    assert.equal(seen.length, 1, 'the SDK ran the tool once');
    assert.equal(seen[0].name, 'get_weather');
    assert.ok(r.text, 'the loop ended with a text answer');
    assert.equal(r.automaticFunctionCallingHistory?.length, 3, 'user, model call, tool result');
  });

  it('bad declarations and modes are Google-format 400s', async () => {
    const ai = genai(server.baseUrl);
    const bad = async (config: object, message: RegExp) => {
      const { body } = await sdkError(ai.models.generateContent({ model: MODEL, contents: 'x', config }), 400, 'INVALID_ARGUMENT');
      assert.match(body.error.message, message);
    };
    await bad({ tools: [{ functionDeclarations: [{ name: '9lives' }] }] }, /Invalid function name/);
    await bad({ tools: [{ functionDeclarations: [weather, weather] }] }, /Duplicate function declaration found: get_weather/);
    await bad({ tools: [{ functionDeclarations: [weather] }], toolConfig: { functionCallingConfig: { mode: 'AUTO', allowedFunctionNames: ['get_weather'] } } }, /allowed_function_names/);
    await bad({ tools: [{ functionDeclarations: [weather] }], responseMimeType: 'application/json' }, /Function calling with a response mime type/);
  });

  it('thinking: thoughts as thought parts when asked for, counted in thoughtsTokenCount and not in candidatesTokenCount', async () => {
    const ai = genai(server.baseUrl);
    const withThoughts = await ai.models.generateContent({
      model: MODEL, contents: 'Why is the sky blue?', config: { thinkingConfig: { thinkingBudget: 5, includeThoughts: true } },
    });
    const parts = withThoughts.candidates![0].content!.parts!;
    const thought = parts.filter((p) => p.thought).map((p) => p.text).join('');
    const answer = parts.filter((p) => !p.thought).map((p) => p.text).join('');
    assert.equal(thought.split(' ').length, 5);
    assert.equal(withThoughts.text, answer, 'response.text leaves thoughts out');
    const u = withThoughts.usageMetadata!;
    assert.equal(u.thoughtsTokenCount, 5);
    assert.equal(u.candidatesTokenCount, answer.split(' ').length);
    assert.equal(u.totalTokenCount, u.promptTokenCount! + u.candidatesTokenCount! + 5);

    const hidden = await ai.models.generateContent({ model: MODEL, contents: 'Why is the sky blue?', config: { thinkingConfig: { thinkingBudget: 5 } } });
    assert.ok(hidden.candidates![0].content!.parts!.every((p) => !p.thought));
    assert.equal(hidden.usageMetadata?.thoughtsTokenCount, 5);
    const byDefault = await ai.models.generateContent({ model: MODEL, contents: 'Why?' });
    assert.equal(byDefault.usageMetadata?.thoughtsTokenCount, 8, 'a 2.5 model thinks by default (dynamic budget)');
    const off = await ai.models.generateContent({ model: MODEL, contents: 'Why?', config: { thinkingConfig: { thinkingBudget: 0 } } });
    assert.equal(off.usageMetadata?.thoughtsTokenCount, undefined);

    const streamed = await ai.models.generateContentStream({ model: MODEL, contents: 'Why?', config: { thinkingConfig: { thinkingBudget: 3, includeThoughts: true } } });
    let thoughtParts = 0;
    let lastUsage;
    for await (const c of streamed) {
      thoughtParts += (c.candidates?.[0].content?.parts ?? []).filter((p) => p.thought).length;
      lastUsage = c.usageMetadata;
    }
    assert.ok(thoughtParts >= 1);
    assert.equal(lastUsage?.thoughtsTokenCount, 3);

    // A model without thinking ignores includeThoughts, as the Gemini API does; a budget is its 400.
    const plain = await ai.models.generateContent({ model: PLAIN, contents: 'x', config: { thinkingConfig: { includeThoughts: true } } });
    assert.ok(plain.candidates![0].content!.parts!.every((p) => !p.thought));
    assert.equal(plain.usageMetadata?.thoughtsTokenCount, undefined);
    const { body } = await sdkError(ai.models.generateContent({ model: PLAIN, contents: 'x', config: { thinkingConfig: { thinkingBudget: 1024 } } }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /^Thinking is not supported for this model\.$/);
  });

  it('logprobs: avgLogprobs and logprobsResult with the asked number of top candidates', async () => {
    const ai = genai(server.baseUrl);
    const r = await ai.models.generateContent({ model: PLAIN, contents: 'Hello', config: { responseLogprobs: true, logprobs: 3 } });
    const c = r.candidates![0];
    const chosen = c.logprobsResult!.chosenCandidates!;
    assert.equal(chosen.length, r.usageMetadata!.candidatesTokenCount);
    assert.equal(chosen.map((t) => t.token).join(''), r.text);
    assert.ok(c.logprobsResult!.topCandidates!.every((t) => t.candidates!.length === 3));
    const avg = chosen.reduce((s, t) => s + t.logProbability!, 0) / chosen.length;
    assert.ok(Math.abs(c.avgLogprobs! - avg) < 1e-9);
    await sdkError(ai.models.generateContent({ model: PLAIN, contents: 'x', config: { responseLogprobs: true, logprobs: 21 } }), 400, 'INVALID_ARGUMENT');
  });
});
