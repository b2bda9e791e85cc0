import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LARGE_REQUEST_PARTS, yieldWhenLarge } from './yield-when-large.js';

/** Whether a callback queued with setImmediate before the call ran before the call resolved. */
async function letOthersRun(contents: { parts: unknown[] }[]): Promise<boolean> {
  let ran = false;
  setImmediate(() => { ran = true; });
  await yieldWhenLarge(contents);
  return ran;
}

describe('yieldWhenLarge', () => {
  it('lets the event loop turn before the next stage of a request of many parts', async () => {
    const many = [{ parts: Array.from({ length: LARGE_REQUEST_PARTS / 2 + 1 }, () => ({ text: 'x' })) }];
    assert.equal(await letOthersRun([...many, ...many]), true);
  });

  it('does not delay a request of few parts', async () => {
    assert.equal(await letOthersRun([{ parts: [{ text: 'hello' }] }]), false);
    assert.equal(await letOthersRun([{ parts: Array.from({ length: LARGE_REQUEST_PARTS }, () => ({})) }]), false);
  });
});
