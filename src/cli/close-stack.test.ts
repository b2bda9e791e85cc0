import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CloseStack } from './close-stack.js';

test('closes newest first, every closer even after a failure, once', async () => {
  const order: string[] = [];
  const stack = new CloseStack();
  stack.add(async () => { order.push('engines'); });
  stack.add(async () => { order.push('files'); throw new Error('disk gone'); });
  stack.add(async () => { order.push('cache'); });
  await stack.close();
  await stack.close();
  assert.deepEqual(order, ['cache', 'files', 'engines']);
});
