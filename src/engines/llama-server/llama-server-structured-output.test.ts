import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration } from '../../core/engine.js';
import { asGrammarCounts, personSchema, richSchema, structuredInput as input } from '../../../test/fixtures/structured-output-inputs.js';
import { compileJsonSchemaValidator } from '../shared/compile-json-schema-validator.js';
import { validationCounters } from '../shared/generate-validated.js';
import { defaultEngineCacheDir } from '../../config/settings.js';
import { tinyChatModel } from '../../../test/fixtures/test-models.js';
import { validateJsonSchema } from '../../../test/fixtures/validate-json-schema.js';
import { findLlamaServerBinary } from './find-llama-server-binary.js';
import { createLlamaServerEngine, type LlamaServerEngine } from './llama-server-engine.js';

const binary = await findLlamaServerBinary({ cacheDir: defaultEngineCacheDir(process.env) }).then((b) => b.path, () => undefined);
const skip = binary ? false : 'no llama-server binary: run `gemserve engine build` (or put llama-server on PATH) to run these tests';

describe('LlamaServerEngine structured output (tiny random-weight model)', { skip, timeout: 600_000 }, () => {
  let engine: LlamaServerEngine;
  before(async () => {
    engine = await createLlamaServerEngine({ modelPath: (await tinyChatModel()).path, binary, contextSize: 1024, parallel: 1 });
  });
  after(async () => { await engine?.dispose(); });

  it('says it can do structured output', () => assert.equal(engine.capabilities.structuredOutput, true));

  it('10 schema-constrained generations all parse and validate', async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema: personSchema }, 400, seed)));
      const c = r.candidates[0];
      assert.equal(c.finishReason, 'stop', `seed ${seed}: ${c.text}`);
      const value = JSON.parse(asGrammarCounts(c.text)) as Record<string, unknown>;
      assert.equal(validateJsonSchema(value, personSchema), undefined, `seed ${seed}: ${c.text}`);
    }
  });

  it('a small maxOutputTokens ends mid-object with max-tokens, not stop', async () => {
    const r = await collectGeneration(engine.stream(input({ type: 'json', schema: personSchema }, 3)));
    assert.equal(r.candidates[0].finishReason, 'max-tokens');
    assert.equal(r.candidates[0].tokens, 3);
    assert.throws(() => JSON.parse(r.candidates[0].text));
  });

  it('an enum reply is exactly one of the values', async () => {
    const values = ['red', 'green', 'blue "sky"', 'back\\slash'];
    for (let seed = 1; seed <= 5; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'enum', values }, 50, seed)));
      assert.equal(r.candidates[0].finishReason, 'stop');
      assert.ok(values.includes(r.candidates[0].text), JSON.stringify(r.candidates[0].text));
    }
  });

  it('every keyword Google documents is enforced by the same grammar as the embedded engine: 10 generations all validate', async () => {
    const validate = compileJsonSchemaValidator(richSchema);
    const before = { ...validationCounters };
    for (let seed = 1; seed <= 10; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema: richSchema }, 400, seed)));
      const c = r.candidates[0];
      assert.equal(c.finishReason, 'stop', `seed ${seed}: ${c.text}`);
      assert.equal(validate(JSON.parse(asGrammarCounts(c.text))), undefined, `seed ${seed}: ${c.text}`);
    }
    assert.deepEqual(validationCounters, before);
  });

  it('a keyword left to validation (multipleOf) is checked and resampled', async () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 0, maximum: 9, multipleOf: 3 } }, required: ['n'], additionalProperties: false };
    const before = { ...validationCounters };
    let valid = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const r = await collectGeneration(engine.stream(input({ type: 'json', schema }, 50, seed)));
      assert.equal(r.candidates[0].finishReason, 'stop');
      if ((JSON.parse(r.candidates[0].text) as { n: number }).n % 3 === 0) valid++;
    }
    assert.equal(validationCounters.candidates - before.candidates, 10);
    assert.equal(valid, 10 - (validationCounters.invalid - before.invalid));
    assert.ok(validationCounters.resampled > before.resampled && valid >= 7, `valid ${valid}/10`);
  });
});
