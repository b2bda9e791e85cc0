import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { parseJwtPublicKeys } from './parse-jwt-public-keys.js';
import { callerOfJwt, createJwtVerifier, JWT_CLOCK_TOLERANCE_S, signJwt, type JwtConfig, type JwtVerifier } from './verify-jwt.js';

const SECRET = 'jwt-secret';
const NOW = Date.UTC(2025, 0, 1);
const nowS = NOW / 1000;
/** `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=t`: only its public key is read. */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBbDCCAROgAwIBAgIUEenlC7XEIRh9BUGzxTsW9MpyqhUwCgYIKoZIzj0EAwIw
DDEKMAgGA1UEAwwBdDAeFw0yNjEyMDYwNTAyMjhaFw0yNjEyMDcwNTAyMjhaMAwx
CjAIBgNVBAMMAXQwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQn82nS1VRQP6KP
p/nRnwvS6lRd313SI7H14Rej6GqLuewgNu9Lb0c5EJfBpwYw6ua6RXZ4XjBec1kP
lfQHzn2Uo1MwUTAdBgNVHQ4EFgQUvAZJn41dUHMkdpezFEO9M3w6QRUwHwYDVR0j
BBgwFoAUvAZJn41dUHMkdpezFEO9M3w6QRUwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNHADBEAiBQYK5tGrMIBDBcq7Z24M8PcPrHrasaA5g8okgCn+LVUwIg
DPTs7qkF6SgKsNwtgWdu5YkwDngztgPtVuNIzch4jyk=
-----END CERTIFICATE-----`;
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

const verifierOf = (config: JwtConfig): JwtVerifier => {
  const v = createJwtVerifier(config);
  assert.ok(v);
  return v;
};
const hs = verifierOf({ secret: SECRET });

/** A token signed by jose with `key` under `alg`, `kid` in its header when given. */
async function sign(claims: JWTPayload, key: CryptoKey | KeyObject, alg: string, kid?: string): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) }).sign(key);
}

test('nothing configured: no verifier', () => {
  assert.equal(createJwtVerifier({}), undefined);
  assert.equal(createJwtVerifier({ issuer: ['x'], audience: ['y'] }), undefined);
});

test('HS256: a valid token gives its claims and the caller jwt:<sub>', async () => {
  const token = signJwt({ sub: 'alice', iat: nowS, exp: nowS + 60, models: ['gemini-2.0-flash'], quotas: { rpm: 3 }, labels: { team: 'a' } }, SECRET);
  const r = await hs(token, NOW);
  assert.ok('claims' in r, JSON.stringify(r));
  assert.deepEqual(callerOfJwt(r.claims), { id: 'jwt:alice', name: 'alice', allowedModels: ['gemini-2.0-flash'], quotas: { rpm: 3 }, labels: { team: 'a' } });
  assert.deepEqual(callerOfJwt({ sub: 'bob' }), { id: 'jwt:bob', name: 'bob' });
  // signJwt makes what jose's SignJWT makes.
  const joseToken = await new SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(SECRET));
  assert.equal(joseToken, signJwt({ sub: 'alice' }, SECRET));
});

test('HS256 refused: bad signature, other secret, alg none, another alg on the HMAC, malformed', async () => {
  const token = signJwt({ sub: 'alice' }, SECRET);
  const [h, p, s] = token.split('.');
  const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
  assert.deepEqual(await hs(flipped, NOW), { invalid: 'bad signature' });
  assert.deepEqual(await verifierOf({ secret: 'other' })(token, NOW), { invalid: 'bad signature' });
  assert.deepEqual(await hs(`${b64({ alg: 'none' })}.${p}.`, NOW), { invalid: 'algorithm none is not accepted' });
  const rs = `${b64({ alg: 'RS256' })}.${p}`;
  assert.deepEqual(await hs(`${rs}.${createHmac('sha256', SECRET).update(rs).digest('base64url')}`, NOW), { invalid: 'algorithm RS256 is not accepted' });
  const hs512 = `${b64({ alg: 'HS512' })}.${p}`;
  assert.deepEqual(await hs(`${hs512}.${createHmac('sha512', SECRET).update(hs512).digest('base64url')}`, NOW), { invalid: 'algorithm HS512 is not accepted' });
  assert.deepEqual(await hs('AIzaSomething', NOW), { invalid: 'not a JWT' });
  assert.match((await hs('a.b.c', NOW) as { invalid: string }).invalid, /^unverifiable: /);
  assert.match((await hs(`${b64({ alg: 'HS256' })}.bm90IGpzb24.${s}`, NOW) as { invalid: string }).invalid, /^(unverifiable|bad signature)/);
});

test('exp, nbf and iat are checked with a small tolerance', async () => {
  const t = (claims: Record<string, unknown>) => hs(signJwt({ sub: 's', ...claims }, SECRET), NOW);
  assert.ok('claims' in await t({ exp: nowS - JWT_CLOCK_TOLERANCE_S + 1 }));
  assert.deepEqual(await t({ exp: nowS - JWT_CLOCK_TOLERANCE_S }), { invalid: 'expired' });
  assert.deepEqual(await t({ exp: nowS - 3600 }), { invalid: 'expired' });
  assert.deepEqual(await t({ nbf: nowS + 3600 }), { invalid: 'not valid yet (nbf)' });
  assert.ok('claims' in await t({ nbf: nowS + 10 }));
  assert.deepEqual(await t({ iat: nowS + 3600 }), { invalid: 'issued in the future (iat)' });
  assert.ok('claims' in await t({ iat: nowS + 10 }));
  assert.deepEqual(await t({ exp: 'tomorrow' }), { invalid: 'exp is not a number' });
});

test('claims gemserve reads must have the right types; sub is required', async () => {
  const t = (claims: Record<string, unknown>) => hs(signJwt(claims, SECRET), NOW);
  assert.deepEqual(await t({}), { invalid: 'no sub claim' });
  assert.deepEqual(await t({ sub: '' }), { invalid: 'no sub claim' });
  assert.ok('invalid' in await t({ sub: 's', models: 'gemini' }));
  assert.ok('invalid' in await t({ sub: 's', quotas: { rpm: -1 } }));
  assert.ok('invalid' in await t({ sub: 's', quotas: { rpm: 1.5 } }));
  assert.ok('invalid' in await t({ sub: 's', labels: { a: 1 } }));
  assert.ok('claims' in await t({ sub: 's', other: { anything: true } }));
});

test('RS256, ES256, PS256 and EdDSA with a PEM public key or a JWK', async () => {
  for (const alg of ['RS256', 'ES256', 'PS256', 'EdDSA'] as const) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const fromPem = verifierOf({ publicKeys: parseJwtPublicKeys(await exportSPKI(publicKey)) });
    const fromJwk = verifierOf({ publicKeys: parseJwtPublicKeys(JSON.stringify(await exportJWK(publicKey))) });
    const token = await sign({ sub: `svc-${alg}`, exp: nowS + 60, models: ['m'] }, privateKey, alg);
    for (const v of [fromPem, fromJwk]) {
      const r = await v(token, NOW);
      assert.ok('claims' in r, `${alg}: ${JSON.stringify(r)}`);
      assert.deepEqual(callerOfJwt(r.claims), { id: `jwt:svc-${alg}`, name: `svc-${alg}`, allowedModels: ['m'] });
      assert.deepEqual(await v(await sign({ sub: 's', exp: nowS - 3600 }, privateKey, alg), NOW), { invalid: 'expired' }, alg);
    }
    // Another key pair of the same type: its tokens fail the signature check.
    const other = await generateKeyPair(alg);
    assert.deepEqual(await fromPem(await sign({ sub: 's' }, other.privateKey, alg), NOW), { invalid: 'bad signature' }, alg);
    // Public keys alone accept no HS256 token.
    assert.deepEqual(await fromPem(signJwt({ sub: 's' }, SECRET), NOW), { invalid: 'algorithm HS256 is not accepted' }, alg);
  }
});

test('algorithm allowlist: only configured algorithms, each only with keys of its type', async () => {
  const rsa = await generateKeyPair('RS256', { extractable: true });
  const ec = await generateKeyPair('ES256', { extractable: true });
  const pem = await exportSPKI(rsa.publicKey);
  const publicKeys = { keys: [...parseJwtPublicKeys(pem).keys, ...parseJwtPublicKeys(await exportSPKI(ec.publicKey)).keys] };
  const onlyEs = verifierOf({ publicKeys, algorithms: ['ES256'] });
  assert.deepEqual(await onlyEs(await sign({ sub: 's' }, rsa.privateKey, 'RS256'), NOW), { invalid: 'algorithm RS256 is not accepted' });
  assert.ok('claims' in await onlyEs(await sign({ sub: 's' }, ec.privateKey, 'ES256'), NOW));
  // One RSA key under PS256 or RS512 is fine when those are allowed (the default). A KeyObject
  // signs under any RSA algorithm (a CryptoKey is bound to one).
  const rsaAny = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const all = verifierOf({ publicKeys: { keys: [...publicKeys.keys, ...parseJwtPublicKeys(String(rsaAny.publicKey.export({ type: 'spki', format: 'pem' }))).keys] }, secret: SECRET });
  for (const alg of ['RS256', 'RS512', 'PS256', 'PS384']) {
    assert.ok('claims' in await all(await new SignJWT({ sub: 's' }).setProtectedHeader({ alg }).sign(rsaAny.privateKey), NOW), alg);
  }
  // The classic confusion: HS256 keyed with the public key's PEM. HS256 is checked with the secret only.
  const forged = `${b64({ alg: 'HS256' })}.${b64({ sub: 'mallory' })}`;
  assert.deepEqual(await all(`${forged}.${createHmac('sha256', pem).update(forged).digest('base64url')}`, NOW), { invalid: 'bad signature' });
  // An ES256 header on an RSA signature finds no EC key that checks it.
  const [, p, s] = (await sign({ sub: 's' }, rsa.privateKey, 'RS256')).split('.');
  assert.equal(((await all(`${b64({ alg: 'ES256' })}.${p}.${s}`, NOW)) as { invalid: string }).invalid, 'bad signature');
  assert.throws(() => createJwtVerifier({ publicKeys, algorithms: ['HS256'] }), /not supported with public keys: HS256/);
  assert.throws(() => createJwtVerifier({ publicKeys, algorithms: ['none'] }), /not supported with public keys: none/);
});

test('several keys of one type without kid: each is tried; with kid, only that one', async () => {
  const a = await generateKeyPair('RS256', { extractable: true });
  const b = await generateKeyPair('RS256', { extractable: true });
  const v = verifierOf({ publicKeys: { keys: [{ ...await exportJWK(a.publicKey), kid: 'a' }, { ...await exportJWK(b.publicKey), kid: 'b' }] } });
  assert.ok('claims' in await v(await sign({ sub: 's' }, b.privateKey, 'RS256'), NOW));
  assert.ok('claims' in await v(await sign({ sub: 's' }, b.privateKey, 'RS256', 'b'), NOW));
  assert.deepEqual(await v(await sign({ sub: 's' }, b.privateKey, 'RS256', 'a'), NOW), { invalid: 'bad signature' });
  assert.deepEqual(await v(await sign({ sub: 's' }, b.privateKey, 'RS256', 'c'), NOW), { invalid: 'no configured key fits its kid and alg' });
});

test('issuer and audience, when configured, must match; they apply to HS256 tokens too', async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const v = verifierOf({ secret: SECRET, publicKeys: parseJwtPublicKeys(await exportSPKI(publicKey)), issuer: ['https://idp.example'], audience: ['gemserve', 'other'] });
  const good = { sub: 's', iss: 'https://idp.example', aud: ['x', 'gemserve'] };
  assert.ok('claims' in await v(await sign(good, privateKey, 'ES256'), NOW));
  assert.ok('claims' in await v(signJwt({ ...good, aud: 'other' }, SECRET), NOW));
  assert.deepEqual(await v(await sign({ ...good, iss: 'https://evil.example' }, privateKey, 'ES256'), NOW), { invalid: 'wrong issuer (iss)' });
  assert.deepEqual(await v(await sign({ ...good, aud: 'someone-else' }, privateKey, 'ES256'), NOW), { invalid: 'wrong audience (aud)' });
  assert.deepEqual(await v(signJwt({ sub: 's', iss: 'https://idp.example' }, SECRET), NOW), { invalid: 'no aud claim' });
  assert.deepEqual(await v(signJwt({ sub: 's', aud: 'gemserve' }, SECRET), NOW), { invalid: 'no iss claim' });
});

test('parseJwtPublicKeys: PEM key or certificate, JWK, JWK Set; private or symmetric keys and junk refused', async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  assert.equal(parseJwtPublicKeys(await exportSPKI(publicKey)).keys[0].kty, 'EC');
  assert.deepEqual(parseJwtPublicKeys(JSON.stringify({ keys: [{ ...jwk, kid: 'k', use: 'sig', alg: 'ES256', x5c: ['junk'] }] })).keys[0],
    { ...jwk, kid: 'k', use: 'sig', alg: 'ES256' });
  const privateJwk = JSON.stringify(await exportJWK(privateKey));
  assert.throws(() => parseJwtPublicKeys(privateJwk), /private key/);
  // An X.509 certificate, as Google and Auth0 also publish their keys (a self-signed P-256 one).
  assert.deepEqual(parseJwtPublicKeys(CERTIFICATE).keys[0], {
    kty: 'EC', crv: 'P-256', x: 'J_Np0tVUUD-ij6f50Z8L0upUXd9d0iOx9eEXo-hqi7k', y: '7CA270tvRzkQl8GnBjDq5rpFdnheMF5zWQ-V9AfOfZQ',
  });
  assert.throws(() => parseJwtPublicKeys('{"kty":"oct","k":"c2VjcmV0"}'), /--jwt-secret/);
  assert.throws(() => parseJwtPublicKeys('{"keys":[]}'), /no keys/);
  assert.throws(() => parseJwtPublicKeys('{"keys":[1]}'), /not a JWK/);
  assert.throws(() => parseJwtPublicKeys('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'), /private key/);
  assert.throws(() => parseJwtPublicKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'), /not a usable PEM/);
  assert.throws(() => parseJwtPublicKeys('hello'), /neither/);
});
