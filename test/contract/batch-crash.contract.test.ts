/**
 * The Batch API survives `kill -9`: the real CLI (`gemserve serve`, SQLite in its data dir, a
 * slowed fake engine) takes a batch of 200 through @google/genai, is killed mid-batch, and
 * restarted on the same data dir. The job resumes where it stopped and succeeds with 200
 * results, each exactly once and each the answer to its own request, and the usage ledger holds
 * exactly one batch record per request (a request that was running at the kill ran again, but
 * is charged once).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { BatchJob } from '@google/genai';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { databaseFileIn } from '../../src/storage/sqlite/open-database.js';
import { genai } from './helpers/clients.js';
import { startServer } from './helpers/start-server.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const KEY = 'crash-key';
const COUNT = 200;

/** Spawns `gemserve serve --config FILE` and resolves with its origin once it prints its start line. */
async function serve(config: string): Promise<{ child: ChildProcess; origin: string; exited: Promise<unknown>; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', config], { cwd: ROOT });
  const exited = once(child, 'exit');
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  let stdout = '';
  const origin = await new Promise<string>((done, fail) => {
    child.stdout?.on('data', (d) => {
      stdout += d;
      const m = /gemserve listening on (http:\/\/[^ ]+)/.exec(stdout);
      if (m) done(m[1]);
    });
    child.on('exit', () => fail(new Error(`serve exited early: ${stderr}`)));
  });
  return { child, origin, exited, stderr: () => stderr };
}

async function stats(origin: string, name: string): Promise<Record<string, string>> {
  const res = await fetch(`${origin}/v1beta/${name}`, { headers: { 'x-goog-api-key': KEY } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { metadata: { batchStats: Record<string, string> } }).metadata.batchStats;
}

test('a batch of 200 survives kill -9 mid-batch: resumed after restart, 200 results each once and its own, 200 batch usage records', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-batch-crash-'));
  after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'gemserve.json');
  await writeFile(config, JSON.stringify({
    port: 0,
    dataDir: join(dir, 'data'),
    apiKeys: [KEY],
    batchConcurrency: 2,
    // Info: the restarted server says how many requests the kill left running.
    logLevel: 'info',
    // ~5 ms a word, 4–19 words a request: 200 requests take seconds, so the kill lands mid-batch.
    engines: { slow: { kind: 'fake', tokenDelayMs: 5 } },
    models: { 'gemini-2.0-flash': { engine: 'slow' } },
  }));
  const src = Array.from({ length: COUNT }, (_, i) => ({
    contents: [{ role: 'user', parts: [{ text: `crash question ${i}` }] }],
    metadata: { key: `r${i}` },
  }));

  const first = await serve(config);
  const created = await genai(first.origin, { apiKey: KEY }).batches.create({ model: 'gemini-2.0-flash', src, config: { displayName: 'crash' } });
  const name = created.name as string;
  let before = 0;
  for (let n = 0; n < 1200 && before < 25; n++) {
    before = Number((await stats(first.origin, name)).successfulRequestCount ?? 0);
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(before >= 25 && before < COUNT - 20, `killed after ${before} of ${COUNT}: the kill must land mid-batch`);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.equal(first.child.signalCode, 'SIGKILL');

  const second = await serve(config);
  const ai = genai(second.origin, { apiKey: KEY });
  const resumed = await stats(second.origin, name);
  assert.ok(Number(resumed.successfulRequestCount ?? 0) >= before, `results before the kill are kept: ${JSON.stringify(resumed)}`);
  let job: BatchJob;
  for (let n = 0; ; n++) {
    job = await ai.batches.get({ name });
    if (job.state !== 'JOB_STATE_PENDING' && job.state !== 'JOB_STATE_RUNNING') break;
    assert.ok(n < 1200, `still ${job.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
  // Two lanes are busy nearly all the time, so the kill caught at least one request mid-run: it ran again.
  assert.match(second.stderr(), /batch worker: [12] request\(s\) left running by the previous run will run again/);
  assert.deepEqual(await stats(second.origin, name), { requestCount: '200', successfulRequestCount: '200' });
  const results = job.dest?.inlinedResponses ?? [];
  assert.equal(results.length, COUNT);
  assert.deepEqual(results.map((r) => (r.metadata as { key: string }).key), src.map((s) => s.metadata.key), 'each result once, in order');

  // Each result is its own request's answer: the fake engine is deterministic, so an undelayed
  // one in process answers each request with the same text.
  await using reference = await startServer({ bindings: [{ id: 'gemini-2.0-flash', engine: new FakeEngine() }] });
  const ref = genai(reference.baseUrl);
  for (let i = 0; i < COUNT; i++) {
    const expected = await ref.models.generateContent({ model: 'gemini-2.0-flash', contents: src[i].contents });
    assert.equal(results[i].error, undefined);
    const parts = results[i].response?.candidates?.[0]?.content?.parts ?? [];
    assert.equal(parts.map((p) => p.text ?? '').join(''), expected.text, `result ${i}`);
  }

  second.child.kill('SIGTERM');
  await second.exited;
  const db = new Database(databaseFileIn(join(dir, 'data')), { readonly: true });
  try {
    const rows = db.prepare('SELECT id, cost_micros FROM usage_records WHERE batch = 1').all() as Array<{ id: string; cost_micros: number }>;
    const id = name.slice('batches/'.length);
    assert.equal(rows.length, COUNT, 'one batch usage record per request: none lost, none charged twice');
    assert.deepEqual(new Set(rows.map((r) => r.id)), new Set(src.map((_, i) => `batch-${id}-${i}`)));
    assert.ok(rows.every((r) => r.cost_micros > 0));
  } finally {
    db.close();
  }
});
