import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteUsageStore } from '../../gateway/usage/sqlite-usage-store.js';
import { usageEntry } from '../../gateway/usage/usage-store.case.js';
import { openDatabase } from '../../storage/sqlite/open-database.js';
import { captureContext } from '../cli-context.js';
import { main } from '../main.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gemserve-usage-cmd-'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('usage reads <dataDir>/gemserve.db: totals table, CSV series by model, JSON window', async () => {
  const data = join(dir, 'data');
  const empty = captureContext({ cwd: dir, env: { GEMSERVE_DATA_DIR: data } });
  assert.equal(await main(['usage'], empty), 0);
  assert.match(empty.err(), /no usage recorded yet/);
  assert.match(empty.out(), /^REQUESTS\s+ERRORS/);

  const db = openDatabase(join(data, 'gemserve.db'));
  const store = new SqliteUsageStore(db);
  store.add(usageEntry('usage-1', { at: '2026-11-01T10:00:00.000Z', costMicros: 1_500_000 }));
  store.add(usageEntry('usage-2', { at: '2026-11-01T11:30:00.000Z', model: 'gemini-2.5-pro', costMicros: 20 }));
  store.add(usageEntry('usage-3', { at: '2026-11-03T00:00:00.000Z', costMicros: 5 }));
  db.close();

  const table = captureContext({ cwd: dir });
  assert.equal(await main(['usage', '--data-dir', data], table), 0);
  assert.match(table.out(), /^\s*3\s+0\s+30\s+15\s+0\s+0\s+0\s+45\s+1\.500025$/m);

  const csv = captureContext({ cwd: dir });
  assert.equal(await main(['usage', '--data-dir', data, '--by', 'model', '--interval', 'hour', '--format', 'csv', '--until', '2026-11-01'], csv), 0);
  assert.deepEqual(csv.out().trimEnd().split('\r\n'), [
    'start,model,requests,errors,prompt_tokens,candidates_tokens,thoughts_tokens,cached_tokens,tool_use_prompt_tokens,total_tokens,cost_usd',
    '2026-11-01T10:00:00.000Z,gemini-2.5-flash,1,0,10,5,0,0,0,15,1.500000',
    '2026-11-01T11:00:00.000Z,gemini-2.5-pro,1,0,10,5,0,0,0,15,0.000020',
  ]);

  const json = captureContext({ cwd: dir });
  assert.equal(await main(['usage', '--data-dir', data, '--since', '2026-11-02', '--format', 'json'], json), 0);
  const report = JSON.parse(json.out()) as { since: string; totals: { requests: number; costUsd: string } };
  assert.equal(report.since, '2026-11-02T00:00:00.000Z');
  assert.deepEqual([report.totals.requests, report.totals.costUsd], [1, '0.000005']);
});

test('bad options are usage errors (exit 2) naming the flag', async () => {
  const ctx = captureContext({ cwd: dir });
  assert.equal(await main(['usage', '--by', 'user'], ctx), 2);
  assert.match(ctx.err(), /--by must be one of key, model, client/);
});
