import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANONYMOUS_CALLER } from '../caller.js';
import { callerIdOf } from './caller-id.js';

test('caller ids: one per key, never containing the key, anonymous without one', () => {
  assert.equal(callerIdOf(undefined), ANONYMOUS_CALLER.id);
  assert.equal(callerIdOf(''), ANONYMOUS_CALLER.id);
  const a = callerIdOf('secret-key-a');
  assert.equal(a, callerIdOf('secret-key-a'));
  assert.notEqual(a, callerIdOf('secret-key-b'));
  assert.match(a, /^k[0-9a-f]{40}$/, 'safe as a folder name');
  assert.ok(!a.includes('secret'));
});
