import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyedMutex } from './keyed-mutex.js';

test('runs sections of one key one at a time, in order; other keys in parallel', async () => {
  const m = new KeyedMutex();
  const log: string[] = [];
  const section = (key: string, name: string, ms: number) =>
    m.run(key, async () => {
      log.push(`${name}+`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`${name}-`);
      return name;
    });
  const results = await Promise.all([section('a', 'a1', 20), section('a', 'a2', 1), section('b', 'b1', 5)]);
  assert.deepEqual(results, ['a1', 'a2', 'b1']);
  assert.deepEqual(log, ['a1+', 'b1+', 'b1-', 'a1-', 'a2+', 'a2-']);
});

test('a failing section releases the key', async () => {
  const m = new KeyedMutex();
  await assert.rejects(m.run('k', async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await m.run('k', async () => 'next'), 'next');
});
