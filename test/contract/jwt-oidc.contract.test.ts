/**
 * JWTs from an OIDC provider end to end: the real CLI (`gemserve serve --config`, a fake engine)
 * with `jwtJwksUrl`, `jwtIssuer`, `jwtAudience` and a `jwtPublicKey` file, a real local HTTP
 * server standing in for the provider's jwks_uri, and tokens signed in the test with jose. A
 * token works as @google/genai's API key (`x-goog-api-key`) and as `Authorization: Bearer`; one
 * for another audience gets Google's 400 API_KEY_INVALID through the SDK; the provider down is
 * Google's 503 with Retry-After; a JWKS URL without an audience is refused at startup.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import { genai, rawError, sdkError } from './helpers/clients.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const MODEL = 'gemini-2.0-flash';
const ISSUER = 'http://idp.test/realms/gemserve';
const AUDIENCE = 'gemserve-api';
const BODY = '{"contents":[{"parts":[{"text":"hi"}]}]}';

/**
 * Spawns `gemserve serve --config FILE`; resolves with its origin once it prints its start line,
 * or with its exit. The caller stops it (an `after` registered here from a `before` hook would
 * run as soon as that hook ends).
 */
async function serve(config: string): Promise<{ child: ChildProcess; origin?: string; code?: number | null; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', config], { cwd: ROOT });
  process.once('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  let stdout = '';
  return new Promise((done) => {
    child.stdout?.on('data', (d) => {
      stdout += d;
      const m = /gemserve listening on (http:\/\/[^ ]+)/.exec(stdout);
      if (m) done({ child, origin: m[1], stderr: () => stderr });
    });
    child.on('exit', (code) => done({ child, code, stderr: () => stderr }));
  });
}

describe('JWTs from an OIDC provider (contract)', () => {
  let dir: string;
  let origin: string;
  let child: ChildProcess;
  let jwksFetches = 0;
  const jwks = createServer((_req, res) => {
    jwksFetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: providerKeys }));
  });
  let providerKeys: JWK[] = [];
  let providerSign: (claims: Record<string, unknown>) => Promise<string>;
  let fileSign: (claims: Record<string, unknown>) => Promise<string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemserve-jwt-oidc-'));
    await new Promise<void>((done) => jwks.listen(0, '127.0.0.1', done));
    const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/realms/gemserve/protocol/openid-connect/certs`;
    const provider = await generateKeyPair('RS256', { extractable: true });
    providerKeys = [{ ...await exportJWK(provider.publicKey), kid: 'provider-1', alg: 'RS256', use: 'sig' }];
    providerSign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'provider-1', typ: 'JWT' }).sign(provider.privateKey);
    const own = await generateKeyPair('ES256', { extractable: true });
    await writeFile(join(dir, 'service.pem'), await exportSPKI(own.publicKey));
    fileSign = (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT' }).sign(own.privateKey);

    const config = join(dir, 'gemserve.json');
    await writeFile(config, JSON.stringify({
      port: 0, dataDir: join(dir, 'data'),
      jwtJwksUrl: jwksUrl, jwtIssuer: [ISSUER], jwtAudience: [AUDIENCE], jwtPublicKey: 'service.pem',
      engines: { fake: { kind: 'fake' } }, models: { [MODEL]: { engine: 'fake' } },
    }));
    const started = await serve(config);
    assert.ok(started.origin, `serve did not start: ${started.stderr()}`);
    origin = started.origin;
    child = started.child;
  });
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    jwks.closeAllConnections();
    await new Promise<void>((done) => jwks.close(() => done()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const claims = (extra: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { sub: 'user-42', iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 300, ...extra };
  };

  it('a provider token works as the SDK\'s API key and as a Bearer token; so does one signed with the key file', async () => {
    const token = await providerSign(claims());
    const res = await genai(origin, { apiKey: token }).models.generateContent({ model: MODEL, contents: 'Hello' });
    assert.ok(res.text && res.text.length > 0);
    const bearer = await fetch(`${origin}/v1beta/models/${MODEL}:generateContent`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: BODY,
    });
    assert.equal(bearer.status, 200, await bearer.clone().text());
    const fromFile = await genai(origin, { apiKey: await fileSign(claims()) }).models.generateContent({ model: MODEL, contents: 'Hello' });
    assert.ok(fromFile.text);
    assert.equal(jwksFetches, 1, 'the JWKS is fetched once and cached');
  });

  it('a token for another audience or issuer, expired, or with no key is Google\'s 400 API_KEY_INVALID', async () => {
    for (const token of [
      await providerSign(claims({ aud: 'some-other-app' })),
      await providerSign(claims({ iss: 'http://evil.test' })),
      await providerSign(claims({ exp: Math.floor(Date.now() / 1000) - 3600 })),
    ]) {
      const { body } = await sdkError(genai(origin, { apiKey: token }).models.generateContent({ model: MODEL, contents: 'Hello' }), 400, 'INVALID_ARGUMENT');
      assert.equal(body.error.message, 'API key not valid. Please pass a valid API key.');
      assert.equal(body.error.details?.find((d) => d['@type'].endsWith('ErrorInfo'))?.reason, 'API_KEY_INVALID');
    }
    await rawError(await fetch(`${origin}/v1beta/models/${MODEL}:generateContent`, { method: 'POST', body: BODY }), 403, 'PERMISSION_DENIED');
  });

  it('the provider down: Google\'s 503 with Retry-After, and no fetch per request while it stays down', async () => {
    let downFetches = 0;
    const down = createServer((_req, res) => { downFetches++; res.writeHead(503).end(); });
    await new Promise<void>((done) => down.listen(0, '127.0.0.1', done));
    after(() => new Promise<void>((done) => { down.closeAllConnections(); down.close(() => done()); }));
    const config = join(dir, 'down.json');
    await writeFile(config, JSON.stringify({
      port: 0, dataDir: join(dir, 'data-down'), logLevel: 'silent',
      jwtJwksUrl: `http://127.0.0.1:${(down.address() as AddressInfo).port}/certs`, jwtAudience: [AUDIENCE],
      engines: { fake: { kind: 'fake' } }, models: { [MODEL]: { engine: 'fake' } },
    }));
    const second = await serve(config);
    assert.ok(second.origin, `serve did not start: ${second.stderr()}`);
    const token = await providerSign(claims());
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${second.origin}/v1beta/models/${MODEL}:generateContent`, {
        method: 'POST', headers: { 'x-goog-api-key': token, 'content-type': 'application/json' }, body: BODY,
      });
      const retryAfter = res.headers.get('retry-after');
      const body = await rawError(res, 503, 'UNAVAILABLE');
      assert.equal(body.error.message, 'The service is currently unavailable.');
      assert.match(retryAfter ?? '', /^[1-5]$/);
    }
    assert.equal(downFetches, 1);
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');
  });

  it('a JWKS URL without an audience is refused at startup', async () => {
    const config = join(dir, 'no-audience.json');
    await writeFile(config, JSON.stringify({
      port: 0, dataDir: join(dir, 'data2'), jwtJwksUrl: 'http://127.0.0.1:9/certs',
      engines: { fake: { kind: 'fake' } }, models: { [MODEL]: { engine: 'fake' } },
    }));
    const refused = await serve(config);
    assert.equal(refused.origin, undefined);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr(), /--jwt-jwks-url needs --jwt-audience/);
  });
});
