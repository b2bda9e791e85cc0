/**
 * Function-calling mode ANY on the openai-compatible engine, against the scripted OpenAI upstream
 * playing a server that honours `tool_choice: required`, one that ignores it (llama-server on a
 * chat template without a tool format) and one that also refuses `response_format` ("Failed to
 * initialize samplers", as that llama-server does) but honours `grammar`: every answer is calls
 * of offered functions with valid arguments, or a system error, never prose.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { GenerateEvent, GenerateInput, ToolOptions } from '../../core/engine.js';
import { openAiError, SAMPLERS_REFUSAL, startFakeOpenAiUpstream, type ScriptedUpstream } from '../../../test/fixtures/fake-openai-upstream.js';
import { input, streamToEnd, user } from '../../../test/fixtures/engine-test-inputs.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { OpenAiCompatibleEngine, type OpenAiCompatibleEngineOptions } from './openai-compatible-engine.js';

let honouring: ScriptedUpstream;
let ignoring: ScriptedUpstream;
let refusing: ScriptedUpstream;
before(async () => {
  honouring = await startFakeOpenAiUpstream();
  ignoring = await startFakeOpenAiUpstream({ ignoreToolChoice: true });
  refusing = await startFakeOpenAiUpstream({ ignoreToolChoice: true, refuseJsonSchema: true });
});
after(async () => {
  await Promise.all([honouring.close(), ignoring.close(), refusing.close()]);
});
beforeEach(() => {
  for (const u of [honouring, ignoring, refusing]) u.reset();
});

const make = (upstream: ScriptedUpstream, over: Partial<OpenAiCompatibleEngineOptions> = {}) => new OpenAiCompatibleEngine({
  baseUrl: `${upstream.url}/v1`, model: 'm', timeoutMs: 2_000, capabilities: { functionCalling: true, structuredOutput: true },
  retryDeps: { random: () => 0.5, sleep: async () => {} }, ...over,
});

const weather = { type: 'object', properties: { city: { type: 'string', minLength: 2 }, days: { type: 'integer', minimum: 1, maximum: 7 } }, required: ['city', 'days'] };
const functions: ToolOptions['functions'] = [
  { name: 'get_weather', description: 'The forecast of a city.', parameters: weather },
  { name: 'get_time' },
];
const any = (over: Partial<GenerateInput> = {}): GenerateInput => ({ ...input({ max: 60 }), tools: { mode: 'any', functions }, ...over });

const run = (engine: OpenAiCompatibleEngine, inp: GenerateInput) => streamToEnd(engine, inp);

/** Every candidate is one or more calls of offered functions whose arguments validate, and nothing else. */
function assertValidCalls(events: GenerateEvent[], candidates = 1): void {
  assert.equal(events[0]?.type, 'prompt', 'the prompt event comes first');
  for (let c = 0; c < candidates; c++) {
    const mine = events.filter((e) => 'candidate' in e && e.candidate === c);
    const calls = mine.filter((e) => e.type === 'function-call');
    assert.ok(calls.length >= 1, `candidate ${c} calls: ${JSON.stringify(mine)}`);
    for (const call of calls) {
      const f = functions.find((g) => g.name === call.name);
      assert.ok(f, `an offered function: ${call.name}`);
      assert.equal(validateJsonSchema(call.args, (f.parameters ?? { type: 'object' }) as Record<string, unknown>), undefined);
    }
    assert.equal(mine.filter((e) => e.type === 'text-delta' && !e.thought).map((e) => (e.type === 'text-delta' ? e.text : '')).join(''), '', 'no text beside the calls');
    assert.deepEqual(mine.at(-1), { type: 'finish', candidate: c, reason: 'stop' });
  }
}

const streamed = (u: ScriptedUpstream) => u.requests.filter((r) => r.body.stream === true);
const counted = (u: ScriptedUpstream) => u.requests.filter((r) => r.body.stream === false);

