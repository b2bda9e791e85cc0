import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadThoughtSignatureKey, THOUGHT_SIGNATURE_KEY_FILE } from './load-thought-signature-key.js';

test('the thought-signature key is made once per data dir, owner-readable, and the same on every start', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-tsk-'));
  try {
    const first = await loadThoughtSignatureKey(dir);
    assert.equal(first.length, 32);
    assert.equal((await stat(join(dir, THOUGHT_SIGNATURE_KEY_FILE))).mode & 0o777, 0o600);
    assert.deepEqual(await loadThoughtSignatureKey(dir), first, 'read back, not made again');
    const other = await mkdtemp(join(tmpdir(), 'gemserve-tsk-'));
    assert.notDeepEqual(await loadThoughtSignatureKey(other), first, 'another data dir, another key');
    await rm(other, { recursive: true, force: true });
    await writeFile(join(dir, THOUGHT_SIGNATURE_KEY_FILE), 'short');
    assert.equal((await loadThoughtSignatureKey(dir)).length, 32, 'a damaged file is replaced');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
