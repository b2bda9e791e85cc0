/**
 * Batch expiry through `@google/genai` against the real server, with a fake clock: a job still
 * pending or running 48 hours after its creation reads as JOB_STATE_EXPIRED (raw:
 * BATCH_STATE_EXPIRED, done, a DEADLINE_EXCEEDED error the SDK drops), keeps the results it
 * produced (inline, or in its output File) and runs nothing more.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GoogleGenAI } from '@google/genai';
import { DEFAULT_BATCH_MAX_AGE_MS } from '../../src/batch/batch-expiry.js';
import { MemoryBatchStore } from '../../src/storage/batches/memory-batch-store.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { openLocalFileService } from '../../src/storage/open-file-service.js';
import { genai } from './helpers/clients.js';
import { GATED_FIRST_TEXT, GATED_LAST_TEXT, GatedEngine } from './helpers/gated-engine.js';
import { startServer, type TestServer } from './helpers/start-server.js';
import { until } from '../fixtures/wait-until.js';

const KEY = 'key-expiry';
const workDir = await mkdtemp(join(tmpdir(), 'gemserve-batch-expiry-'));
after(() => rm(workDir, { recursive: true, force: true }));

const clock = new FakeClock();
const store = new MemoryBatchStore();
const inlineEngine = new GatedEngine();
const fileEngine = new GatedEngine();
let server: TestServer;
let ai: GoogleGenAI;

before(async () => {
  const files = await openLocalFileService({ dataDir: join(workDir, 'data'), clock });
  server = await startServer({
    bindings: [{ id: 'gemini-2.0-flash', engine: inlineEngine }, { id: 'gemini-2.5-flash', engine: fileEngine }],
    apiKeys: [KEY],
    files,
    clock,
    batches: { store, concurrency: 1 },
  });
  ai = genai(server.baseUrl, { apiKey: KEY });
});
after(() => server.close());

async function rawGet(name: string): Promise<Record<string, any>> {
  const res = await fetch(`${server.baseUrl}/v1beta/${name}`, { headers: { 'x-goog-api-key': KEY } });
  assert.equal(res.status, 200);
  return (await res.json()) as Record<string, any>;
}

const textOf = (r: any): string | undefined => r?.candidates?.[0]?.content?.parts?.map((p: any) => p.text ?? '').join('');

describe('batch expiry (contract)', () => {
  it('an inline batch past 48 hours is JOB_STATE_EXPIRED; the request in flight lands and is reported; the rest never run', async () => {
    const src = ['one', 'two', 'three'].map((t) => ({ contents: t, metadata: { key: t } }));
    const created = await ai.batches.create({ model: 'gemini-2.0-flash', src });
    const name = created.name as string;
    const first = await inlineEngine.call(0);
    clock.advance(DEFAULT_BATCH_MAX_AGE_MS + 1);

    const job = await ai.batches.get({ name });
    assert.equal(job.state, 'JOB_STATE_EXPIRED');
    assert.equal(job.endTime, new Date(clock.now()).toISOString());
    const raw = await rawGet(name);
    assert.equal(raw.metadata.state, 'BATCH_STATE_EXPIRED');
    assert.equal(raw.done, true);
    assert.deepEqual(raw.error, { code: 4, message: 'The batch expired: it was pending or running for more than 48 hours.' });

    first.release();
    const id = name.slice('batches/'.length);
    await until(async () => (await store.items(id))[0].state === 'done');
    const kept = (await ai.batches.get({ name })).dest?.inlinedResponses ?? [];
    assert.deepEqual(kept.map((r) => [r.metadata, textOf(r.response)]), [[{ key: 'one' }, GATED_FIRST_TEXT + GATED_LAST_TEXT]]);
    assert.equal(inlineEngine.calls.length, 1, 'nothing else ran');
    // A finished job is not resumed: still expired when asked again, and cancelling changes nothing.
    await ai.batches.cancel({ name });
    assert.equal((await ai.batches.get({ name })).state, 'JOB_STATE_EXPIRED');
  });

  it('an expired file batch writes what finished to its output File', async () => {
    const lines = ['a', 'b', 'c'].map((k) => JSON.stringify({ key: k, request: { contents: [{ parts: [{ text: k }] }] } }));
    const input = await ai.files.upload({ file: new Blob([lines.join('\n')], { type: 'application/jsonl' }), config: { mimeType: 'application/jsonl' } });
    const created = await ai.batches.create({ model: 'gemini-2.5-flash', src: input.name as string });
    const name = created.name as string;
    (await fileEngine.call(0)).release();
    await fileEngine.call(1); // request "a" is done, "b" in flight
    clock.advance(DEFAULT_BATCH_MAX_AGE_MS + 1);

    const job = await ai.batches.get({ name });
    assert.equal(job.state, 'JOB_STATE_EXPIRED');
    const fileName = job.dest?.fileName as string;
    assert.match(fileName, /^files\/batch-[a-z0-9]+$/);
    const path = join(workDir, 'expired.jsonl');
    await ai.files.download({ file: fileName, downloadPath: path });
    const out = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(out.map((l) => [l.key, textOf(l.response)]), [['a', GATED_FIRST_TEXT + GATED_LAST_TEXT]]);
    (await fileEngine.call(1)).release();
  });
});
