import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { isGemserveError } from '../core/errors.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { convertToLogprobsOptions } from './convert-to-logprobs-options.js';

const entry = (logprobs: boolean) => new ModelCatalog([{
  id: 'gemini-2.0-flash', engine: Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 8, contextTokens: 4096, logprobs } }),
}]).get('gemini-2.0-flash')!;

function bad(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => isGemserveError(e) && e.httpStatus === 400 && message.test(e.message));
}

// The range and `responseLogprobs` rules are the API's: src/api/gemini/validate-generate-content-request.test.ts.
test('responseLogprobs with 0..20 alternatives; an engine without them refuses', () => {
  assert.equal(convertToLogprobsOptions(undefined, entry(true)), undefined);
  assert.equal(convertToLogprobsOptions({ logprobs: 0 }, entry(true)), undefined);
  assert.deepEqual(convertToLogprobsOptions({ responseLogprobs: true }, entry(true)), { top: 0 });
  assert.deepEqual(convertToLogprobsOptions({ responseLogprobs: true, logprobs: 20 }, entry(true)), { top: 20 });
  bad(() => convertToLogprobsOptions({ responseLogprobs: true }, entry(false)), /Log probabilities/);
});
