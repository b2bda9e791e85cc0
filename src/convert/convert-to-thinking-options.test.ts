import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThinkingConfig } from '../api/gemini/types.js';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { isGemserveError } from '../core/errors.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { convertToThinkingOptions } from './convert-to-thinking-options.js';

const engine = (thinking: boolean) => Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 8, contextTokens: 4096, thinking } });
const ids = ['gemini-2.0-flash', 'gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash-thinking-exp-01-21'];
const thinker = new ModelCatalog(ids.map((id) => ({ id, engine: engine(true) })));
const nonThinker = new ModelCatalog(ids.map((id) => ({ id, engine: engine(false) })));
const plan = (t: ThinkingConfig | undefined, id: string, catalog = thinker) => convertToThinkingOptions(t, catalog.get(id)!);

function bad(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isGemserveError(e));
    assert.equal(e.httpStatus, 400);
    assert.match(e.message, message);
    return true;
  });
}

test('thinking models think by default with a dynamic budget; includeThoughts is passed on', () => {
  assert.deepEqual(plan(undefined, 'gemini-2.5-flash'), { thinking: { budget: 'dynamic' }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: -1, includeThoughts: true }, 'gemini-2.5-flash'), { thinking: { budget: 'dynamic' }, includeThoughts: true });
  assert.deepEqual(plan({ thinkingBudget: 512 }, 'gemini-2.5-pro'), { thinking: { budget: 512 }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingLevel: 'LOW' }, 'gemini-2.5-flash'), { thinking: { budget: 1024 }, includeThoughts: false });
  assert.deepEqual(plan(undefined, 'gemini-2.0-flash-thinking-exp-01-21'), { thinking: { budget: 'dynamic' }, includeThoughts: false });
});

test('budget 0 turns thinking off where the model allows it', () => {
  assert.deepEqual(plan({ thinkingBudget: 0 }, 'gemini-2.5-flash'), { includeThoughts: false });
  bad(() => plan({ thinkingBudget: 0 }, 'gemini-2.5-pro'), /^Budget 0 is invalid\. This model only works in thinking mode\.$/);
});

// A budget together with a level is the API's 400: src/api/gemini/validate-generate-content-request.test.ts.
test('budgets outside the documented range are 400s', () => {
  bad(() => plan({ thinkingBudget: 50_000 }, 'gemini-2.5-flash'), /^The thinking budget 50000 is invalid\. Please choose a value between 1 and 24576\.$/);
  bad(() => plan({ thinkingBudget: 64 }, 'gemini-2.5-pro'), /between 128 and 32768/);
  bad(() => plan({ thinkingBudget: -5 }, 'gemini-2.5-flash'), /invalid/);
});

test('a model without thinking: Gemini\'s text when thoughts or a budget are asked for, budget 0 accepted', () => {
  bad(() => plan({ includeThoughts: true }, 'gemini-2.0-flash'), /^Thinking is not supported for this model\.$/);
  bad(() => plan({ thinkingBudget: 1024 }, 'gemini-2.0-flash'), /^Thinking is not supported for this model\.$/);
  assert.deepEqual(plan({ thinkingBudget: 0 }, 'gemini-2.0-flash'), { includeThoughts: false });
  assert.deepEqual(plan(undefined, 'gemini-2.0-flash'), { includeThoughts: false });
});

test('weights that cannot think: silent by default, explicit requests refused', () => {
  assert.deepEqual(plan(undefined, 'gemini-2.5-flash', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: 0 }, 'gemini-2.5-flash', nonThinker), { includeThoughts: false });
  bad(() => plan({ includeThoughts: true }, 'gemini-2.5-flash', nonThinker), /Thinking .* with the loaded weights/);
  bad(() => plan({ thinkingBudget: 256 }, 'gemini-2.5-flash', nonThinker), /Thinking/);
});
