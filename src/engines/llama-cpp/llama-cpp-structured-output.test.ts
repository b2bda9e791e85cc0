import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration } from '../../core/engine.js';
import { asGrammarCounts, personSchema, richSchema, structuredInput as input } from '../../../test/fixtures/structured-output-inputs.js';
import { compileJsonSchemaValidator } from '../shared/compile-json-schema-validator.js';
import { convertJsonSchemaToGbnf } from '../shared/convert-json-schema-to-gbnf.js';
import { validationCounters } from '../shared/generate-validated.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { createLlamaCppEngine, type LlamaCppEngine } from './llama-cpp-engine.js';

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

  it('every keyword Google documents is enforced by the grammar: 20 generations all validate, none resampled', async () => {
    assert.deepEqual(convertJsonSchemaToGbnf(richSchema).unenforced, []);
    const before = { ...validationCounters };
    const validate = compileJsonSchemaValidator(richSchema);
    let stopped = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema: richSchema }, 400, seed)));
      const c = r.candidates[0];
      if (c.finishReason !== 'stop') continue;
      stopped++;
      assert.equal(validate(JSON.parse(asGrammarCounts(c.text))), undefined, `seed ${seed}: ${c.text}`);
    }
    assert.ok(stopped >= 15, `${stopped} of 20 finished`);
    assert.deepEqual(validationCounters, before);
  });

  it('a keyword left to validation (multipleOf): the candidate is checked and resampled, up to 3 attempts', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 9, multipleOf: 3 } }, required: ['n'], additionalProperties: false };
    assert.deepEqual(convertJsonSchemaToGbnf(schema).unenforced, ['#/properties/n/multipleOf']);
    const before = { ...validationCounters };
    let valid = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema }, 50, seed)));
      assert.equal(r.candidates[0].finishReason, 'stop');
      if ((JSON.parse(r.candidates[0].text) as { n: number }).n % 3 === 0) valid++;
    }
    const resampled = validationCounters.resampled - before.resampled;
    const invalid = validationCounters.invalid - before.invalid;
    assert.equal(validationCounters.candidates - before.candidates, 20);
    assert.equal(valid, 20 - invalid, 'every answer the counters call valid is');
    assert.ok(resampled > 0 && valid >= 15, `resampled ${resampled}, valid ${valid}/20`);
  });
});
