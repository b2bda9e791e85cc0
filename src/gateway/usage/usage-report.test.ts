import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMicros, formatUsageCsv, formatUsageJson, formatUsageTable } from './format-usage-report.js';
import { summarizeUsage } from './usage-report.js';
import { usageEntry } from './usage-store.case.js';

const entries = [
  usageEntry('usage-1', { at: '2026-11-01T10:15:00.000Z', callerId: 'k1', callerName: 'alice', costMicros: 100 }),
  usageEntry('usage-2', { at: '2026-11-01T10:45:00.000Z', callerId: 'k2', callerName: 'bob', model: 'gemini-2.5-pro', costMicros: 1_234_567 }),
  usageEntry('usage-3', { at: '2026-11-01T11:05:00.000Z', callerId: 'k1', callerName: 'alice', error: 'CANCELLED', status: 200, costMicros: 3 }),
  usageEntry('usage-4', { at: '2026-11-02T01:00:00.000Z', callerId: 'k1', callerName: 'alice', apiClient: 'genai-js/0.24.1', thoughtsTokens: 4, totalTokens: 19 }),
];

test('totals of the whole window, and rows per group', () => {
  const all = summarizeUsage(entries);
  assert.equal(all.rows.length, 1);
  assert.deepEqual(all.totals, {
    requests: 4, errors: 1, promptTokens: 40, candidatesTokens: 20, thoughtsTokens: 4, cachedTokens: 0,
    toolUsePromptTokens: 0, totalTokens: 64, costMicros: 100 + 1_234_567 + 3 + 16,
  });
  const byKey = summarizeUsage(entries, { by: 'key' });
  assert.deepEqual(byKey.rows.map((r) => [r.group, r.name, r.requests, r.costMicros]), [['k1', 'alice', 3, 119], ['k2', 'bob', 1, 1_234_567]]);
  const byModel = summarizeUsage(entries, { by: 'model' });
  assert.deepEqual(byModel.rows.map((r) => [r.group, r.requests]), [['gemini-2.5-flash', 3], ['gemini-2.5-pro', 1]]);
  const byClient = summarizeUsage(entries, { by: 'client' });
  assert.deepEqual(byClient.rows.map((r) => [r.group, r.requests]), [['genai-js/0.24.1', 1], ['google-genai-sdk/2.32.0 gl-node/v20.20.2', 3]]);
});

test('time series by UTC hour and day, grouped', () => {
  const hourly = summarizeUsage(entries, { interval: 'hour', by: 'key' });
  assert.deepEqual(hourly.rows.map((r) => [r.start, r.group, r.requests]), [
    ['2026-11-01T10:00:00.000Z', 'k1', 1], ['2026-11-01T10:00:00.000Z', 'k2', 1],
    ['2026-11-01T11:00:00.000Z', 'k1', 1], ['2026-11-02T01:00:00.000Z', 'k1', 1],
  ]);
  const daily = summarizeUsage(entries, { interval: 'day', since: Date.parse('2026-11-01'), until: Date.parse('2026-11-03') });
  assert.deepEqual(daily.rows.map((r) => [r.start, r.requests]), [['2026-11-01T00:00:00.000Z', 3], ['2026-11-02T00:00:00.000Z', 1]]);
  assert.equal(daily.since, '2026-11-01T00:00:00.000Z');
  assert.equal(daily.until, '2026-11-03T00:00:00.000Z');
});

test('CSV (RFC 4180), JSON with USD strings, and a table with totals', () => {
  assert.equal(formatMicros(1_234_567), '1.234567');
  assert.equal(formatMicros(16), '0.000016');
  const report = summarizeUsage(entries, { by: 'key', interval: 'day' });
  const csv = formatUsageCsv(report);
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'start,key_id,key_name,requests,errors,prompt_tokens,candidates_tokens,thoughts_tokens,cached_tokens,tool_use_prompt_tokens,total_tokens,cost_usd');
  assert.equal(lines[1], '2026-11-01T00:00:00.000Z,k1,alice,2,1,20,10,0,0,0,30,0.000103');
  assert.equal(lines.at(-1), '');
  const quoted = formatUsageCsv(summarizeUsage([usageEntry('u', { apiClient: 'a,"b"' }), usageEntry('v', { apiClient: '=cmd()' })], { by: 'client' }));
  assert.match(quoted, /^"a,""b""",1,/m);
  assert.match(quoted, /^'=cmd\(\),1,/m);
  const json = JSON.parse(formatUsageJson(report)) as { rows: { costUsd: string }[]; totals: { costUsd: string; costMicros: number } };
  assert.equal(json.rows[0].costUsd, '0.000103');
  assert.equal(json.totals.costMicros, 1_234_686);
  assert.equal(json.totals.costUsd, '1.234686');
  const table = formatUsageTable(summarizeUsage(entries, { by: 'model' }));
  assert.match(table, /^MODEL\s+REQUESTS\s+ERRORS/);
  assert.match(table, /^TOTAL\s+4\s+1\s+40\s+20\s+4\s+0\s+0\s+64\s+1\.234686$/m);
});
