/**
 * Starts the real gemserve HTTP server (`createApp` + `listen` on an ephemeral port) for
 * contract tests, which then drive it with the official SDKs or raw `fetch`.
 */
import type { FastifyInstance } from 'fastify';
import { createApp } from '../../../src/http/create-app.js';
import { ModelCatalog, type ModelBinding } from '../../../src/core/catalog/model-catalog.js';
import type { CodeRunner } from '../../../src/core/code-runner.js';
import type { ResponseCaching } from '../../../src/gateway/cache/response-caching.js';
import type { RateLimiter } from '../../../src/gateway/limits/rate-limiter.js';
import type { GatewayMetrics } from '../../../src/gateway/metrics/gateway-metrics.js';
import type { UsageSink } from '../../../src/gateway/usage-record.js';
import type { UsageStore } from '../../../src/gateway/usage/usage-store.js';
import type { KeyStore } from '../../../src/gateway/keys/key-store.js';
import type { BatchStore } from '../../../src/storage/batches/batch-store.js';
import type { Clock } from '../../../src/storage/clock.js';
import type { FileService } from '../../../src/storage/files/file-service.js';
import type { CachedContentsConfig } from '../../../src/generation/cached-contents/cached-contents-config.js';

/** What a test configures; everything else gets a permissive default. */
export interface TestServerOptions {
  /** Model ids bound to engines, as the CLI would bind them from configuration. */
  bindings: ModelBinding[];
  /** Accepted API keys; empty (the default) accepts any key or none. */
  apiKeys?: readonly string[];
  /** e.g. `/gemini`; `baseUrl` then includes it. */
  mountPrefix?: string;
  /** Defaults to 100 MiB: Google's documented inline request limit (ai.google.dev/gemini-api/docs/file-input-methods). */
  bodyLimitBytes?: number;
  isReady?: () => boolean;
  /** The Files API behind the server (e.g. `openLocalFileService` on a temp dir with a FakeClock); none by default. */
  files?: FileService;
  /** The code-execution sandbox (or a stand-in); none by default, so the tool is refused. */
  codeRunner?: CodeRunner;
  /** The response cache (e.g. a `MemoryResponseCache` with a FakeClock); none by default. */
  responseCache?: ResponseCaching;
  /** Rate limits (e.g. a `RateLimiter` with a FakeClock); none by default, so nothing is limited. */
  limits?: RateLimiter;
  /** Receive every UsageRecord (e.g. a usage recorder); none by default. */
  usageSinks?: UsageSink[];
  /** Usage for `GET /admin/v1/usage` (with `adminKey`). */
  usageStore?: UsageStore;
  /** Prometheus metrics at `GET /metrics`; none by default. */
  metrics?: GatewayMetrics;
  /** The admin API's credential; none by default (no admin API). */
  adminKey?: string;
  /** Managed API keys (e.g. a `SqliteKeyStore` on the file `gemserve keys` wrote); none by default. */
  keyStore?: KeyStore;
  /** Accept HS256 JWTs signed with this; none by default. */
  jwtSecret?: string;
  /** Time for key expiry and JWTs (a FakeClock); the system clock by default. */
  clock?: Clock;
  /** Logger options (e.g. `{level: 'info', stream}` to capture lines); off by default. */
  logger?: boolean | Record<string, unknown>;
  /** The Batch API (e.g. a `MemoryBatchStore`, and `concurrency`); none by default (its routes 404). */
  batches?: { store: BatchStore; concurrency?: number };
  /** Context caching (e.g. a `MemoryCachedContentStore` with a FakeClock); none by default (the routes 404). */
  cachedContents?: CachedContentsConfig;
  /** The key thought signatures are signed with; a random one by default. */
  thoughtSignatureKey?: Uint8Array;
  /** `--unknown-fields`: Google's 400 (`reject`, the default) or dropped and logged (`accept`). */
  unknownFields?: 'reject' | 'accept';
}

export interface TestServer extends AsyncDisposable {
  /** What an SDK gets as `baseUrl`: origin plus mount prefix, no trailing slash. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:<port>`, without the mount prefix. */
  readonly origin: string;
  readonly app: FastifyInstance;
  readonly catalog: ModelCatalog;
  /** Closes the app (and with it the listening socket). Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

export async function startServer(opts: TestServerOptions): Promise<TestServer> {
  // As `gemserve serve` builds it: inputTokenLimit is what the bound engine can take.
  const catalog = new ModelCatalog(opts.bindings, { inputLimitFromEngine: true });
  const app = await createApp({
    catalog,
    apiKeys: opts.apiKeys ?? [],
    mountPrefix: opts.mountPrefix,
    bodyLimitBytes: opts.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    logger: opts.logger ?? false,
    isReady: opts.isReady,
    files: opts.files,
    codeRunner: opts.codeRunner,
    responseCache: opts.responseCache,
    limits: opts.limits,
    usageSinks: opts.usageSinks,
    usageStore: opts.usageStore,
    metrics: opts.metrics,
    adminKey: opts.adminKey,
    keyStore: opts.keyStore,
    jwtSecret: opts.jwtSecret,
    clock: opts.clock,
    batches: opts.batches,
    cachedContents: opts.cachedContents,
    thoughtSignatureKey: opts.thoughtSignatureKey,
    unknownFields: opts.unknownFields,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error(`unexpected listen address ${String(address)}`);
  const origin = `http://127.0.0.1:${address.port}`;
  const prefix = (opts.mountPrefix ?? '').replace(/\/+$/, '');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    await app.close();
  })());
  return {
    baseUrl: origin + prefix,
    origin,
    app,
    catalog,
    close,
    [Symbol.asyncDispose]: close,
  };
}
