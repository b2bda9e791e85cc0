import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsyncEventQueue } from './async-event-queue.js';

async function drain<T>(q: AsyncEventQueue<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of q) out.push(x);
  return out;
}

describe('AsyncEventQueue', () => {
  it('delivers items pushed before and after the consumer waits, then ends on close', async () => {
    const q = new AsyncEventQueue<number>();
    q.push(1);
    const done = drain(q);
    await new Promise((r) => setImmediate(r));
    q.push(2);
    q.push(3);
    q.close();
    q.push(4);
    assert.deepEqual(await done, [1, 2, 3]);
  });

  it('delivers queued items, then throws the failure', async () => {
    const q = new AsyncEventQueue<number>();
    q.push(1);
    q.fail(new Error('boom'));
    const seen: number[] = [];
    await assert.rejects(async () => { for await (const x of q) seen.push(x); }, /boom/);
    assert.deepEqual(seen, [1]);
  });
});
