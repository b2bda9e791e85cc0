import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type ChatMessage, type GenerateEvent, type GenerateInput, type ToolOptions } from '../../core/engine.js';
import { isGemserveError } from '../../core/errors.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { asGrammarCounts, personSchema } from '../../../test/fixtures/structured-output-inputs.js';
import { thinkingChatModel, tinyChatModel } from '../../../test/fixtures/test-models.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { compileJsonSchemaValidator } from '../shared/compile-json-schema-validator.js';
import { validationCounters } from '../shared/generate-validated.js';
import { decodingRequestFields, promptRequestFields } from './chat-request-fields.js';
import { convertToOpenAiMessages } from './convert-to-openai-messages.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { mapSamplingOptions } from './map-sampling-options.js';
import { createLlamaServerEngine, type LlamaServerEngine } from './llama-server-engine.js';

const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';

const weatherSchema = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 20 }, days: { type: 'integer', minimum: 1, maximum: 7 }, unit: { type: 'string', enum: ['C', 'F'] } },
  required: ['city'],
};
const functions: ToolOptions['functions'] = [
  { name: 'get_weather', description: 'The weather forecast of a city.', parameters: weatherSchema },
  { name: 'describe_person', parameters: personSchema },
  { name: 'get_time' },
];
/** Parameters with what llama.cpp's own converter leaves out (a bound on a number) beside what gemserve's grammar writes. */
const bookSchema = {
  type: 'object',
  properties: {
    room: { type: 'string', pattern: '^[A-C][0-9]{3}$' },
    nights: { type: 'integer', minimum: 1, maximum: 14 },
    budget: { type: 'number', minimum: 1, maximum: 9 },
    guest: { $ref: '#/$defs/guest' },
  },
  required: ['room', 'nights', 'budget', 'guest'],
  additionalProperties: false,
  $defs: { guest: { type: 'object', properties: { age: { type: ['integer', 'null'], minimum: 18, maximum: 120 } }, required: ['age'], additionalProperties: false } },
};
const schemaOf = (name: string) => functions.find((f) => f.name === name)?.parameters ?? { type: 'object', properties: {} };
const question: ChatMessage[] = [{ role: 'user', parts: [{ type: 'text', text: 'What is the weather in Paris?' }] }];

const toolInput = (mode: ToolOptions['mode'], seed: number, over: Partial<GenerateInput> = {}): GenerateInput => ({
  messages: question, candidateCount: 1, signal: new AbortController().signal, tools: { functions, mode },
  // Random weights sample anything; a temperature of 1 explores the grammar rather than one path.
  sampling: { maxOutputTokens: 400, stopSequences: [], temperature: 1, seed },
  ...over,
});

async function events(engine: LlamaServerEngine, inp: GenerateInput): Promise<GenerateEvent[]> {
  const out: GenerateEvent[] = [];
  for await (const ev of engine.stream(inp)) out.push(ev);
  return out;
}

