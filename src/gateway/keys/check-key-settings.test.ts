import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isGemserveError } from '../../core/errors.js';
import { checkKeyPatch, checkNewKey } from './check-key-settings.js';

const NOW = Date.UTC(2025, 0, 1);

function rejects(fn: () => unknown, field: RegExp) {
  assert.throws(fn, (e) => isGemserveError(e) && e.status === 'INVALID_ARGUMENT' && field.test(e.message));
}

test('a new key: fields normalised, expiresIn counted from now', () => {
  assert.deepEqual(checkNewKey({
    name: ' ci ', expiresIn: '30d', allowedModels: ['models/gemini-2.0-flash', 'gemini-2.0-flash', 'gemma-*'],
    quotas: { rpm: 10, tpm: null, rpd: 0 }, labels: { team: 'ml', env: '' },
  }, NOW), {
    name: 'ci', expiresAt: '2025-01-31T00:00:00.000Z', allowedModels: ['gemini-2.0-flash', 'gemma-*'],
    quotas: { rpm: 10, rpd: 0 }, labels: { team: 'ml', env: '' },
  });
  assert.deepEqual(checkNewKey({ name: 'n', expiresAt: '2026-01-31T00:00:00+01:00' }, NOW), { name: 'n', expiresAt: '2026-01-30T23:00:00.000Z' });
});

test('a new key: each bad field is a 400 naming it', () => {
  rejects(() => checkNewKey([], NOW), /Expected an object/);
  rejects(() => checkNewKey({}, NOW), /'name'/);
  rejects(() => checkNewKey({ name: 'x'.repeat(129) }, NOW), /'name'/);
  rejects(() => checkNewKey({ name: 'n', secret: 'AIza' }, NOW), /Unknown name "secret"/);
  rejects(() => checkNewKey({ name: 'n', expiresIn: '1w' }, NOW), /'expiresIn'/);
  rejects(() => checkNewKey({ name: 'n', expiresAt: 'soon' }, NOW), /'expiresAt'/);
  rejects(() => checkNewKey({ name: 'n', expiresAt: '2026-01-01', expiresIn: '1d' }, NOW), /not both/);
  rejects(() => checkNewKey({ name: 'n', allowedModels: 'gemini' }, NOW), /'allowedModels'/);
  rejects(() => checkNewKey({ name: 'n', allowedModels: [''] }, NOW), /'allowedModels'/);
  rejects(() => checkNewKey({ name: 'n', quotas: { rpm: -1 } }, NOW), /'quotas.rpm'/);
  rejects(() => checkNewKey({ name: 'n', quotas: { rps: 1 } }, NOW), /'quotas.rps'/);
  rejects(() => checkNewKey({ name: 'n', labels: { Team: 'x' } }, NOW), /'labels'/);
  rejects(() => checkNewKey({ name: 'n', labels: { team: 'ML' } }, NOW), /'labels.team'/);
});

test('a patch: only given fields; null clears', () => {
  assert.deepEqual(checkKeyPatch({}, NOW), {});
  assert.deepEqual(checkKeyPatch({ name: 'b', expiresAt: null, allowedModels: null, quotas: null, labels: null }, NOW),
    { name: 'b', expiresAt: null, allowedModels: null, quotas: null, labels: null });
  assert.deepEqual(checkKeyPatch({ expiresIn: '1h' }, NOW), { expiresAt: '2025-01-01T01:00:00.000Z' });
  rejects(() => checkKeyPatch({ name: null }, NOW), /'name'/);
  rejects(() => checkKeyPatch({ expiresAt: null, expiresIn: '1h' }, NOW), /not both/);
});
