/**
 * API keys end to end: keys made by `gemserve keys` (in-process and as a separate process beside
 * the running server, on the same SQLite file) work through the official `@google/genai` SDK;
 * revoked, expired and rotated-away keys and bad JWTs get Google's 400 API_KEY_INVALID; the
 * admin API answers only to the admin key.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { captureContext } from '../../src/cli/cli-context.js';
import { main } from '../../src/cli/main.js';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { SqliteKeyStore } from '../../src/gateway/keys/sqlite-key-store.js';
import { signJwt } from '../../src/gateway/keys/verify-jwt.js';
import { FakeClock } from '../fixtures/fake-clock.js';
import { genai, rawError, sdkError } from './helpers/clients.js';
import { startServer, type TestServer } from './helpers/start-server.js';

const MODEL = 'gemini-2.0-flash';
const OTHER = 'gemini-2.5-pro';
const ADMIN = 'admin-key-for-tests';
const JWT_SECRET = 'jwt-secret-for-tests';
const BAD_KEY_TEXT = 'API key not valid. Please pass a valid API key.';
const REPO = join(import.meta.dirname, '..', '..');

describe('API keys (contract)', () => {
  let dataDir: string;
  let store: SqliteKeyStore;
  let clock: FakeClock;
  let server: TestServer;

  /** Runs `gemserve keys ...` in-process on the test's data dir; returns stdout. */
  async function keys(...args: string[]): Promise<string> {
    const ctx = captureContext({ env: { GEMSERVE_DATA_DIR: dataDir }, cwd: dataDir });
    const code = await main(['keys', ...args], ctx);
    assert.equal(code, 0, ctx.err());
    return ctx.out();
  }
  /** The id of the key named `name`, from `gemserve keys list --json`. */
  const idOf = async (name: string) => {
    const list = JSON.parse(await keys('list', '--json')) as Array<{ id: string; name: string }>;
    const id = list.find((k) => k.name === name)?.id;
    assert.ok(id, `no key named ${name}`);
    return id;
  };
  const ask = (apiKey: string, model = MODEL) => genai(server.baseUrl, { apiKey }).models.generateContent({ model, contents: 'Hello' });
  async function refusedAsInvalid(apiKey: string) {
    const { body } = await sdkError(ask(apiKey), 400, 'INVALID_ARGUMENT');
    assert.equal(body.error.message, BAD_KEY_TEXT);
    assert.equal(body.error.details?.find((d) => d['@type'].endsWith('ErrorInfo'))?.reason, 'API_KEY_INVALID');
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gemserve-keys-contract-'));
    clock = new FakeClock(Date.now());
    store = new SqliteKeyStore({ file: join(dataDir, 'gemserve.db'), clock });
    const engine = new FakeEngine();
    server = await startServer({
      bindings: [{ id: MODEL, engine }, { id: OTHER, engine }],
      keyStore: store, jwtSecret: JWT_SECRET, adminKey: ADMIN, clock,
    });
  });
  after(async () => {
    await server?.close();
    await store?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a key created by `gemserve keys create` works through @google/genai; no key is 403', async () => {
    const secret = (await keys('create', '--name', 'sdk')).trim();
    const res = await ask(secret);
    assert.ok(res.text && res.text.length > 0);
    const noKey = await fetch(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, { method: 'POST', body: '{"contents":[{"parts":[{"text":"hi"}]}]}' });
    await rawError(noKey, 403, 'PERMISSION_DENIED');
    await refusedAsInvalid('AIzaSyNotAKeyThisServerKnowsAbout0123456');
  });

  it('a key created by a separate `gemserve keys` process works at once on the running server', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'keys', 'create', '--name', 'spawned'], {
      cwd: REPO, env: { ...process.env, GEMSERVE_DATA_DIR: dataDir },
    });
    const secret = stdout.trim();
    assert.match(secret, /^AIza[\w-]{35}$/);
    assert.ok((await ask(secret)).text);
  });

  it('a revoked key gets Google\'s 400 API_KEY_INVALID', async () => {
    const secret = (await keys('create', '--name', 'to-revoke')).trim();
    assert.ok((await ask(secret)).text);
    const id = await idOf('to-revoke');
    await keys('revoke', id);
    await refusedAsInvalid(secret);
  });

  it('an expired key gets 400 API_KEY_INVALID', async () => {
    const secret = (await keys('create', '--name', 'short', '--expires', '1h')).trim();
    assert.ok((await ask(secret)).text);
    // The CLI counts the hour from the real time, which has moved on a little since the fake clock started.
    clock.advance(3_600_000 + 60_000);
    await refusedAsInvalid(secret);
  });

  it('a rotated key: the old secret fails at once, the new one works', async () => {
    const secret = (await keys('create', '--name', 'to-rotate')).trim();
    const id = await idOf('to-rotate');
    const fresh = (await keys('rotate', id)).trim();
    assert.notEqual(fresh, secret);
    await refusedAsInvalid(secret);
    assert.ok((await ask(fresh)).text);
  });

  it('a key limited to some models gets 403 PERMISSION_DENIED for others', async () => {
    const secret = (await keys('create', '--name', 'flash-only', '--models', MODEL)).trim();
    assert.ok((await ask(secret, MODEL)).text);
    const { body } = await sdkError(ask(secret, OTHER), 403, 'PERMISSION_DENIED');
    assert.match(body.error.message, new RegExp(`not allowed to use models/${OTHER}`));
  });

  it('a JWT signed with the secret works (as the SDK\'s key and as a bearer token); a bad signature or an expired one fails', async () => {
    const now = clock.now() / 1000;
    const jwt = signJwt({ sub: 'service-a', iat: now, exp: now + 300 }, JWT_SECRET);
    assert.ok((await ask(jwt)).text);
    const bearer = await fetch(`${server.baseUrl}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST', headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
      body: '{"contents":[{"parts":[{"text":"hi"}]}]}',
    });
    assert.equal(bearer.status, 200, await bearer.clone().text());
    await refusedAsInvalid(signJwt({ sub: 'service-a', exp: now + 300 }, 'not-the-secret'));
    await refusedAsInvalid(signJwt({ sub: 'service-a', exp: now - 3600 }, JWT_SECRET));
  });

  it('the admin API needs the admin key; a key it creates works through the SDK', async () => {
    const url = `${server.baseUrl}/admin/v1/keys`;
    const body = JSON.stringify({ name: 'from-admin', quotas: { rpm: 100 } });
    await rawError(await fetch(url), 401, 'UNAUTHENTICATED');
    await rawError(await fetch(url, { headers: { authorization: 'Bearer wrong' } }), 401, 'UNAUTHENTICATED');
    const someKey = (await keys('create', '--name', 'not-admin')).trim();
    await rawError(await fetch(url, { headers: { authorization: `Bearer ${someKey}` } }), 401, 'UNAUTHENTICATED');
    const created = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` }, body });
    assert.equal(created.status, 200);
    const { key, secret } = (await created.json()) as { key: { id: string; name: string }; secret: string };
    assert.equal(key.name, 'from-admin');
    assert.ok((await ask(secret)).text);
    const listed = await fetch(url, { headers: { authorization: `Bearer ${ADMIN}` } });
    const text = await listed.text();
    assert.ok(text.includes(key.id));
    assert.equal(text.includes(secret), false);
  });
});