describe('LlamaServerEngine function calling on a template without a tool format (tiny ChatML model)', { skip, timeout: 600_000 }, () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = await createLlamaServerEngine({ modelPath: (await tinyChatModel()).path, binary, contextSize: 2048, parallel: 1 });
  });
  after(async () => { await engine?.dispose(); });

  it('says it can call functions', () => assert.equal(engine.capabilities.functionCalling, true));

  it("mode 'any': 10 seeds, every reply is one or more well-formed calls whose args validate", async () => {
    for (let seed = 1; seed <= 10; seed++) {
      // Random weights may write many calls before closing the list: room for them.
      const r = await collectGeneration(engine.stream(toolInput('any', seed, { sampling: { maxOutputTokens: 1200, stopSequences: [], temperature: 1, seed } })));
      const c = r.candidates[0];
      assert.equal(c.finishReason, 'stop', `seed ${seed}: ${JSON.stringify(c.parts)}`);
      assert.equal(c.text, '', `seed ${seed}: no text besides calls`);
      assert.ok(c.parts.length >= 1 && c.parts.every((p) => p.type === 'function-call'), `seed ${seed}: ${JSON.stringify(c.parts)}`);
      for (const p of c.parts) {
        if (p.type !== 'function-call') continue;
        assert.ok(functions.some((f) => f.name === p.name), p.name);
        const args = JSON.parse(asGrammarCounts(JSON.stringify(p.args))) as unknown;
        assert.equal(validateJsonSchema(args, schemaOf(p.name) as Record<string, unknown>), undefined, `seed ${seed}: ${JSON.stringify(p)}`);
      }
    }
  });

  it('call tokens account for every generated token but the end-of-generation one, and match the prompt count', async () => {
    const evs = await events(engine, toolInput('any', 3));
    const prompt = evs[0] as Extract<GenerateEvent, { type: 'prompt' }>;
    assert.equal(prompt.type, 'prompt');
    const counted = evs.reduce((n, e) => n + (e.type === 'text-delta' || e.type === 'function-call' ? e.tokens : 0), 0);
    assert.ok(evs.some((e) => e.type === 'function-call' && e.tokens > 0));
    // What llama-server itself reports for the same request, unstreamed (same seed, same tokens).
    const inp = toolInput('any', 3);
    const features = { tools: inp.tools };
    const body = {
      ...promptRequestFields(convertToOpenAiMessages(inp.messages, { tools: engine.chatTraits.tools }), engine.chatTraits, features),
      ...mapSamplingOptions(inp.sampling, 0, inp.sampling.maxOutputTokens), ...decodingRequestFields(engine.chatTraits, features),
    };
    const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
    const usage = (await res.json() as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    assert.equal(usage.prompt_tokens, prompt.promptTokens);
    assert.equal(counted, usage.completion_tokens - 1, 'all but the end-of-generation token');
  });

  it("mode 'auto' answers with text or valid calls (random weights may ramble to the limit)", async () => {
    for (let seed = 1; seed <= 3; seed++) {
      const c = (await collectGeneration(engine.stream(toolInput('auto', seed)))).candidates[0];
      if (c.finishReason === 'max-tokens') assert.equal(c.tokens, 400);
      for (const p of c.parts) {
        if (p.type !== 'function-call') continue;
        const args = JSON.parse(asGrammarCounts(JSON.stringify(p.args))) as unknown;
        assert.equal(validateJsonSchema(args, schemaOf(p.name) as Record<string, unknown>), undefined);
      }
    }
  });

  it('a call cut short by maxOutputTokens is no call: max-tokens, all tokens counted', async () => {
    const c = (await collectGeneration(engine.stream(toolInput('any', 1, { sampling: { maxOutputTokens: 5, stopSequences: [], temperature: 1, seed: 1 } })))).candidates[0];
    assert.equal(c.finishReason, 'max-tokens');
    assert.equal(c.tokens, 5);
    assert.ok(c.parts.every((p) => p.type !== 'function-call'));
  });

  it('takes earlier calls and responses in the history; the tool instructions are part of the prompt', async () => {
    const messages: ChatMessage[] = [
      ...question,
      { role: 'model', parts: [{ type: 'function-call', name: 'get_weather', args: { city: 'Paris' } }] },
      { role: 'user', parts: [{ type: 'function-response', name: 'get_weather', response: { forecast: 'sunny' } }] },
    ];
    const evs = await events(engine, toolInput('auto', 1, { messages }));
    const counted = await engine.countTokens({ messages });
    assert.ok((evs[0] as { promptTokens: number }).promptTokens > counted.total, 'the tool instructions are part of the prompt');
    assert.equal(evs.filter((e) => e.type === 'finish').length, 1);
  });

  it('refuses logprobs together with tools', async () => {
    await assert.rejects(collectGeneration(engine.stream(toolInput('any', 1, { logprobs: { top: 2 } }))), (e: unknown) =>
      isGemserveError(e) && e.httpStatus === 400);
  });

  it('enforces a pattern, bounds and a $ref in the parameters by grammar: every call validates, none resampled', async () => {
    const before = { ...validationCounters };
    const validate = compileJsonSchemaValidator(bookSchema);
    for (let seed = 1; seed <= 5; seed++) {
      const r = await collectGeneration(engine.stream(toolInput('any', seed, { tools: { mode: 'any', functions: [{ name: 'book', parameters: bookSchema }] } })));
      const c = r.candidates[0];
      assert.equal(c.finishReason, 'stop', `seed ${seed}: ${c.text}`);
      const calls = c.parts.filter((p) => p.type === 'function-call');
      assert.ok(calls.length >= 1);
      for (const call of calls) assert.equal(validate(call.args), undefined, JSON.stringify(call.args));
    }
    assert.deepEqual(validationCounters, before);
  });
});

describe('LlamaServerEngine function calling on a template with a tool format (tiny model, Qwen3 template)', { skip, timeout: 600_000 }, () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = await createLlamaServerEngine({ modelPath: (await thinkingChatModel()).path, binary, contextSize: 2048, parallel: 1 });
  });
  after(async () => { await engine?.dispose(); });

  const messages: ChatMessage[] = [
    ...question,
    { role: 'model', parts: [{ type: 'function-call', id: 'c7', name: 'get_weather', args: { city: 'Paris' } }] },
    { role: 'user', parts: [{ type: 'function-response', name: 'get_weather', response: { forecast: 'sunny' } }] },
  ];

  it('renders the tools, calls and responses in the template\'s own format', async () => {
    const features = { tools: { functions, mode: 'auto' as const } };
    const body = promptRequestFields(convertToOpenAiMessages(messages, { tools: engine.chatTraits.tools }), engine.chatTraits, features);
    const res = await fetch(`${engine.baseUrl}/apply-template`, { method: 'POST', body: JSON.stringify(body) });
    const { prompt } = await res.json() as { prompt: string };
    assert.match(prompt, /<tools>[\s\S]*"get_weather"[\s\S]*<\/tools>/);
    assert.match(prompt, /<tool_call>\n\{"name": "get_weather", "arguments": \{"city": "Paris"\}\}\n<\/tool_call>/);
    assert.match(prompt, /<tool_response>\n\{"forecast":"sunny"\}\n<\/tool_response>/);
  });

  it("counts the prompt with tools exactly (mode 'auto')", async () => {
    const inp = toolInput('auto', 1, { messages, sampling: { maxOutputTokens: 4, stopSequences: [], temperature: 1, seed: 1 } });
    const evs = await events(engine, inp);
    const features = { tools: inp.tools };
    const body = {
      ...promptRequestFields(convertToOpenAiMessages(messages, { tools: engine.chatTraits.tools }), engine.chatTraits, features),
      ...mapSamplingOptions(inp.sampling, 0, 4),
    };
    const res = await fetch(`${engine.baseUrl}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
    const usage = (await res.json() as { usage: { prompt_tokens: number } }).usage;
    assert.equal((evs[0] as { promptTokens: number }).promptTokens, usage.prompt_tokens);
    assert.equal(evs.filter((e) => e.type === 'finish').length, 1);
  });

});