describe('openai-compatible mode ANY', () => {
  it('toolChoice native, on an upstream that honours required: one request with tool_choice required, a valid call', async () => {
    const { events, error } = await run(make(honouring, { toolChoice: 'native' }), any());
    assert.equal(error, undefined);
    assertValidCalls(events);
    assert.equal(streamed(honouring).length, 1);
    assert.equal(streamed(honouring)[0].body.tool_choice, 'required');
    assert.equal(streamed(honouring)[0].body.response_format, undefined);
  });

  it('toolChoice native, on an upstream that ignores it: UPSTREAM_LIMITATION (500, system), no prose passed on', async () => {
    const { events, error } = await run(make(ignoring, { toolChoice: 'native' }), any());
    assert.equal(error?.code, 'UPSTREAM_LIMITATION');
    assert.equal(error?.status, 'INTERNAL');
    assert.equal(error?.httpStatus, 500);
    assert.equal(error?.kind, 'system');
    assert.match(error!.message, /without a call .*tool_choice was "required".*toolChoice/);
    assert.deepEqual(events, []);
    assert.ok(streamed(ignoring)[0].text.length > 0, 'the upstream did answer in prose');
  });

  it('toolChoice prompted: the functions in the system message, the reply constrained by response_format, a valid call', async () => {
    const engine = make(ignoring, { toolChoice: 'prompted' });
    const { events, error } = await run(engine, any({ messages: [{ role: 'system', parts: [{ type: 'text', text: 'Be brief.' }] }, user('Weather in Paris?')] }));
    assert.equal(error, undefined);
    assertValidCalls(events);
    const body = streamed(ignoring)[0].body;
    assert.equal(body.tools, undefined);
    assert.equal(body.tool_choice, undefined);
    const format = body.response_format as { type: string; json_schema: { name: string; schema: Record<string, unknown> } };
    assert.equal(format.type, 'json_schema');
    const items = (format.json_schema.schema.properties as { tool_calls: { items: { anyOf: Array<{ properties: { name: unknown } }> } } }).tool_calls.items;
    assert.deepEqual(items.anyOf.map((a) => a.properties.name), [{ const: 'get_weather' }, { const: 'get_time' }]);
    const system = (body.messages as Array<{ role: string; content: string }>)[0];
    assert.equal(system.role, 'system');
    assert.match(system.content, /^Be brief\.\n\nYou can call these functions/);
    assert.match(system.content, /"name":"get_weather"/);
    // The prompt counted is the prompt evaluated.
    assert.deepEqual(counted(ignoring)[0].body.messages, body.messages);
    const prompt = events[0] as Extract<GenerateEvent, { type: 'prompt' }>;
    assert.equal((await engine.countTokens({ messages: any().messages, tools: any().tools })).total > 0, true);
    assert.ok(prompt.promptTokens > 0);
  });

  it('toolChoice auto: a prose answer is asked again prompted before anything went out, and the engine stays prompted', async () => {
    const engine = make(ignoring);
    const first = await run(engine, any());
    assert.equal(first.error, undefined);
    assertValidCalls(first.events);
    assert.deepEqual(ignoring.requests.map((r) => [r.body.stream, r.body.tool_choice ?? null, r.body.response_format ? 'constrained' : null]), [
      [false, 'auto', null], [true, 'required', null], [false, null, null], [true, null, 'constrained'],
    ]);
    assert.equal(engine.modeAnyWay, 'json_schema');
    // The prompt event is the count of the prompt that answered, which countTokens now gives too.
    const prompt = first.events[0] as Extract<GenerateEvent, { type: 'prompt' }>;
    assert.equal(prompt.promptTokens, (await engine.countTokens({ messages: any().messages, tools: any().tools })).total);
    ignoring.reset();
    const second = await run(engine, any({ candidateCount: 2 }));
    assert.equal(second.error, undefined);
    assertValidCalls(second.events, 2);
    assert.equal(second.events.filter((e) => e.type === 'prompt').length, 1);
    assert.deepEqual(streamed(ignoring).map((r) => r.body.tool_choice ?? (r.body.response_format ? 'constrained' : null)), ['constrained', 'constrained']);
  });

  it('toolChoice auto on an upstream that honours required stays native', async () => {
    const engine = make(honouring);
    for (let i = 0; i < 2; i++) assertValidCalls((await run(engine, any())).events);
    assert.equal(engine.modeAnyWay, 'native');
    assert.deepEqual(streamed(honouring).map((r) => r.body.tool_choice), ['required', 'required']);
  });

  it('earlier calls and responses are written in the prompted format when prompted', async () => {
    await run(make(ignoring, { toolChoice: 'prompted' }), any({
      messages: [
        user('weather?'),
        { role: 'model', parts: [{ type: 'function-call', name: 'get_weather', args: { city: 'Oslo', days: 1 } }] },
        { role: 'user', parts: [{ type: 'function-response', name: 'get_weather', response: { temp: 3 } }, { type: 'text', text: 'and now?' }] },
      ],
    }));
    assert.deepEqual((streamed(ignoring)[0].body.messages as unknown[]).slice(1), [
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: '{"tool_calls":[{"name":"get_weather","arguments":{"city":"Oslo","days":1}}]}' },
      { role: 'user', content: 'and now?\n{"tool_response":{"name":"get_weather","response":{"temp":3}}}' },
    ]);
  });

  it('a prompted reply cut by the token limit: MAX_TOKENS with no text and no call, not an error', async () => {
    const { events, error } = await run(make(ignoring, { toolChoice: 'prompted' }), any({ ...input({ max: 3 }), tools: { mode: 'any', functions } }));
    assert.equal(error, undefined);
    assert.equal(events.filter((e) => e.type === 'function-call').length, 0);
    assert.equal(events.map((e) => (e.type === 'text-delta' ? e.text : '')).join(''), '');
    assert.deepEqual(events.at(-1), { type: 'finish', candidate: 0, reason: 'max-tokens' });
    assert.equal(events.reduce((n, e) => n + (e.type === 'text-delta' ? e.tokens : 0), 0), 3);
  });

  it('mode AUTO is untouched: prose from an upstream that ignores tools passes as text', async () => {
    const { events, error } = await run(make(ignoring), { ...any(), tools: { mode: 'auto', functions } });
    assert.equal(error, undefined);
    assert.ok(events.some((e) => e.type === 'text-delta' && e.text.length > 0));
    assert.equal(streamed(ignoring).length, 1);
  });
});

