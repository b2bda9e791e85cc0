import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { collectGeneration } from '../../core/engine.js';
import { convertGeminiSchemaToJsonSchema } from '../../convert/convert-gemini-schema-to-json-schema.js';
import { asGrammarCounts, personSchema, structuredInput as input } from '../../../test/fixtures/structured-output-inputs.js';
import { isGemserveError } from '../../core/errors.js';
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

  it('a keyword the grammar cannot enforce is a 400 naming it, before generating', async () => {
    for (const [schema, keyword] of [
      [convertGeminiSchemaToJsonSchema({ type: 'STRING', pattern: '^a+$' }), 'pattern'],
      [{ type: 'object', properties: { a: { allOf: [{ type: 'string' }] } } }, 'allOf'],
    ] as const) {
      await assert.rejects(collectGeneration(engine.stream(input({ type: 'json', schema }, 10))), (e: unknown) =>
        isGemserveError(e) && e.httpStatus === 400 && new RegExp(keyword).test(e.message));
    }
  });
});
