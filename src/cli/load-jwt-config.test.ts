import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { exportSPKI, generateKeyPair } from 'jose';
import { CliError } from './cli-error.js';
import { loadJwtConfig } from './load-jwt-config.js';

const NONE = { jwtIssuer: [], jwtAudience: [] };

test('loadJwtConfig: nothing set, claims only, a key file, a JWKS URL with its audience', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-jwt-config-'));
  try {
    assert.equal(await loadJwtConfig(NONE), undefined);
    assert.deepEqual(await loadJwtConfig({ jwtIssuer: ['https://idp'], jwtAudience: [] }), { issuer: ['https://idp'] });
    const pem = join(dir, 'key.pem');
    await writeFile(pem, await exportSPKI((await generateKeyPair('ES256', { extractable: true })).publicKey));
    const fromFile = await loadJwtConfig({ ...NONE, jwtPublicKey: pem, jwtAlgorithms: ['ES256'] });
    assert.equal(fromFile?.publicKeys?.keys[0].kty, 'EC');
    assert.deepEqual(fromFile?.algorithms, ['ES256']);
    assert.deepEqual(await loadJwtConfig({ ...NONE, jwtJwksUrl: 'https://idp/certs', jwtAudience: ['gemserve'] }),
      { audience: ['gemserve'], jwksUrl: 'https://idp/certs' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('loadJwtConfig refuses: a JWKS URL without an audience, a missing or unusable key file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-jwt-config-'));
  try {
    await assert.rejects(loadJwtConfig({ ...NONE, jwtJwksUrl: 'https://idp/certs' }), (e) => e instanceof CliError && /needs --jwt-audience/.test(e.message));
    await assert.rejects(loadJwtConfig({ ...NONE, jwtPublicKey: join(dir, 'absent.pem') }), (e) => e instanceof CliError && /cannot read --jwt-public-key/.test(e.message));
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a key');
    await assert.rejects(loadJwtConfig({ ...NONE, jwtPublicKey: junk }), (e) => e instanceof CliError && /junk\.pem: neither/.test(e.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