describe('openai-compatible: refusals caused by the upstream own limits', () => {
  it('toolChoice auto on an upstream that refuses response_format: the refusal is not retried, the grammar answers, and stays', async () => {
    const engine = make(refusing);
    const first = await run(engine, any());
    assert.equal(first.error, undefined);
    assertValidCalls(first.events);
    assert.deepEqual(refusing.requests.map((r) => [r.body.stream, r.body.tool_choice ?? (r.body.response_format ? 'json_schema' : r.body.grammar ? 'grammar' : null)]), [
      [false, 'auto'], [true, 'required'], [false, null], [true, 'json_schema'], [true, 'grammar'],
    ]);
    assert.match(streamed(refusing)[2].body.grammar as string, /^root ::= /m);
    assert.equal(engine.modeAnyWay, 'grammar');
    refusing.reset();
    assertValidCalls((await run(engine, any())).events);
    assert.deepEqual(streamed(refusing).map((r) => typeof r.body.grammar), ['string']);
  });

  it('a refusal at the top of the ladder: UPSTREAM_LIMITATION (500, system, not retryable) with the upstream message', async () => {
    const refusal = { kind: 'status' as const, status: 400, body: { error: { code: 400, message: SAMPLERS_REFUSAL, type: 'invalid_request_error' } } };
    refusing.script({ kind: 'normal' }, { kind: 'normal' }, refusal);
    const { events, error } = await run(make(refusing, { toolChoice: 'prompted' }), any());
    assert.deepEqual(events, []);
    assert.equal(error?.code, 'UPSTREAM_LIMITATION');
    assert.equal(error?.httpStatus, 500);
    assert.equal(error?.status, 'INTERNAL');
    assert.equal(error?.kind, 'system');
    assert.equal(error?.retryable, false);
    assert.ok(error!.message.includes(SAMPLERS_REFUSAL), error!.message);
    assert.equal(streamed(refusing).length, 2, 'response_format, then grammar; neither retried');
  });

  it('a 400 "Failed to initialize samplers", before the stream or in-band, is a system error; a genuine 400 stays the client\'s', async () => {
    const engine = make(honouring);
    honouring.script({ kind: 'normal' }, { kind: 'status', status: 400, body: { error: { code: 400, message: SAMPLERS_REFUSAL, type: 'invalid_request_error' } } });
    assert.equal((await run(engine, input({ max: 8 }))).error?.code, 'UPSTREAM_LIMITATION');
    honouring.script({ kind: 'normal' }, { kind: 'error-event', afterChunks: 0, error: { code: 400, message: SAMPLERS_REFUSAL } });
    assert.equal((await run(engine, input({ max: 8 }))).error?.code, 'UPSTREAM_LIMITATION');
    // Ollama's refusal of `tools` for a model without a tool template (ollama/ollama#6027): a
    // limitation; toolChoice native fails with it, auto asks again prompted and gets its call.
    const noTools = { kind: 'status' as const, status: 400, body: { error: 'registry.ollama.ai/library/gemma3:4b does not support tools' } };
    honouring.script({ kind: 'normal' }, noTools);
    assert.equal((await run(make(honouring, { toolChoice: 'native' }), any())).error?.code, 'UPSTREAM_LIMITATION');
    honouring.script({ kind: 'normal' }, noTools);
    assertValidCalls((await run(engine, any())).events);
    assert.equal(engine.modeAnyWay, 'json_schema');
    honouring.script({ kind: 'normal' }, { kind: 'status', status: 400, body: openAiError('the request exceeds the available context size, try increasing it') });
    const genuine = (await run(engine, input({ max: 8 }))).error;
    assert.equal(genuine?.code, 'UPSTREAM_REJECTED');
    assert.equal(genuine?.status, 'INVALID_ARGUMENT');
  });
});
