import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration, type GenerateInput, type ResponseFormat } from '../../core/engine.js';
import { isGemserveError } from '../../core/errors.js';
import { convertGeminiSchemaToJsonSchema } from '../../convert/convert-gemini-schema-to-json-schema.js';
import type { Schema } from '../../api/gemini/types.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llama-cpp-engine.js';

/** The brief's example: every keyword the grammar enforces, in a Gemini responseSchema. */
const PERSON: Schema = {
  type: 'OBJECT',
  properties: {
    tags: { type: 'ARRAY', items: { type: 'STRING', enum: ['a', 'b'] }, maxItems: '3' },
    name: { type: 'STRING', maxLength: 12 },
    age: { type: 'INTEGER', minimum: 0, maximum: 120 },
  },
  required: ['name', 'age'],
  propertyOrdering: ['name', 'age', 'tags'],
};
const personSchema = convertGeminiSchemaToJsonSchema(PERSON);

/**
 * Random weights emit invalid UTF-8 (e.g. a 4-byte sequence past U+10FFFF): llama.cpp's grammar
 * decodes it leniently as one code point, TextDecoder as up to four U+FFFD. Lengths are checked
 * the grammar's way, so a run of U+FFFD counts as one character. Real models write valid UTF-8.
 */
const asGrammarCounts = (text: string) => text.replace(/\uFFFD+/g, '\uFFFD');

const input = (responseFormat: ResponseFormat, max: number, seed = 1): GenerateInput => ({
  messages: [{ role: 'user', parts: [{ type: 'text', text: 'Describe a person as JSON.' }] }],
  candidateCount: 1,
  signal: new AbortController().signal,
  responseFormat,
  // Random weights sample anything; a temperature of 1 explores the grammar rather than one path.
  sampling: { maxOutputTokens: max, stopSequences: [], temperature: 1, seed },
});

describe('LlamaCppEngine structured output (tiny random-weight model)', { timeout: 600_000 }, () => {
  let engine: LlamaCppEngine;
  before(async () => {
    engine = await createLlamaCppEngine({ modelPath: (await tinyChatModel()).path, contextSize: 1024, parallel: 1, threads: 1 });
  });
  after(async () => { await engine?.dispose(); });

  it('says it can do structured output', () => assert.equal(engine.capabilities.structuredOutput, true));

  it('20 schema-constrained generations all parse and validate, keys in propertyOrdering', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema: personSchema }, 400, seed)));
      const c = r.candidates[0];
      assert.equal(c.finishReason, 'stop', `seed ${seed}: ${c.text}`);
      const value = JSON.parse(asGrammarCounts(c.text)) as Record<string, unknown>;
      assert.equal(validateJsonSchema(value, personSchema), undefined, `seed ${seed}: ${c.text}`);
      assert.deepEqual(Object.keys(value), ['name', 'age', 'tags'].filter((k) => k in value));
    }
  });

  it('JSON mode without a schema gives a JSON object', async () => {
    const r = await collectGeneration(engine.stream(input({ type: 'json', schema: { type: 'object' } }, 400, 3)));
    if (r.candidates[0].finishReason === 'stop') assert.equal(typeof JSON.parse(r.candidates[0].text), 'object');
  });

  it('a small maxOutputTokens ends mid-object with max-tokens, not stop', async () => {
    const r = await collectGeneration(engine.stream(input({ type: 'json', schema: personSchema }, 3)));
    assert.equal(r.candidates[0].finishReason, 'max-tokens');
    assert.equal(r.candidates[0].tokens, 3);
    assert.throws(() => JSON.parse(r.candidates[0].text));
  });

  it('an enum reply is exactly one of the values', async () => {
    const values = ['red', 'green', 'blue "sky"', 'back\\slash'];
    for (let seed = 1; seed <= 8; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'enum', values }, 50, seed)));
      assert.equal(r.candidates[0].finishReason, 'stop');
      assert.ok(values.includes(r.candidates[0].text), JSON.stringify(r.candidates[0].text));
    }
  });

  it('a keyword the grammar cannot enforce is a 400 naming it', async () => {
    const schema = convertGeminiSchemaToJsonSchema({ type: 'STRING', pattern: '^a+$' });
    await assert.rejects(collectGeneration(engine.stream(input({ type: 'json', schema }, 10))), (e: unknown) =>
      isGemserveError(e) && e.httpStatus === 400 && /pattern/.test(e.message));
  });
});
