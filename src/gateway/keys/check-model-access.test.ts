import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mayUseModel } from './check-model-access.js';

test('allowedModels: exact ids, trailing-* prefixes, models/ ignored; none means all', () => {
  const caller = { id: 'k', name: 'k', allowedModels: ['gemini-2.0-flash', 'gemma-*', 'models/tiny'] };
  assert.equal(mayUseModel(caller, 'gemini-2.0-flash'), true);
  assert.equal(mayUseModel(caller, 'models/gemini-2.0-flash'), true);
  assert.equal(mayUseModel(caller, 'gemini-2.0-flash-001'), false);
  assert.equal(mayUseModel(caller, 'gemma-3-1b'), true);
  assert.equal(mayUseModel(caller, 'tiny'), true);
  assert.equal(mayUseModel(caller, 'gemini-2.5-pro'), false);
  assert.equal(mayUseModel({ id: 'k', name: 'k', allowedModels: [] }, 'tiny'), false);
  assert.equal(mayUseModel({ id: 'k', name: 'k' }, 'anything'), true);
});
