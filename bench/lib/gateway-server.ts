/**
 * Child process for bench/gateway-overhead.ts: two gemserve servers on the fake engine, one bare
 * and one with the whole gateway on: a managed API key checked against the SQLite key store,
 * per-key rate limits (high enough never to refuse) counted on every request, usage and cost
 * recorded to SQLite, Prometheus metrics. The response cache is off in both (a hit does no work,
 * which would hide the gateway's cost); a third server has it on, for the hit path.
 *
 * Protocol (IPC): the parent sends `{ request }` once; the child answers {@link GatewayServersReady}.
 * The message `close` closes everything and exits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeEngine } from '../../src/engines/fake/fake-engine.js';
import { MemoryResponseCache } from '../../src/gateway/cache/memory-response-cache.js';
import { DEFAULT_RESPONSE_CACHE_POLICY } from '../../src/gateway/cache/response-cache-policy.js';
import { SqliteKeyStore } from '../../src/gateway/keys/sqlite-key-store.js';
import { RateLimiter } from '../../src/gateway/limits/rate-limiter.js';
import { GatewayMetrics } from '../../src/gateway/metrics/gateway-metrics.js';
import { openUsageRecording } from '../../src/gateway/usage/open-usage-recording.js';
import { startServer } from '../../test/contract/helpers/start-server.js';

export interface GatewayServersReady {
  barePort: number;
  gatewayPort: number;
  cachedPort: number;
  /** The managed key the gateway servers accept. */
  apiKey: string;
}

export const MODEL_ID = 'gemini-2.0-flash';
/** Limits far above what the benchmark sends: checked and counted on every request, never refusing. */
const NEVER_REACHED = { rpm: 1e9, tpm: 1e12, rpd: 1e9 };

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gemserve-gateway-bench-'));
  const engine = new FakeEngine();
  const bare = await startServer({ bindings: [{ id: MODEL_ID, engine }] });

  const db = join(dir, 'gemserve.db');
  const keyStore = new SqliteKeyStore({ file: db });
  const issued = await keyStore.create({ name: 'bench', quotas: NEVER_REACHED });
  const usage = openUsageRecording({ file: db });
  const gatewayOptions = () => ({
    bindings: [{ id: MODEL_ID, engine }],
    keyStore,
    limits: new RateLimiter({ defaults: NEVER_REACHED }),
    usageSinks: [usage.sink],
    metrics: new GatewayMetrics(),
  });
  const gateway = await startServer(gatewayOptions());
  const cached = await startServer({
    ...gatewayOptions(),
    responseCache: { cache: new MemoryResponseCache({ ttlMs: 3_600_000, maxEntries: 1000, maxBytes: 64 << 20 }), policy: DEFAULT_RESPONSE_CACHE_POLICY },
  });

  const ready: GatewayServersReady = {
    barePort: Number(new URL(bare.origin).port),
    gatewayPort: Number(new URL(gateway.origin).port),
    cachedPort: Number(new URL(cached.origin).port),
    apiKey: issued.secret,
  };
  process.send!(ready);
  process.on('message', async (m) => {
    if (m !== 'close') return;
    await Promise.all([bare.close(), gateway.close(), cached.close()]);
    await keyStore.close();
    usage.close();
    await engine.dispose();
    await rm(dir, { recursive: true, force: true });
    process.disconnect();
  });
}

if (process.send) {
  process.once('message', () => {
    main().catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  });
}
