import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryUsageStore } from './memory-usage-store.js';
import { PriceTable } from './price-table.js';
import { createUsageRecorder } from './usage-recorder.js';
import { usageEntry } from './usage-store.case.js';

test('the recorder prices each record, gives it a usage- id and stores it; a failing store does not throw', () => {
  const store = new MemoryUsageStore();
  const sink = createUsageRecorder(store, new PriceTable());
  const { id: _id, costMicros: _c, batch: _b, ...record } = usageEntry('x', { promptTokens: 1_000_000, candidatesTokens: 0, totalTokens: 1_000_000 });
  sink(record);
  sink({ ...record, batch: true } as typeof record);
  const [a, b] = store.list();
  assert.match(a.id, /^usage-[\w-]{20}$/);
  assert.notEqual(a.id, b.id);
  assert.equal(a.costMicros, 300_000);
  assert.equal(a.batch, false);
  assert.equal(b.costMicros, 150_000);
  assert.equal(b.batch, true);

  const errors: unknown[] = [];
  const broken = createUsageRecorder({ add() { throw new Error('disk full'); }, list: () => [], reassignCaller: () => 0, close() {} }, new PriceTable(), (e) => errors.push(e));
  broken(record);
  assert.equal((errors[0] as Error).message, 'disk full');
});

test('a record with a usageId keeps it as its entry id (batch requests), and the id is not stored as a field', () => {
  const store = new MemoryUsageStore();
  const sink = createUsageRecorder(store, new PriceTable());
  const { id: _id, costMicros: _c, batch: _b, ...record } = usageEntry('x');
  sink({ ...record, batch: true, usageId: 'batch-j1-0' } as typeof record);
  sink({ ...record, batch: true, usageId: 'batch-j1-0' } as typeof record);
  const entries = store.list();
  assert.deepEqual(entries.map((e) => e.id), ['batch-j1-0']);
  assert.equal('usageId' in entries[0], false);
});
