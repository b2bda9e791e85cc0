import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUsageQuery } from './parse-usage-query.js';

test('dates are UTC; a date alone as until includes that day', () => {
  assert.deepEqual(parseUsageQuery({ since: '2026-11-01', until: '2026-11-30', by: 'key', interval: 'day', format: 'csv' }), {
    since: Date.UTC(2026, 10, 1), until: Date.UTC(2026, 11, 1), by: 'key', interval: 'day', format: 'csv',
  });
  assert.deepEqual(parseUsageQuery({ since: '2026-11-01T12:00:00', until: '2026-11-01T14:00:00+01:00' }), {
    since: Date.UTC(2026, 10, 1, 12), until: Date.UTC(2026, 10, 1, 13),
  });
});

test('bad values name the parameter', () => {
  assert.throws(() => parseUsageQuery({ since: 'yesterday' }), /since must be a date/);
  assert.throws(() => parseUsageQuery({ by: 'user' }), /by must be one of key, model, client/);
  assert.throws(() => parseUsageQuery({ interval: 'week' }), /interval must be one of hour, day/);
  assert.throws(() => parseUsageQuery({ format: 'xml' }), /format must be one of table, json, csv/);
  assert.throws(() => parseUsageQuery({ since: '2026-11-02', until: '2026-11-01' }), /until must be after since/);
});
