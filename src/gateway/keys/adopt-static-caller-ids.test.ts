import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryUsageStore } from '../usage/memory-usage-store.js';
import { usageEntry } from '../usage/usage-store.case.js';
import { callerIdOf } from './caller-id.js';
import { adoptStaticCallerIds } from './adopt-static-caller-ids.js';
import { staticCaller } from './resolve-caller.js';

test('usage of --api-key keys recorded as static:<hash8> moves to the key\'s caller id; others stay', () => {
  const store = new MemoryUsageStore();
  const old = staticCaller('k1').name;
  store.add(usageEntry('usage-1', { callerId: old, callerName: old }));
  store.add(usageEntry('usage-2', { callerId: 'key-managed', callerName: 'ci' }));
  store.add(usageEntry('usage-3', { callerId: staticCaller('k2').name, callerName: staticCaller('k2').name }));
  assert.equal(adoptStaticCallerIds(store, ['k1']), 1);
  assert.equal(adoptStaticCallerIds(store, ['k1']), 0, 'idempotent');
  assert.deepEqual(store.list().map((e) => e.callerId), [callerIdOf('k1'), 'key-managed', staticCaller('k2').name]);
  assert.equal(store.list()[0].callerName, old, 'the name reports show is kept');
});
