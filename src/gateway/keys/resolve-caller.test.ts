import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from '../../../test/fixtures/fake-clock.js';
import { ANONYMOUS_CALLER, type Caller } from '../caller.js';
import { callerIdOf } from './caller-id.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { createCallerResolver, LAST_USED_INTERVAL_MS, staticCaller, type Resolution } from './resolve-caller.js';
import { signJwt } from './verify-jwt.js';

const rejected = (why: RegExp) => (r: Resolution) => {
  assert.ok('rejected' in r, `expected a rejection, got ${JSON.stringify(r)}`);
  assert.match(r.why, why);
  return r.rejected;
};

test('nothing configured: everyone is admitted and named anonymous; each key presented is its own caller', async () => {
  const resolve = createCallerResolver({});
  assert.deepEqual(await resolve(undefined), { caller: ANONYMOUS_CALLER });
  assert.deepEqual(await resolve('any'), { caller: { id: callerIdOf('any'), name: ANONYMOUS_CALLER.name } });
  assert.notEqual(((await resolve('other')) as { caller: Caller }).caller.id, callerIdOf('any'));
  const empty = createCallerResolver({ store: new MemoryKeyStore() });
  assert.deepEqual(await empty('any'), { caller: { id: callerIdOf('any'), name: ANONYMOUS_CALLER.name } });
});

test('isOpen: true only while no key, JWT secret or managed key exists', async () => {
  assert.equal(await createCallerResolver({}).isOpen(), true);
  assert.equal(await createCallerResolver({ staticKeys: ['k'] }).isOpen(), false);
  assert.equal(await createCallerResolver({ jwt: { secret: 's' } }).isOpen(), false);
  assert.equal(await createCallerResolver({ jwt: { jwksUrl: 'http://127.0.0.1:9/certs' } }).isOpen(), false);
  assert.equal(await createCallerResolver({ jwt: { audience: ['a'] } }).isOpen(), true, 'claim checks without keys accept no JWT');
  const store = new MemoryKeyStore();
  const resolve = createCallerResolver({ store });
  assert.equal(await resolve.isOpen(), true);
  await store.create({ name: 'a' });
  assert.equal(await resolve.isOpen(), false);
});

test('static keys: caller named static:<hash8>, with the key caller id; others invalid; none missing', async () => {
  const resolve = createCallerResolver({ staticKeys: ['k1', 'k2'] });
  assert.deepEqual(await resolve('k2'), { caller: staticCaller('k2') });
  assert.match(staticCaller('k2').name, /^static:[0-9a-f]{8}$/);
  assert.equal(staticCaller('k2').id, callerIdOf('k2'));
  assert.notEqual(staticCaller('k1').id, staticCaller('k2').id);
  assert.equal(rejected(/unknown/)(await resolve('k3')), 'invalid');
  assert.equal(rejected(/no API key/)(await resolve(undefined)), 'missing');
  assert.equal(rejected(/no API key/)(await resolve('')), 'missing');
});

test('managed keys: active → the key; revoked, expired, unknown → invalid; the first key closes an open server', async () => {
  const clock = new FakeClock();
  const store = new MemoryKeyStore({ clock });
  const resolve = createCallerResolver({ store, clock });
  assert.deepEqual(await resolve(undefined), { caller: ANONYMOUS_CALLER });
  const a = await store.create({ name: 'a', allowedModels: ['m'], quotas: { rpm: 2 }, labels: { t: 'x' }, expiresAt: '2025-01-01T01:00:00.000Z' });
  assert.equal(rejected(/no API key/)(await resolve(undefined)), 'missing');
  assert.deepEqual(await resolve(a.secret), { caller: { id: a.record.id, name: 'a', allowedModels: ['m'], quotas: { rpm: 2 }, labels: { t: 'x' } } });
  assert.equal(rejected(/unknown/)(await resolve('AIza-not-a-key')), 'invalid');
  clock.advance(3_600_000);
  assert.equal(rejected(/expired/)(await resolve(a.secret)), 'invalid');
  const b = await store.create({ name: 'b' });
  await store.revoke(b.record.id);
  assert.equal(rejected(/revoked/)(await resolve(b.secret)), 'invalid');
  // Revoking every key does not reopen the server.
  assert.equal(rejected(/no API key/)(await resolve(undefined)), 'missing');
});

test('managed keys: lastUsedAt is written at most once a minute per key', async () => {
  const clock = new FakeClock();
  const store = new MemoryKeyStore({ clock });
  const marks: string[] = [];
  const markUsed = store.markUsed.bind(store);
  store.markUsed = async (id) => { marks.push(id); await markUsed(id); };
  const resolve = createCallerResolver({ store, clock });
  const { record, secret } = await store.create({ name: 'a' });
  await resolve(secret);
  await resolve(secret);
  clock.advance(LAST_USED_INTERVAL_MS - 1);
  await resolve(secret);
  clock.advance(1);
  await resolve(secret);
  assert.deepEqual(marks, [record.id, record.id]);
  assert.equal((await store.get(record.id))?.lastUsedAt, '2025-01-01T00:01:00.000Z');
});

test('JWTs: with a secret, a valid token is jwt:<sub>; a bad or expired one is invalid; static and managed keys still work', async () => {
  const clock = new FakeClock();
  const store = new MemoryKeyStore({ clock });
  const { secret } = await store.create({ name: 'a' });
  const resolve = createCallerResolver({ staticKeys: ['k1'], store, jwt: { secret: 's3cret' }, clock });
  const now = clock.now() / 1000;
  assert.deepEqual(await resolve(signJwt({ sub: 'svc', exp: now + 60, models: ['m'] }, 's3cret')), { caller: { id: 'jwt:svc', name: 'svc', allowedModels: ['m'] } });
  assert.equal(rejected(/JWT: bad signature/)(await resolve(signJwt({ sub: 'svc' }, 'wrong'))), 'invalid');
  assert.equal(rejected(/JWT: expired/)(await resolve(signJwt({ sub: 'svc', exp: now - 3600 }, 's3cret'))), 'invalid');
  assert.equal((await resolve('k1') as { caller: { id: string } }).caller.id, staticCaller('k1').id);
  assert.equal((await resolve(secret) as { caller: { name: string } }).caller.name, 'a');
  // Without a secret, a JWT is just an unknown key.
  const noJwt = createCallerResolver({ staticKeys: ['k1'] });
  assert.equal(rejected(/unknown/)(await noJwt(signJwt({ sub: 'svc' }, 's3cret'))), 'invalid');
  // A JWT secret alone closes the server.
  assert.equal(rejected(/no API key/)(await createCallerResolver({ jwt: { secret: 'x' } })(undefined)), 'missing');
});

test('JWTs whose JWKS cannot be fetched: unavailable, with the wait; other credentials unaffected', async () => {
  // Port 9 (discard) on loopback: nothing listens there in a test environment, so the fetch fails.
  const resolve = createCallerResolver({ staticKeys: ['k1'], jwt: { jwksUrl: 'http://127.0.0.1:9/certs' } });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const r = await resolve(`${b64({ alg: 'RS256', kid: 'x' })}.${b64({ sub: 's' })}.c2ln`);
  assert.equal(rejected(/JWT: fetching the JWKS at http:\/\/127\.0\.0\.1:9\/certs failed/)(r), 'unavailable');
  assert.ok('retryAfterMs' in r && r.retryAfterMs > 0);
  assert.equal(rejected(/JWT: algorithm HS256 is not accepted/)(await resolve(signJwt({ sub: 's' }, 'x'))), 'invalid');
  assert.deepEqual(await resolve('k1'), { caller: staticCaller('k1') });
});
