import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { callerOfJwt, JWT_CLOCK_TOLERANCE_S, signJwt, verifyJwt } from './verify-jwt.js';

const SECRET = 'jwt-secret';
const NOW = Date.UTC(2025, 0, 1);
const nowS = NOW / 1000;

test('a valid HS256 token gives its claims and the caller jwt:<sub>', () => {
  const token = signJwt({ sub: 'alice', iat: nowS, exp: nowS + 60, models: ['gemini-2.0-flash'], quotas: { rpm: 3 }, labels: { team: 'a' } }, SECRET);
  const r = verifyJwt(token, SECRET, NOW);
  assert.ok('claims' in r, JSON.stringify(r));
  assert.deepEqual(callerOfJwt(r.claims), { id: 'jwt:alice', name: 'alice', allowedModels: ['gemini-2.0-flash'], quotas: { rpm: 3 }, labels: { team: 'a' } });
  assert.deepEqual(callerOfJwt({ sub: 'bob' }), { id: 'jwt:bob', name: 'bob' });
});

test('refused: bad signature, other secret, alg none or RS256, malformed', () => {
  const token = signJwt({ sub: 'alice' }, SECRET);
  const [h, p, s] = token.split('.');
  const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
  assert.deepEqual(verifyJwt(flipped, SECRET, NOW), { invalid: 'bad signature' });
  assert.deepEqual(verifyJwt(token, 'other', NOW), { invalid: 'bad signature' });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.deepEqual(verifyJwt(`${b64({ alg: 'none' })}.${p}.`, SECRET, NOW), { invalid: 'not an HS256 JWT' });
  const rs = `${b64({ alg: 'RS256' })}.${p}`;
  assert.deepEqual(verifyJwt(`${rs}.${createHmac('sha256', SECRET).update(rs).digest('base64url')}`, SECRET, NOW), { invalid: 'not an HS256 JWT' });
  assert.deepEqual(verifyJwt('AIzaSomething', SECRET, NOW), { invalid: 'not a JWT' });
  assert.deepEqual(verifyJwt('a.b.c', SECRET, NOW), { invalid: 'not an HS256 JWT' });
});

test('exp, nbf and iat are checked with a small tolerance', () => {
  const t = (claims: Record<string, unknown>) => verifyJwt(signJwt({ sub: 's', ...claims }, SECRET), SECRET, NOW);
  assert.ok('claims' in t({ exp: nowS - JWT_CLOCK_TOLERANCE_S + 1 }));
  assert.deepEqual(t({ exp: nowS - JWT_CLOCK_TOLERANCE_S }), { invalid: 'expired' });
  assert.deepEqual(t({ exp: nowS - 3600 }), { invalid: 'expired' });
  assert.deepEqual(t({ nbf: nowS + 3600 }), { invalid: 'not valid yet (nbf)' });
  assert.ok('claims' in t({ nbf: nowS + 10 }));
  assert.deepEqual(t({ iat: nowS + 3600 }), { invalid: 'issued in the future (iat)' });
  assert.deepEqual(t({ exp: 'tomorrow' }), { invalid: 'exp, nbf or iat is not a number' });
});

test('claims gemserve reads must have the right types; sub is required', () => {
  const t = (claims: Record<string, unknown>) => verifyJwt(signJwt(claims, SECRET), SECRET, NOW);
  assert.deepEqual(t({}), { invalid: 'no sub claim' });
  assert.deepEqual(t({ sub: '' }), { invalid: 'no sub claim' });
  assert.ok('invalid' in t({ sub: 's', models: 'gemini' }));
  assert.ok('invalid' in t({ sub: 's', quotas: { rpm: -1 } }));
  assert.ok('invalid' in t({ sub: 's', quotas: { rpm: 1.5 } }));
  assert.ok('invalid' in t({ sub: 's', labels: { a: 1 } }));
  assert.ok('claims' in t({ sub: 's', other: { anything: true } }));
});
