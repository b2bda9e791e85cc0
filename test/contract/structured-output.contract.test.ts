/**
 * Structured output through `@google/genai` against the real server: the embedded llama-cpp
 * engine on the generated tiny model (random weights, so the grammar alone makes the output
 * valid), and the fake engine, which cannot do it and must say so with a 400.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Type, type Schema } from '@google/genai';
import { createLlamaCppEngine } from '../../src/engines/llama-cpp/llama-cpp-engine.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import type { Engine } from '../../src/core/engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { genai, sdkError } from './helpers/clients.js';
import { tinyChatModel } from '../fixtures/test-models.js';
import { validateJsonSchema } from '../fixtures/validate-json-schema.js';

const MODEL = 'gemini-2.0-flash';
const FAKE = 'gemini-2.5-flash';
const contents = 'Describe a person.';

const PERSON: Schema = {
  type: Type.OBJECT,
  properties: {
    name: { type: Type.STRING, maxLength: '12' },
    age: { type: Type.INTEGER, minimum: 0, maximum: 120 },
    tags: { type: Type.ARRAY, items: { type: Type.STRING, enum: ['a', 'b'] }, maxItems: '3' },
  },
  required: ['name', 'age'],
  propertyOrdering: ['name', 'age', 'tags'],
};
/** PERSON as JSON Schema, for validating replies (`name` is checked by the engine tests). */
const PERSON_JSON = {
  type: 'object', required: ['name', 'age'], additionalProperties: false,
  properties: {
    name: { type: 'string' },
    age: { type: 'integer', minimum: 0, maximum: 120 },
    tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
  },
};

describe('structured output (contract, @google/genai)', () => {
  let engine: Engine;
  let server: TestServer;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, parallel: 1, threads: 1, contextSize: 1024 });
    server = await startServer({ bindings: [{ id: MODEL, engine }, { id: FAKE, engine: new FakeEngine() }] });
  });
  after(async () => {
    await server?.close();
    await engine?.dispose();
  });

  it('responseMimeType application/json + responseSchema: valid JSON in propertyOrdering, STOP', async () => {
    const ai = genai(server.baseUrl);
    for (const seed of [1, 2, 3]) {
      const r = await ai.models.generateContent({
        model: MODEL, contents,
        config: { responseMimeType: 'application/json', responseSchema: PERSON, maxOutputTokens: 400, temperature: 1, seed },
      });
      assert.equal(r.candidates?.[0].finishReason, 'STOP', r.text);
      const value = JSON.parse(r.text!.replace(/\uFFFD+/g, '?')) as Record<string, unknown>;
      assert.equal(validateJsonSchema(value, PERSON_JSON), undefined);
      assert.deepEqual(Object.keys(value), ['name', 'age', 'tags']);
    }
  });

  it('streaming JSON concatenates to a valid object', async () => {
    const ai = genai(server.baseUrl);
    let text = '';
    const config = { responseMimeType: 'application/json', responseSchema: PERSON, maxOutputTokens: 400, temperature: 1, seed: 4 };
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents, config })) text += c.text ?? '';
    assert.equal(validateJsonSchema(JSON.parse(text.replace(/\uFFFD+/g, '?')), PERSON_JSON), undefined);
  });

  it('responseJsonSchema is used as is', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' }, n: { type: ['integer', 'null'] } }, required: ['ok'] };
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents, config: { responseMimeType: 'application/json', responseJsonSchema: schema, maxOutputTokens: 200, seed: 1 },
    });
    assert.equal(r.candidates?.[0].finishReason, 'STOP', r.text);
    assert.equal(validateJsonSchema(JSON.parse(r.text!), schema), undefined);
  });

  it('a small maxOutputTokens is MAX_TOKENS with an unfinished object', async () => {
    const r = await genai(server.baseUrl).models.generateContent({
      model: MODEL, contents, config: { responseMimeType: 'application/json', responseSchema: PERSON, maxOutputTokens: 3 },
    });
    assert.equal(r.candidates?.[0].finishReason, 'MAX_TOKENS');
    assert.throws(() => JSON.parse(r.text ?? ''));
  });

  it('text/x.enum returns exactly one of the values', async () => {
    const values = ['positive', 'negative', 'neutral'];
    for (const seed of [1, 2, 3, 4]) {
      const r = await genai(server.baseUrl).models.generateContent({
        model: MODEL, contents: 'How does this feel?',
        config: { responseMimeType: 'text/x.enum', responseSchema: { type: Type.STRING, enum: values }, temperature: 1, seed },
      });
      assert.ok(values.includes(r.text ?? ''), JSON.stringify(r.text));
    }
  });

  it('a pattern is enforced by the grammar (no longer a 400), unary and streamed', async () => {
    const ai = genai(server.baseUrl);
    const config = { responseMimeType: 'application/json', responseSchema: { type: Type.STRING, pattern: '^[a-z]{1,6}$' }, temperature: 1, seed: 2 };
    const r = await ai.models.generateContent({ model: MODEL, contents, config });
    assert.equal(r.candidates?.[0].finishReason, 'STOP');
    assert.match(JSON.parse(r.text!) as string, /^[a-z]{1,6}$/);
    let streamed = '';
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents, config })) streamed += c.text ?? '';
    assert.match(JSON.parse(streamed) as string, /^[a-z]{1,6}$/);
  });

  it('a schema that is not one is still a 400 INVALID_ARGUMENT naming the field', async () => {
    const config = { responseMimeType: 'application/json', responseSchema: { type: Type.STRING, pattern: '([a-z' } };
    const { body } = await sdkError(genai(server.baseUrl).models.generateContent({ model: MODEL, contents, config }), 400, 'INVALID_ARGUMENT');
    assert.match(body.error.message, /generation_config\.response_schema\.pattern is not a valid regular expression/);
  });

  it('the fake engine cannot do structured output: 400', async () => {
    const ai = genai(server.baseUrl);
    for (const config of [{ responseMimeType: 'application/json' }, { responseMimeType: 'text/x.enum', responseSchema: { type: Type.STRING, enum: ['a'] } }]) {
      const { body } = await sdkError(ai.models.generateContent({ model: FAKE, contents, config }), 400, 'INVALID_ARGUMENT');
      assert.match(body.error.message, /Structured output .* is not supported by models\/gemini-2.5-flash/);
    }
  });
});
