import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashKeySecret, KEY_SECRET_PATTERN, newKeyId, newKeySecret, sameHash } from './key-secret.js';

test('secrets have the shape of Google API keys and do not repeat; ids are key_ + 16', () => {
  const secrets = new Set(Array.from({ length: 200 }, newKeySecret));
  assert.equal(secrets.size, 200);
  for (const s of secrets) assert.match(s, KEY_SECRET_PATTERN);
  assert.equal([...secrets][0].length, 39);
  assert.match(newKeyId(), /^key_[a-z0-9]{16}$/);
});

test('hashes are SHA-256 hex, compared in constant time', () => {
  const h = hashKeySecret('AIzaX');
  assert.match(h, /^[0-9a-f]{64}$/);
  assert.equal(sameHash(h, hashKeySecret('AIzaX')), true);
  assert.equal(sameHash(h, hashKeySecret('AIzaY')), false);
  assert.equal(sameHash(h, h.slice(0, 10)), false);
  assert.equal(sameHash('', ''), false);
});
