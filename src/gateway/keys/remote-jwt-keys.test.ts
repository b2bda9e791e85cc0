import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createJwtVerifier, type JwtConfig, type JwtVerifier } from './verify-jwt.js';

/** A real JWKS endpoint: serves `keys` (or a status, or nothing), counts fetches. */
class JwksServer {
  keys: JWK[] = [];
  status = 200;
  hang = false;
  fetches = 0;
  private server: Server;
  constructor() {
    this.server = createServer((req, res) => {
      this.fetches++;
      if (this.hang) return;
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(this.status === 200 ? JSON.stringify({ keys: this.keys }) : '{"error":"down"}');
    });
  }
  async start(): Promise<string> {
    await new Promise<void>((done) => this.server.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/realms/test/protocol/openid-connect/certs`;
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}

const servers: JwksServer[] = [];
after(async () => { await Promise.all(servers.map((s) => s.close())); });
async function jwksServer(): Promise<{ server: JwksServer; url: string }> {
  const server = new JwksServer();
  servers.push(server);
  return { server, url: await server.start() };
}

async function keyPair(alg: 'RS256' | 'ES256', kid: string) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk: JWK = { ...await exportJWK(publicKey), kid, alg, use: 'sig' };
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ exp: Math.floor(Date.now() / 1000) + 300, ...claims }).setProtectedHeader({ alg, kid, typ: 'JWT' }).setIssuedAt().sign(privateKey);
  return { jwk, sign };
}

const verifierOf = (config: JwtConfig): JwtVerifier => {
  const v = createJwtVerifier(config);
  assert.ok(v);
  return v;
};
const CLAIMS = { sub: 'user-1', iss: 'http://idp.test/realms/test', aud: 'gemserve' };

test('a JWKS URL: keys fetched once and cached; RS256 and ES256 tokens of its keys accepted; iss and aud checked', async () => {
  const { server, url } = await jwksServer();
  const rs = await keyPair('RS256', 'rs-1');
  const es = await keyPair('ES256', 'es-1');
  server.keys = [rs.jwk, es.jwk];
  const verify = verifierOf({ jwksUrl: url, issuer: [CLAIMS.iss], audience: ['gemserve'] });
  for (const k of [rs, es, rs]) {
    const r = await verify(await k.sign(CLAIMS), Date.now());
    assert.ok('claims' in r, JSON.stringify(r));
    assert.equal(r.claims.sub, 'user-1');
  }
  assert.equal(server.fetches, 1);
  assert.deepEqual(await verify(await rs.sign({ ...CLAIMS, aud: 'another-app' }), Date.now()), { invalid: 'wrong audience (aud)' });
  assert.deepEqual(await verify(await rs.sign({ ...CLAIMS, iss: 'http://evil.test' }), Date.now()), { invalid: 'wrong issuer (iss)' });
  assert.deepEqual(await verify(await rs.sign({ ...CLAIMS, exp: Math.floor(Date.now() / 1000) - 3600 }), Date.now()), { invalid: 'expired' });
  assert.equal(server.fetches, 1);
});

test('key rotation: a token with a new kid makes the set be fetched again; a made-up kid does not, within the cooldown', async () => {
  const { server, url } = await jwksServer();
  const old = await keyPair('RS256', 'old');
  const fresh = await keyPair('RS256', 'new');
  server.keys = [old.jwk];
  const rotating = verifierOf({ jwksUrl: url, jwks: { cooldownMs: 0 } });
  assert.ok('claims' in await rotating(await old.sign(CLAIMS), Date.now()));
  assert.equal(server.fetches, 1);
  server.keys = [old.jwk, fresh.jwk];
  assert.ok('claims' in await rotating(await fresh.sign(CLAIMS), Date.now()));
  assert.equal(server.fetches, 2);

  // The default cooldown (30 s): a kid the set lacks is refused without fetching again.
  const { server: s2, url: u2 } = await jwksServer();
  s2.keys = [old.jwk];
  const cooled = verifierOf({ jwksUrl: u2 });
  assert.ok('claims' in await cooled(await old.sign(CLAIMS), Date.now()));
  for (let i = 0; i < 5; i++) {
    assert.deepEqual(await cooled(await fresh.sign(CLAIMS), Date.now()), { invalid: 'no configured key fits its kid and alg' });
  }
  assert.equal(s2.fetches, 1);
});

test('a token signed by a key the JWKS lacks, under its kid, fails the signature check', async () => {
  const { server, url } = await jwksServer();
  const real = await keyPair('ES256', 'k');
  const impostor = await keyPair('ES256', 'k');
  server.keys = [real.jwk];
  const verify = verifierOf({ jwksUrl: url });
  assert.deepEqual(await verify(await impostor.sign(CLAIMS), Date.now()), { invalid: 'bad signature' });
  assert.ok('claims' in await verify(await real.sign(CLAIMS), Date.now()));
});

test('the provider down, erring or too slow: unavailable, retried only after a pause; keys already fetched still work', async () => {
  const { server, url } = await jwksServer();
  const k = await keyPair('RS256', 'k');
  const other = await keyPair('RS256', 'other');
  server.keys = [k.jwk];
  server.status = 500;
  const verify = verifierOf({ jwksUrl: url, jwks: { cooldownMs: 0, retryAfterFailureMs: 60_000 } });
  const first = await verify(await k.sign(CLAIMS), Date.now());
  assert.ok('unavailable' in first, JSON.stringify(first));
  assert.equal(first.retryAfterMs, 60_000);
  assert.match(first.unavailable, /Expected 200 OK/);
  const again = await verify(await k.sign(CLAIMS), Date.now());
  assert.ok('unavailable' in again && again.retryAfterMs > 0 && again.retryAfterMs <= 60_000);
  assert.equal(server.fetches, 1, 'no fetch while pausing after a failure');

  // Fetched keys stay in use while fresh when a later fetch (a new kid) fails.
  const { server: s2, url: u2 } = await jwksServer();
  s2.keys = [k.jwk];
  const cached = verifierOf({ jwksUrl: u2, jwks: { cooldownMs: 0, retryAfterFailureMs: 60_000 } });
  assert.ok('claims' in await cached(await k.sign(CLAIMS), Date.now()));
  s2.status = 503;
  assert.ok('unavailable' in await cached(await other.sign(CLAIMS), Date.now()));
  assert.ok('claims' in await cached(await k.sign(CLAIMS), Date.now()));
  assert.deepEqual(await cached(await other.sign(CLAIMS), Date.now()), { invalid: 'no configured key fits its kid and alg' });
  assert.equal(s2.fetches, 2);

  // A provider that never answers: the fetch times out.
  const { server: s3, url: u3 } = await jwksServer();
  s3.hang = true;
  const slow = verifierOf({ jwksUrl: u3, jwks: { timeoutMs: 200 } });
  const started = Date.now();
  const timedOut = await slow(await k.sign(CLAIMS), Date.now());
  assert.ok('unavailable' in timedOut, JSON.stringify(timedOut));
  assert.ok(Date.now() - started < 5_000);

  // Nothing listening at all.
  const closed = new JwksServer();
  const deadUrl = await closed.start();
  await closed.close();
  assert.ok('unavailable' in await verifierOf({ jwksUrl: deadUrl })(await k.sign(CLAIMS), Date.now()));
});

test('a public key file and a JWKS URL together: the file\'s keys first, then the provider\'s', async () => {
  const { server, url } = await jwksServer();
  const local = await keyPair('ES256', 'local');
  const remote = await keyPair('ES256', 'remote');
  server.keys = [remote.jwk];
  const verify = verifierOf({ publicKeys: { keys: [local.jwk] }, jwksUrl: url });
  assert.ok('claims' in await verify(await local.sign(CLAIMS), Date.now()));
  assert.equal(server.fetches, 0);
  assert.ok('claims' in await verify(await remote.sign(CLAIMS), Date.now()));
  assert.equal(server.fetches, 1);
});
