import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overloadOf, Scheduler } from './scheduler.js';
import { isGemserveError } from './errors.js';

const never = () => new AbortController().signal;
/** The slot and queue counts of a scheduler's stats (its mean hold time depends on the clock). */
const countsOf = (s: Scheduler) => {
  const { busy, queued, slots, maxQueue } = s.stats();
  return { busy, queued, slots, maxQueue };
};
/** Lets queued promise callbacks run. */
const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Scheduler', () => {
  it('hands out free slots at once, with distinct indexes', async () => {
    const s = new Scheduler({ slots: 2, maxQueue: 0 });
    const a = await s.acquire(never());
    const b = await s.acquire(never());
    assert.deepEqual([a.index, b.index].sort(), [0, 1]);
    assert.deepEqual(countsOf(s), { busy: 2, queued: 0, slots: 2, maxQueue: 0 });
  });

  it('serves waiters in FIFO order', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 3 });
    const first = await s.acquire(never());
    const order: string[] = [];
    const waits = ['a', 'b', 'c'].map((name) =>
      s.acquire(never()).then((slot) => { order.push(name); return slot; }));
    assert.equal(s.stats().queued, 3);
    first.release();
    (await waits[0]).release();
    (await waits[1]).release();
    (await waits[2]).release();
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.deepEqual(countsOf(s), { busy: 0, queued: 0, slots: 1, maxQueue: 3 });
  });

  it('interactive waiters go ahead of batch ones; FIFO within each priority', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 5 });
    const first = await s.acquire(never(), 'batch');
    const order: string[] = [];
    const wait = (name: string, priority: 'interactive' | 'batch') =>
      s.acquire(never(), priority).then((slot) => { order.push(name); slot.release(); });
    const waits = [wait('b1', 'batch'), wait('i1', 'interactive'), wait('b2', 'batch'), wait('i2', 'interactive')];
    first.release();
    await Promise.all(waits);
    assert.deepEqual(order, ['i1', 'i2', 'b1', 'b2']);
  });

  it('rejects at once with OVERLOADED (503) when the queue is full', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 1 });
    await s.acquire(never());
    const queued = s.acquire(never());
    await assert.rejects(s.acquire(never()), (e: unknown) => {
      assert.ok(isGemserveError(e));
      assert.equal(e.code, 'OVERLOADED');
      assert.equal(e.httpStatus, 503);
      assert.equal(e.retryable, true);
      return true;
    });
    assert.equal(s.stats().queued, 1);
    void queued;
  });

  it('maxQueue 0 refuses as soon as every slot is busy', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 0 });
    await s.acquire(never());
    await assert.rejects(s.acquire(never()), { code: 'OVERLOADED' });
  });

  it('a waiter that aborts leaves the queue, rejects with the reason and never takes a slot', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 2 });
    const held = await s.acquire(never());
    const ac = new AbortController();
    const aborted = s.acquire(ac.signal);
    const next = s.acquire(never());
    const reason = new Error('client went away');
    ac.abort(reason);
    await assert.rejects(aborted, (e) => e === reason);
    assert.deepEqual(countsOf(s), { busy: 1, queued: 1, slots: 1, maxQueue: 2 });
    held.release();
    const slot = await next;
    assert.equal(slot.index, held.index);
    assert.deepEqual(countsOf(s), { busy: 1, queued: 0, slots: 1, maxQueue: 2 });
  });

  it('an already aborted signal is refused without queueing', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 1 });
    const ac = new AbortController();
    ac.abort(new Error('gone'));
    await assert.rejects(s.acquire(ac.signal), /gone/);
    assert.deepEqual(countsOf(s), { busy: 0, queued: 0, slots: 1, maxQueue: 1 });
  });

  it('release hands the same slot index to the next waiter', async () => {
    const s = new Scheduler({ slots: 2, maxQueue: 1 });
    await s.acquire(never());
    const b = await s.acquire(never());
    const waiting = s.acquire(never());
    let got: number | undefined;
    void waiting.then((slot) => { got = slot.index; });
    await tick();
    assert.equal(got, undefined);
    b.release();
    assert.equal((await waiting).index, b.index);
    assert.equal(s.stats().busy, 2);
  });

  it('double release is harmless (no slot is freed twice)', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 2 });
    const a = await s.acquire(never());
    const w1 = s.acquire(never());
    const w2 = s.acquire(never());
    a.release();
    a.release();
    a[Symbol.dispose]();
    await w1;
    await tick();
    assert.deepEqual(countsOf(s), { busy: 1, queued: 1, slots: 1, maxQueue: 2 });
    (await w1).release();
    await w2;
    assert.equal(s.stats().busy, 1);
  });

  it('works with `using`', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 0 });
    {
      using slot = await s.acquire(never());
      assert.equal(slot.index, 0);
      assert.equal(s.stats().busy, 1);
    }
    assert.equal(s.stats().busy, 0);
  });

  it('dispose rejects waiters and refuses new acquires', async () => {
    const s = new Scheduler({ slots: 1, maxQueue: 1 });
    await s.acquire(never());
    const waiting = s.acquire(never());
    s[Symbol.dispose]();
    await assert.rejects(waiting, /disposed/);
    await assert.rejects(s.acquire(never()), /after dispose/);
  });

  it('says Retry-After on its 503: the queue drained at the mean hold time, at least 1 s', async () => {
    let now = 0;
    const s = new Scheduler({ slots: 2, maxQueue: 2, now: () => now });
    const refusal = async () => {
      const e = await s.acquire(never()).then(() => assert.fail('admitted'), (x: unknown) => x);
      assert.ok(isGemserveError(e));
      return e.headers['retry-after'];
    };
    const [a, b] = [await s.acquire(never()), await s.acquire(never())];
    const waiting = [s.acquire(never()), s.acquire(never())];
    assert.equal(await refusal(), '1'); // nothing measured yet: the minimum
    now = 4000;
    a.release(); // held 4 s
    b.release();
    const [c, d] = await Promise.all(waiting);
    const more = [s.acquire(never()), s.acquire(never())];
    assert.equal(s.drainMs(), 6000); // (2 waiting + 1) x 4 s / 2 slots
    assert.equal(await refusal(), '6');
    now = 4000 + 2000;
    c.release(); // held 2 s: the mean moves a tenth of the way
    assert.equal(s.drainMs(), (2 * (4000 + 0.1 * (2000 - 4000))) / 2);
    d.release();
    for (const w of await Promise.all(more)) w.release();
  });

  it('overloadOf refuses only when every slot is busy and the queue is full', () => {
    assert.equal(overloadOf({ busy: 1, queued: 4, slots: 2, maxQueue: 4 }), undefined);
    assert.equal(overloadOf({ busy: 2, queued: 3, slots: 2, maxQueue: 4 }), undefined);
    const e = overloadOf({ busy: 2, queued: 4, slots: 2, maxQueue: 4 }, 2500);
    assert.equal(e?.code, 'OVERLOADED');
    assert.equal(e?.headers['retry-after'], '3');
    assert.equal(overloadOf({ busy: 1, queued: 0, slots: 1, maxQueue: 0 })?.headers['retry-after'], '1');
  });

  it('stats carry the mean hold time, so overloadOf estimates Retry-After from stats alone', async () => {
    let now = 0;
    const s = new Scheduler({ slots: 2, maxQueue: 2, now: () => now });
    const [a, b] = [await s.acquire(never()), await s.acquire(never())];
    now = 3000;
    a.release();
    b.release();
    assert.equal(s.stats().meanHoldMs, 3000);
    await s.acquire(never());
    await s.acquire(never());
    const waiting = [s.acquire(never()), s.acquire(never())];
    // (2 waiting + 1) x 3 s / 2 slots = 4.5 s, rounded up
    assert.equal(overloadOf(s.stats())?.headers['retry-after'], '5');
    s.dispose();
    await Promise.allSettled(waiting);
  });

  it('validates its options', () => {
    assert.throws(() => new Scheduler({ slots: 0, maxQueue: 0 }), RangeError);
    assert.throws(() => new Scheduler({ slots: 1, maxQueue: -1 }), RangeError);
  });
});
