import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ThinkingConfig } from '../api/gemini/types.js';
import { ModelCatalog } from '../core/catalog/model-catalog.js';
import { isGemserveError } from '../core/errors.js';
import { FakeEngine } from '../engines/fake/fake-engine.js';
import { convertToThinkingOptions } from './convert-to-thinking-options.js';

const engine = (thinking: boolean) => Object.assign(new FakeEngine(), { capabilities: { maxCandidates: 8, contextTokens: 4096, thinking } });
const ids = [
  'gemini-2.0-flash', 'gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.0-flash-thinking-exp-01-21',
  'gemini-3.1-pro-preview', 'gemini-3.8-flash', 'gemini-3-flash-preview', 'gemini-3.5-flash-lite',
];
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

test('thinking models think by default: 2.5 with a dynamic budget, Gemini 3 at its default level; includeThoughts is passed on', () => {
  assert.deepEqual(plan(undefined, 'gemini-2.5-flash'), { thinking: { budget: 'dynamic' }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: -1, includeThoughts: true }, 'gemini-2.5-flash'), { thinking: { budget: 'dynamic' }, includeThoughts: true });
  assert.deepEqual(plan({ thinkingBudget: 512 }, 'gemini-2.5-pro'), { thinking: { budget: 512 }, includeThoughts: false });
  assert.deepEqual(plan(undefined, 'gemini-2.0-flash-thinking-exp-01-21'), { thinking: { budget: 'dynamic' }, includeThoughts: false });
  assert.deepEqual(plan(undefined, 'gemini-3.1-pro-preview'), { thinking: { budget: 'dynamic' }, includeThoughts: false }, 'HIGH');
  assert.deepEqual(plan(undefined, 'gemini-3.8-flash'), { thinking: { budget: 8192 }, includeThoughts: false }, 'MEDIUM');
  assert.deepEqual(plan(undefined, 'gemini-3.5-flash-lite'), { thinking: { budget: 128 }, includeThoughts: false }, 'MINIMAL');
});

test('Gemini 3 levels map to budgets; a level the model does not list, or any level before Gemini 3, is Google\'s 400', () => {
  assert.deepEqual(plan({ thinkingLevel: 'LOW' }, 'gemini-3.1-pro-preview'), { thinking: { budget: 1024 }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingLevel: 'HIGH', includeThoughts: true }, 'gemini-3.1-pro-preview'), { thinking: { budget: 'dynamic' }, includeThoughts: true });
  assert.deepEqual(plan({ thinkingLevel: 'MEDIUM' }, 'gemini-3-flash-preview'), { thinking: { budget: 8192 }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingLevel: 'MINIMAL' }, 'gemini-3-flash-preview'), { thinking: { budget: 128 }, includeThoughts: false });
  bad(() => plan({ thinkingLevel: 'MINIMAL' }, 'gemini-3.1-pro-preview'),
    /^Thinking level MINIMAL is not supported for this model\. Please retry with other thinking level\.$/);
  bad(() => plan({ thinkingLevel: 'MINIMAL' }, 'gemini-3.8-flash'), /^Thinking level MINIMAL is not supported/);
  bad(() => plan({ thinkingLevel: 'LOW' }, 'gemini-2.5-flash'), /^Thinking level is not supported for this model\.$/);
  bad(() => plan({ thinkingLevel: 'HIGH' }, 'gemini-2.0-flash'), /^Thinking level is not supported for this model\.$/);
  assert.deepEqual(plan({ thinkingLevel: 'THINKING_LEVEL_UNSPECIFIED' }, 'gemini-2.5-flash'), { thinking: { budget: 'dynamic' }, includeThoughts: false });
});

test('budget 0 turns thinking off where the model allows it; Pro and Gemini 3 refuse it', () => {
  assert.deepEqual(plan({ thinkingBudget: 0 }, 'gemini-2.5-flash'), { includeThoughts: false });
  bad(() => plan({ thinkingBudget: 0 }, 'gemini-2.5-pro'), /^Budget 0 is invalid\. This model only works in thinking mode\.$/);
  bad(() => plan({ thinkingBudget: 0 }, 'gemini-3.1-pro-preview'), /^Budget 0 is invalid\. This model only works in thinking mode\.$/);
});

// A budget together with a level is the API's 400: src/api/gemini/validate-generate-content-request.test.ts.
test('budgets: 2.5 within its documented range (50 on Flash is fine), Gemini 3 any; others are Google\'s 400', () => {
  assert.deepEqual(plan({ thinkingBudget: 50 }, 'gemini-2.5-flash'), { thinking: { budget: 50 }, includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: 2048 }, 'gemini-3.1-pro-preview'), { thinking: { budget: 2048 }, includeThoughts: false });
  bad(() => plan({ thinkingBudget: 50_000 }, 'gemini-2.5-flash'), /^The thinking budget \(50000\) is invalid\.$/);
  bad(() => plan({ thinkingBudget: 64 }, 'gemini-2.5-pro'), /^The thinking budget \(64\) is invalid\.$/);
  bad(() => plan({ thinkingBudget: -5 }, 'gemini-2.5-flash'), /^The thinking budget \(-5\) is invalid\.$/);
});

test('a model without thinking ignores includeThoughts and budget 0; another budget is Gemini\'s 400', () => {
  assert.deepEqual(plan({ includeThoughts: true }, 'gemini-2.0-flash'), { includeThoughts: false });
  assert.deepEqual(plan({ includeThoughts: true, thinkingBudget: 0 }, 'gemini-2.0-flash'), { includeThoughts: false });
  bad(() => plan({ thinkingBudget: 1024 }, 'gemini-2.0-flash'), /^Thinking is not supported for this model\.$/);
  assert.deepEqual(plan(undefined, 'gemini-2.0-flash'), { includeThoughts: false });
});

test('weights that cannot think: whatever Google accepts is answered without thoughts; what Google refuses stays refused', () => {
  // gemini-cli's configs (includeThoughts on every turn, HIGH on gemini-3* names).
  assert.deepEqual(plan({ includeThoughts: true }, 'gemini-2.5-flash', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan({ includeThoughts: true, thinkingLevel: 'HIGH' }, 'gemini-3.1-pro-preview', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan({ includeThoughts: true, thinkingLevel: 'HIGH' }, 'gemini-3.8-flash', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: 50 }, 'gemini-2.5-flash', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan({ thinkingBudget: 256 }, 'gemini-2.5-pro', nonThinker), { includeThoughts: false });
  assert.deepEqual(plan(undefined, 'gemini-3.1-pro-preview', nonThinker), { includeThoughts: false });
  bad(() => plan({ thinkingBudget: 0 }, 'gemini-2.5-pro', nonThinker), /^Budget 0 is invalid/);
  bad(() => plan({ thinkingLevel: 'MINIMAL' }, 'gemini-3.1-pro-preview', nonThinker), /^Thinking level MINIMAL is not supported/);
  bad(() => plan({ thinkingBudget: 50_000 }, 'gemini-2.5-flash', nonThinker), /is invalid/);
});
