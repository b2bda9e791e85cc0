/**
 * Function calling on real weights: the embedded llama-cpp engine on the generated tiny model
 * (random weights, ChatML template without a tool format, so node-llama-cpp's generic call
 * syntax and grammar carry the calls). Mode ANY must give a well-formed, schema-valid call every
 * time; AUTO and the SDK's automatic loop must complete.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FunctionCallingConfigMode, Type, type CallableTool, type FunctionCall } from '@google/genai';
import { serveLlamaCppForSuite } from './helpers/serve-llama-cpp.js';
import { genai } from './helpers/clients.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { validateJsonSchema } from '../fixtures/validate-json-schema.js';

const MODEL = 'gemini-2.0-flash';
const weather = {
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: {
    type: Type.OBJECT,
    properties: {
      city: { type: Type.STRING, enum: ['Oslo', 'Paris', 'Lima'] },
      days: { type: Type.INTEGER, minimum: 1, maximum: 7 },
      unit: { type: Type.STRING, enum: ['C', 'F'] },
    },
    required: ['city', 'days', 'unit'],
  },
};
const WEATHER_JSON = {
  type: 'object', required: ['city', 'days', 'unit'],
  properties: { city: { enum: ['Oslo', 'Paris', 'Lima'] }, days: { type: 'integer', minimum: 1, maximum: 7 }, unit: { enum: ['C', 'F'] } },
};
const time = { name: 'get_time', parametersJsonSchema: { type: 'object', properties: { zone: { enum: ['UTC', 'CET'] } }, required: ['zone'] } };

describe('function calling on the llama-cpp engine (contract, @google/genai)', () => {
  const served = serveLlamaCppForSuite({ id: MODEL, model: tinyChatModel, contextSize: 2048 });

  it('mode ANY: a valid call every time (20 seeds), countTokens equals promptTokenCount', async () => {
    const ai = genai(served.server.baseUrl);
    const config = {
      tools: [{ functionDeclarations: [weather, time] }],
      toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
      maxOutputTokens: 200,
    };
    for (let seed = 1; seed <= 20; seed++) {
      const r = await ai.models.generateContent({ model: MODEL, contents: 'What is the weather in Oslo?', config: { ...config, temperature: 1, seed } });
      assert.equal(r.candidates?.[0].finishReason, 'STOP', `seed ${seed}: ${JSON.stringify(r.candidates?.[0])}`);
      const calls = r.functionCalls ?? [];
      assert.ok(calls.length >= 1, `seed ${seed}: a call`);
      for (const c of calls) {
        if (c.name === 'get_weather') assert.equal(validateJsonSchema(c.args, WEATHER_JSON), undefined, `seed ${seed}`);
        else {
          assert.equal(c.name, 'get_time');
          assert.equal(validateJsonSchema(c.args, time.parametersJsonSchema), undefined);
        }
        assert.ok(c.id);
      }
      assert.ok((r.usageMetadata?.candidatesTokenCount ?? 0) > 0);
    }
    const counted = await ai.models.countTokens({
      model: MODEL, contents: 'What is the weather in Oslo?',
    });
    const plain = await ai.models.generateContent({ model: MODEL, contents: 'What is the weather in Oslo?', config: { maxOutputTokens: 1 } });
    assert.equal(counted.totalTokens, plain.usageMetadata?.promptTokenCount);
  });

  it('allowedFunctionNames: ANY calls only the allowed function', async () => {
    const ai = genai(served.server.baseUrl);
    for (let seed = 1; seed <= 5; seed++) {
      const r = await ai.models.generateContent({
        model: MODEL, contents: 'time?',
        config: { seed, tools: [{ functionDeclarations: [weather, time] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_time'] } } },
      });
      assert.ok((r.functionCalls ?? []).every((c) => c.name === 'get_time'), JSON.stringify(r.functionCalls));
    }
  });

  it('AUTO with a CallableTool: the SDK loop completes, with the tool result fed back in the tool format', async () => {
    const ai = genai(served.server.baseUrl);
    const seen: FunctionCall[] = [];
    const tool: CallableTool = {
      tool: async () => ({ functionDeclarations: [weather] }),
      callTool: async (calls) => {
        seen.push(...calls);
        return calls.map((c) => ({ functionResponse: { id: c.id, name: c.name!, response: { output: 'sunny' } } }));
      },
    };
    const r = await ai.models.generateContent({ model: MODEL, contents: 'Weather in Oslo?', config: { tools: [tool], maxOutputTokens: 40, seed: 3 } });
    assert.equal(typeof r.text, 'string');
    assert.ok(['STOP', 'MAX_TOKENS'].includes(r.candidates?.[0].finishReason ?? ''));
    // A history with a call and its result renders and generates (the template's tool format).
    const after = await ai.models.generateContent({
      model: MODEL,
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
        { role: 'model', parts: [{ functionCall: { id: 'a', name: 'get_weather', args: { city: 'Oslo', days: 1, unit: 'C' } } }] },
        { role: 'user', parts: [{ functionResponse: { id: 'a', name: 'get_weather', response: { output: 'sunny' } } }] },
      ],
      config: { tools: [{ functionDeclarations: [weather] }], maxOutputTokens: 20 },
    });
    assert.ok(after.candidates?.[0].finishReason);
    assert.ok(seen.length <= 10);
  });
});
