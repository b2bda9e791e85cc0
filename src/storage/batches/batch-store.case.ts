/** The behaviour every BatchStore must have, run against each implementation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BatchJob } from './batch-record.js';
import type { BatchStore } from './batch-store.js';

/** A pending inline job with defaults. */
export function batchJob(id: string, over: Partial<BatchJob> = {}): BatchJob {
  return {
    id, owner: 'owner-a', caller: { id: 'static:abcd1234', name: 'k1' }, model: 'gemini-2.0-flash', kind: 'generate',
    displayName: 'job', state: 'pending', createTime: 1000, updateTime: 1000, input: { kind: 'inline' }, ...over,
  };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ request: { contents: [{ parts: [{ text: `q${i}` }] }] }, metadata: { key: `k${i}` } }));

export function batchStoreCases(name: string, make: () => BatchStore): void {
  describe(`BatchStore: ${name}`, () => {
    it('stores a job and its requests field for field', async () => {
      const s = make();
      const job = batchJob('j1', { input: { kind: 'file', fileName: 'files/abc' } });
      await s.create(job, [{ request: { a: 1 }, key: 'x' }, { request: { b: 2 }, metadata: { m: [1] } }]);
      assert.deepEqual(await s.get('j1'), job);
      assert.equal(await s.get('nope'), undefined);
      assert.deepEqual(await s.items('j1'), [
        { jobId: 'j1', index: 0, request: { a: 1 }, key: 'x', state: 'pending' },
        { jobId: 'j1', index: 1, request: { b: 2 }, metadata: { m: [1] }, state: 'pending' },
      ]);
      assert.deepEqual(await s.counts('j1'), { total: 2, succeeded: 0, failed: 0, pending: 2 });
    });

    it('claims requests in job creation order, then index order; the job starts running', async () => {
      const s = make();
      await s.create(batchJob('first'), items(2));
      await s.create(batchJob('second'), items(1));
      const a = await s.claim(2000);
      assert.equal(a?.job.id, 'first');
      assert.equal(a?.job.state, 'running');
      assert.equal(a?.job.updateTime, 2000);
      assert.equal(a?.item.index, 0);
      assert.equal(a?.item.state, 'running');
      assert.deepEqual(a?.item.metadata, { key: 'k0' });
      assert.equal((await s.claim(2001))?.item.index, 1);
      const c = await s.claim(2002);
      assert.deepEqual([c?.job.id, c?.item.index], ['second', 0]);
      assert.equal(await s.claim(2003), undefined);
    });

    it('runs higher-priority jobs first, equal priorities in creation order', async () => {
      const s = make();
      await s.create(batchJob('low', { priority: -1 }), items(1));
      await s.create(batchJob('plain'), items(1));
      await s.create(batchJob('high', { priority: 5 }), items(1));
      await s.create(batchJob('plain2', { priority: 0 }), items(1));
      assert.equal((await s.get('high'))?.priority, 5);
      assert.deepEqual((await s.activeJobs()).map((j) => j.id), ['high', 'plain', 'plain2', 'low']);
      const order = [];
      for (let c = await s.claim(1); c; c = await s.claim(1)) order.push(c.job.id);
      assert.deepEqual(order, ['high', 'plain', 'plain2', 'low']);
    });

    it('writes an outcome once, only for a running request', async () => {
      const s = make();
      await s.create(batchJob('j'), items(3));
      assert.equal(await s.complete('j', 0, { response: { ok: 1 } }, 5), false, 'not claimed yet');
      await s.claim(1);
      await s.claim(1);
      assert.equal(await s.complete('j', 0, { response: { ok: 1 } }, 5), true);
      assert.equal(await s.complete('j', 0, { response: { ok: 2 } }, 6), false, 'a second outcome is refused');
      assert.equal(await s.complete('j', 1, { error: { code: 3, message: 'bad' } }, 7), true);
      const got = await s.items('j');
      assert.deepEqual(got.map((i) => [i.state, i.response, i.error]), [
        ['done', { ok: 1 }, undefined], ['failed', undefined, { code: 3, message: 'bad' }], ['pending', undefined, undefined],
      ]);
      assert.deepEqual(await s.counts('j'), { total: 3, succeeded: 1, failed: 1, pending: 1 });
      assert.equal(await s.isFinished('j'), false);
      await s.claim(8);
      assert.equal(await s.isFinished('j'), false, 'a running request is not finished');
      await s.complete('j', 2, { response: {} }, 9);
      assert.equal(await s.isFinished('j'), true);
      assert.equal((await s.get('j'))?.updateTime, 9);
    });

    it('requeues running requests (crash recovery) and releases one (shutdown)', async () => {
      const s = make();
      await s.create(batchJob('j'), items(3));
      await s.claim(1);
      await s.claim(1);
      await s.release('j', 1);
      assert.equal(await s.requeueRunning(), 1);
      assert.deepEqual((await s.items('j')).map((i) => i.state), ['pending', 'pending', 'pending']);
      assert.equal((await s.claim(2))?.item.index, 0, 'requeued requests run again, in order');
    });

    it('finishes an active job once; final jobs are not claimed; finished results are kept', async () => {
      const s = make();
      await s.create(batchJob('j'), items(2));
      await s.claim(1);
      assert.equal(await s.finish('j', { state: 'cancelled', at: 9 }), true);
      assert.equal(await s.finish('j', { state: 'succeeded', at: 10 }), false);
      const job = await s.get('j');
      assert.deepEqual([job?.state, job?.endTime, job?.updateTime], ['cancelled', 9, 9]);
      assert.equal(await s.claim(11), undefined, 'a cancelled job runs nothing more');
      assert.equal(await s.complete('j', 0, { response: { late: true } }, 12), true, 'the request in flight still lands');
      assert.deepEqual((await s.activeJobs()).map((j) => j.id), []);
      await s.create(batchJob('f'), items(1));
      await s.finish('f', { state: 'succeeded', at: 3, responsesFile: 'files/batch-f' });
      await s.create(batchJob('g'), items(1));
      await s.finish('g', { state: 'failed', at: 4, error: { status: 'INTERNAL', message: 'boom' } });
      assert.equal((await s.get('f'))?.responsesFile, 'files/batch-f');
      assert.deepEqual((await s.get('g'))?.error, { status: 'INTERNAL', message: 'boom' });
    });

    it('expires an active job: final with its end time and error, runs nothing more, keeps what finished', async () => {
      const s = make();
      await s.create(batchJob('old'), items(3));
      await s.create(batchJob('young'), items(1));
      await s.claim(1);
      await s.complete('old', 0, { response: { r: 0 } }, 2);
      await s.claim(3); // old #1 in flight at the expiry
      const error = { status: 'DEADLINE_EXCEEDED', message: 'expired' };
      assert.equal(await s.finish('old', { state: 'expired', at: 10, error }), true);
      assert.equal(await s.finish('old', { state: 'cancelled', at: 11 }), false, 'expired is final');
      const job = await s.get('old');
      assert.deepEqual([job?.state, job?.endTime, job?.updateTime, job?.error], ['expired', 10, 10, error]);
      assert.deepEqual((await s.activeJobs()).map((j) => j.id), ['young']);
      const next = await s.claim(12);
      assert.deepEqual([next?.job.id, next?.item.index], ['young', 0], 'the expired job\'s pending request never runs');
      assert.equal(await s.claim(13), undefined);
      assert.equal(await s.complete('old', 1, { response: { r: 1 } }, 14), true, 'the request in flight still lands');
      assert.deepEqual((await s.items('old')).map((i) => [i.state, i.response]), [['done', { r: 0 }], ['done', { r: 1 }], ['pending', undefined]]);
      assert.deepEqual(await s.counts('old'), { total: 3, succeeded: 2, failed: 0, pending: 1 });
      assert.equal((await s.get('old'))?.state, 'expired');
      await s.create(batchJob('file', { input: { kind: 'file', fileName: 'files/in' } }), items(1));
      await s.finish('file', { state: 'expired', at: 20, responsesFile: 'files/batch-file', error });
      assert.deepEqual([(await s.get('file'))?.state, (await s.get('file'))?.responsesFile], ['expired', 'files/batch-file']);
    });

    it('counts an owner\'s enqueued requests: pending or running, in active jobs only', async () => {
      const s = make();
      await s.create(batchJob('a'), items(3));
      await s.create(batchJob('b'), items(2));
      await s.create(batchJob('other', { owner: 'owner-b' }), items(4));
      assert.equal(await s.pendingRequests('owner-a'), 5);
      const claimed = await s.claim(2000);
      assert.equal(await s.pendingRequests('owner-a'), 5, 'a running request is still enqueued work');
      assert.ok(await s.complete(claimed!.job.id, claimed!.item.index, { response: {} }, 3000));
      assert.equal(await s.pendingRequests('owner-a'), 4);
      assert.ok(await s.finish('b', { state: 'cancelled', at: 4000 }));
      assert.equal(await s.pendingRequests('owner-a'), 2, 'a final job holds nothing enqueued');
      assert.equal(await s.pendingRequests('owner-b'), 4);
      assert.equal(await s.pendingRequests('nobody'), 0);
    });

    it('pages by position: jobs created or deleted between two pages neither repeat nor skip others', async () => {
      const s = make();
      for (const id of ['a', 'b', 'c', 'd']) await s.create(batchJob(id), items(1));
      const first = await s.list('owner-a', { limit: 2 });
      assert.deepEqual(first.map((l) => l.job.id), ['d', 'c']);
      await s.create(batchJob('e'), items(1));
      await s.delete('c');
      await s.delete('d');
      await s.create(batchJob('f'), items(1));
      assert.deepEqual((await s.list('owner-a', { after: first[1].position, limit: 5 })).map((l) => l.job.id), ['b', 'a']);
      assert.deepEqual((await s.list('owner-a', { limit: 5 })).map((l) => l.job.id), ['f', 'e', 'b', 'a']);
    });

    it('lists an owner\'s jobs newest first, paged; deletes a job with its requests', async () => {
      const s = make();
      for (const id of ['a', 'b', 'c']) await s.create(batchJob(id), items(1));
      await s.create(batchJob('other', { owner: 'owner-b' }), items(1));
      const first = await s.list('owner-a', { limit: 2 });
      assert.deepEqual(first.map((l) => l.job.id), ['c', 'b']);
      assert.deepEqual((await s.list('owner-a', { after: first[1].position, limit: 2 })).map((l) => l.job.id), ['a']);
      assert.deepEqual((await s.activeJobs()).map((j) => j.id), ['a', 'b', 'c', 'other']);
      assert.equal(await s.delete('b'), true);
      assert.equal(await s.delete('b'), false);
      assert.equal(await s.get('b'), undefined);
      assert.deepEqual(await s.items('b'), []);
      assert.equal(await s.complete('b', 0, { response: {} }, 1), false);
    });
  });
}
