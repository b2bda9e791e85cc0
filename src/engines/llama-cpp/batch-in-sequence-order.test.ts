import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BatchItem, LlamaContext, Token } from 'node-llama-cpp';
import { batchInSequenceOrder, MAX_WAIT_TURNS } from './batch-in-sequence-order.js';

const item = (tokens: number): BatchItem => ({ tokens: Array.from({ length: tokens }, () => 1 as Token), logits: [], evaluationPriority: 5 });

/** A stand-in for the context: only the queue the strategy reads. */
function fakeContext(sequenceIds: number[]): LlamaContext {
  return { _queuedDecodes: sequenceIds.map((sequenceId) => ({ sequenceId })) } as unknown as LlamaContext;
}

test('items come back in ascending sequence order, one token each for decode steps', () => {
  const items = [item(1), item(1), item(1), item(1)];
  const strategy = batchInSequenceOrder(() => fakeContext([2, 3, 0, 1]), () => 4);
  const out = strategy({ items, size: 512 });
  assert.deepEqual(out.map((p) => items.indexOf(p.item)), [2, 3, 0, 1]);
  assert.deepEqual(out.map((p) => p.processAmount), [1, 1, 1, 1]);
});

test('waits (no items) while fewer sequences queued than generate, at most MAX_WAIT_TURNS turns', () => {
  const items = [item(1), item(1), item(1)];
  const strategy = batchInSequenceOrder(() => fakeContext([1, 2, 3]), () => 4);
  for (let i = 0; i < MAX_WAIT_TURNS; i++) assert.deepEqual(strategy({ items, size: 512 }), []);
  assert.equal(strategy({ items, size: 512 }).length, 3);
  // The count starts again after a dispatch.
  assert.deepEqual(strategy({ items, size: 512 }), []);
});

test('shares the batch: an even share each, then the rest to those wanting more, never over size', () => {
  const items = [item(300), item(10), item(400)];
  const out = batchInSequenceOrder(() => fakeContext([0, 1, 2]), () => 3)({ items, size: 512 });
  assert.deepEqual(out.map((p) => p.processAmount), [300, 10, 202]);
  assert.ok(out.reduce((s, p) => s + p.processAmount, 0) <= 512);
});

test('without a readable queue the items keep their order', () => {
  const items = [item(1), item(1)];
  const out = batchInSequenceOrder(() => undefined, () => 2)({ items, size: 512 });
  assert.deepEqual(out.map((p) => p.item), items);
});
