/**
 * Function calling through the frameworks against the real server: the Vercel AI SDK's tool
 * calls (with its multi-step loop running the tool and sending the result back) and LangChain's
 * `bindTools`. The fake engine calls a function unless the conversation ends with a function's
 * result, so each loop has one call and then text; what is under test is each framework's own
 * mapping of Gemini's functionCall / functionResponse parts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { ChatGoogleGenerativeAI } from '@langchain/google-genai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const PARAMS = {
  type: 'object',
  properties: { city: { type: 'string', enum: ['Oslo', 'Paris'] }, days: { type: 'integer', minimum: 1 } },
  required: ['city', 'days'],
} as const;

describe('frameworks: tool calls (contract)', () => {
  let server: TestServer;
  before(async () => { server = await startServer({ bindings: [{ id: MODEL, engine: new FakeEngine() }] }); });
  after(async () => { await server.close(); });

  it('@ai-sdk/google: a tool call with valid input, executed, then a text answer', async () => {
    const google = createGoogleGenerativeAI({ apiKey: 'any', baseURL: `${server.baseUrl}/v1beta` });
    const inputs: unknown[] = [];
    const r = await generateText({
      model: google(MODEL),
      prompt: 'Weather in Oslo for 2 days?',
      tools: {
        get_weather: tool({
          description: 'Weather forecast',
          inputSchema: jsonSchema<{ city: string; days: number }>(PARAMS),
          execute: async (input) => { inputs.push(input); return { forecast: 'sunny' }; },
        }),
      },
      stopWhen: stepCountIs(3),
    });
    // @ai-sdk/google drops `minimum` from the schema it sends, so 0 is what the model was allowed.
    assert.deepEqual(inputs, [{ city: 'Oslo', days: 0 }]);
    assert.equal(r.steps.length, 2);
    assert.equal(r.steps[0].finishReason, 'tool-calls');
    assert.equal(r.steps[0].toolCalls[0].toolName, 'get_weather');
    assert.equal(r.finishReason, 'stop');
    assert.ok(r.text.length > 0);
  });

  it('@langchain/google-genai bindTools: tool_calls, and the ToolMessage answer', async () => {
    const model = new ChatGoogleGenerativeAI({ model: MODEL, apiKey: 'any', baseUrl: server.baseUrl, maxRetries: 0 });
    const withTools = model.bindTools([{ type: 'function', function: { name: 'get_weather', description: 'Weather forecast', parameters: PARAMS } }]);
    const question = new HumanMessage('Weather in Oslo for 2 days?');
    const ai = await withTools.invoke([question]);
    assert.equal(ai.tool_calls?.length, 1);
    const call = ai.tool_calls![0];
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(call.args, { city: 'Oslo', days: 1 });
    const answer = await withTools.invoke([question, ai, new ToolMessage({ content: '{"forecast":"sunny"}', tool_call_id: call.id ?? 'x', name: 'get_weather' })]);
    assert.equal(answer.tool_calls?.length ?? 0, 0);
    assert.ok(typeof answer.content === 'string' ? answer.content.length > 0 : answer.content.length > 0);
  });
});
