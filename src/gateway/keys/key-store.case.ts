/**
 * The shared KeyStore contract (as engine-conformance.case.ts is for engines): every
 * implementation registers it from its own test and must pass all of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { hashKeySecret, KEY_SECRET_PATTERN } from './key-secret.js';
import type { KeyStore } from './key-store.js';

/** Opens a fresh, empty store on the given clock; the suite closes it. */
export type OpenKeyStore = (clock: FakeClock) => Promise<KeyStore> | KeyStore;

export function runKeyStoreContract(name: string, open: OpenKeyStore): void {
  describe(`KeyStore contract: ${name}`, () => {
    const withStore = (fn: (store: KeyStore, clock: FakeClock) => Promise<void>) => async () => {
      const clock = new FakeClock();
      const store = await open(clock);
      try {
        await fn(store, clock);
      } finally {
        await store.close();
      }
    };

    it('create returns the secret once, Google-shaped; the record keeps the settings, never the secret', withStore(async (store) => {
      assert.equal(await store.hasKeys(), false);
      const { record, secret } = await store.create({
        name: 'ci', expiresAt: '2025-02-01T00:00:00.000Z', allowedModels: ['gemini-2.0-flash'],
        quotas: { rpm: 10 }, labels: { team: 'ml' },
      });
      assert.match(secret, KEY_SECRET_PATTERN);
      assert.match(record.id, /^key_[a-z0-9]{16}$/);
      assert.equal(record.createdAt, '2025-01-01T00:00:00.000Z');
      assert.deepEqual(await store.get(record.id), record);
      assert.equal(JSON.stringify(record).includes(secret), false);
      assert.equal(JSON.stringify(record).includes(hashKeySecret(secret)), false);
      assert.deepEqual(await store.getBySecretHash(hashKeySecret(secret)), record);
      assert.equal(await store.getBySecretHash(hashKeySecret(`${secret}x`)), undefined);
      assert.equal(await store.hasKeys(), true);
      const other = await store.create({ name: 'other' });
      assert.notEqual(other.secret, secret);
      assert.notEqual(other.record.id, record.id);
      assert.deepEqual((await store.list()).map((k) => k.name), ['ci', 'other']);
    }));

    it('unknown ids give undefined', withStore(async (store) => {
      assert.equal(await store.get('key_nope'), undefined);
      assert.equal(await store.revoke('key_nope'), undefined);
      assert.equal(await store.rotate('key_nope'), undefined);
      assert.equal(await store.update('key_nope', { name: 'x' }), undefined);
      await store.markUsed('key_nope');
    }));

    it('revoke marks the key once; it is still found (the resolver refuses it)', withStore(async (store, clock) => {
      const { record, secret } = await store.create({ name: 'a' });
      const revoked = await store.revoke(record.id);
      assert.equal(revoked?.revokedAt, '2025-01-01T00:00:00.000Z');
      clock.advance(1000);
      assert.equal((await store.revoke(record.id))?.revokedAt, '2025-01-01T00:00:00.000Z');
      assert.equal((await store.getBySecretHash(hashKeySecret(secret)))?.revokedAt, '2025-01-01T00:00:00.000Z');
      assert.equal(await store.hasKeys(), true);
    }));

    it('rotate: same id and settings, a new secret; the old one stops at once', withStore(async (store) => {
      const { record, secret } = await store.create({ name: 'a', labels: { x: 'y' } });
      const rotated = await store.rotate(record.id);
      assert.ok(rotated);
      assert.match(rotated.secret, KEY_SECRET_PATTERN);
      assert.notEqual(rotated.secret, secret);
      assert.deepEqual(rotated.record, record);
      assert.equal(await store.getBySecretHash(hashKeySecret(secret)), undefined);
      assert.equal((await store.getBySecretHash(hashKeySecret(rotated.secret)))?.id, record.id);
    }));

    it('rotate with grace: the old secret works until the grace ends; a second rotation ends it', withStore(async (store, clock) => {
      const { record, secret } = await store.create({ name: 'a' });
      const first = await store.rotate(record.id, { graceMs: 60_000 });
      assert.ok(first);
      clock.advance(59_999);
      assert.equal((await store.getBySecretHash(hashKeySecret(secret)))?.id, record.id);
      assert.equal((await store.getBySecretHash(hashKeySecret(first.secret)))?.id, record.id);
      clock.advance(1);
      assert.equal(await store.getBySecretHash(hashKeySecret(secret)), undefined);
      assert.equal((await store.getBySecretHash(hashKeySecret(first.secret)))?.id, record.id);
      const second = await store.rotate(record.id, { graceMs: 60_000 });
      assert.ok(second);
      assert.equal(await store.getBySecretHash(hashKeySecret(secret)), undefined);
      assert.equal((await store.getBySecretHash(hashKeySecret(first.secret)))?.id, record.id);
      const third = await store.rotate(record.id);
      assert.ok(third);
      assert.equal(await store.getBySecretHash(hashKeySecret(first.secret)), undefined);
      assert.equal(await store.getBySecretHash(hashKeySecret(second.secret)), undefined);
      assert.equal((await store.getBySecretHash(hashKeySecret(third.secret)))?.id, record.id);
    }));

    it('update changes given fields; null clears optional ones', withStore(async (store) => {
      const { record } = await store.create({ name: 'a', allowedModels: ['m'], quotas: { rpm: 1 }, labels: { a: 'b' }, expiresAt: '2030-01-01T00:00:00.000Z' });
      const updated = await store.update(record.id, { name: 'b', quotas: { tpm: 5, rpd: 7 }, labels: null, expiresAt: null });
      assert.deepEqual(updated, { id: record.id, name: 'b', createdAt: record.createdAt, allowedModels: ['m'], quotas: { tpm: 5, rpd: 7 } });
      assert.deepEqual(await store.get(record.id), updated);
    }));

    it('markUsed records the time', withStore(async (store, clock) => {
      const { record } = await store.create({ name: 'a' });
      clock.advance(5000);
      await store.markUsed(record.id);
      assert.equal((await store.get(record.id))?.lastUsedAt, '2025-01-01T00:00:05.000Z');
    }));

    it('returned records are copies', withStore(async (store) => {
      const { record } = await store.create({ name: 'a', allowedModels: ['m'] });
      record.allowedModels?.push('n');
      const got = await store.get(record.id);
      got?.allowedModels?.push('o');
      assert.deepEqual((await store.get(record.id))?.allowedModels, ['m']);
    }));
  });
}
