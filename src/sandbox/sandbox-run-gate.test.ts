import { it } from 'node:test';
import assert from 'node:assert/strict';
import { SandboxRunGate } from './sandbox-run-gate.js';

const tick = () => new Promise((r) => setImmediate(r));

it('lets maxRuns in at once, queues maxQueued in arrival order, refuses the rest', async () => {
  const gate = new SandboxRunGate(2, 2);
  const order: string[] = [];
  const a = await gate.enter();
  const b = await gate.enter();
  assert.ok(a && b);
  const c = gate.enter().then((release) => (order.push('c'), release));
  const d = gate.enter().then((release) => (order.push('d'), release));
  assert.equal(await gate.enter(), undefined, 'the queue is full');
  assert.deepEqual(gate.load, { running: 2, waiting: 2 });
  a();
  a(); // a second call is ignored
  await tick();
  assert.deepEqual(order, ['c']);
  assert.deepEqual(gate.load, { running: 2, waiting: 1 });
  b();
  await tick();
  assert.deepEqual(order, ['c', 'd']);
  (await c)?.();
  (await d)?.();
  assert.deepEqual(gate.load, { running: 0, waiting: 0 });
});

it('a run aborted while waiting leaves the queue and rejects with the reason', async () => {
  const gate = new SandboxRunGate(1, 1);
  const release = await gate.enter();
  const ac = new AbortController();
  const waiting = gate.enter(ac.signal);
  ac.abort(new Error('client went away'));
  await assert.rejects(waiting, /client went away/);
  assert.deepEqual(gate.load, { running: 1, waiting: 0 });
  release?.();
  assert.deepEqual(gate.load, { running: 0, waiting: 0 });
  await assert.rejects(gate.enter(AbortSignal.abort(new Error('already'))), /already/);
});

it('maxQueued 0: nothing waits', async () => {
  const gate = new SandboxRunGate(1, 0);
  assert.ok(await gate.enter());
  assert.equal(await gate.enter(), undefined);
});
