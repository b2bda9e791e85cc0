import type { HttpTimeouts } from './guard-request-bodies.js';
import type { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { CodeRunner } from '../core/code-runner.js';
import type { PromptBlocklist } from '../core/prompt-blocklist.js';
import type { ResponseCaching } from '../gateway/cache/response-caching.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import type { KeyStore } from '../gateway/keys/key-store.js';
import type { JwtConfig } from '../gateway/keys/verify-jwt.js';
import type { GatewayMetrics } from '../gateway/metrics/gateway-metrics.js';
import type { UsageSink } from '../gateway/usage-record.js';
import type { UsageStore } from '../gateway/usage/usage-store.js';
import type { BatchStore } from '../storage/batches/batch-store.js';
import type { Clock } from '../storage/clock.js';
import type { FileService } from '../storage/files/file-service.js';
import type { CachedContentsConfig } from '../generation/cached-contents/cached-contents-config.js';

/** Everything `createApp` needs, injected so tests and the CLI build the same server. */
export interface AppDeps {
  catalog: ModelCatalog;
  /** Accepted API keys. Empty: any key (or none) is accepted. */
  apiKeys: readonly string[];
  /** Optional path prefix the API is mounted under, e.g. `/gemini`. */
  mountPrefix?: string;
  /** Largest accepted request body in bytes. */
  bodyLimitBytes: number;
  /** Header, request, body-rate and keep-alive timeouts; each defaults to DEFAULT_HTTP_TIMEOUTS'. */
  timeouts?: Partial<HttpTimeouts>;
  logger?: boolean | Record<string, unknown>;
  /** `/healthz` answers 200 only once this says the models are loaded. */
  isReady?: () => boolean;
  /**
   * The Files API (uploads, files.get/list/delete/download) and the bytes behind `fileData`
   * parts. Absent: the Files routes answer 404 like any unknown path.
   */
  files?: FileService;
  /**
   * Terms and patterns that block a prompt (`--blocklist`): generateContent then answers
   * `promptFeedback.blockReason: BLOCKLIST` without calling the engine. Absent: nothing is blocked.
   */
  blocklist?: PromptBlocklist;
  /**
   * The sandbox the code-execution tool runs Python in (src/sandbox/). Absent: requests with
   * `tools: [{codeExecution: {}}]` get a 400 saying so; code never runs unconfined.
   */
  codeRunner?: CodeRunner;
  /**
   * Managed API keys (src/gateway/keys/): accepted beside `apiKeys`, and managed through the
   * admin API when `adminKey` is set. Absent: only `apiKeys` (and JWTs) identify callers.
   */
  keyStore?: KeyStore;
  /** HS256 secret of JWT bearer tokens accepted as callers `jwt:<sub>` (`--jwt-secret`). Absent: no JWTs. */
  jwtSecret?: string;
  /**
   * Asymmetric keys of JWT bearer tokens (`--jwt-public-key`, `--jwt-jwks-url`, `--jwt-algorithms`)
   * and the `iss` and `aud` every accepted token must carry (`--jwt-issuer`, `--jwt-audience`);
   * src/gateway/keys/verify-jwt.ts. Absent: only `jwtSecret`'s HS256 tokens, if any.
   */
  jwt?: Omit<JwtConfig, 'secret'>;
  /** The key gemserve's thought signatures are signed with (`GenerationDeps.thoughtSignatureKey`). Absent: a random one per app. */
  thoughtSignatureKey?: Uint8Array;
  /**
   * A request field its message does not have (`--unknown-fields`): `reject` answers Google's 400
   * "Unknown name … Cannot find field."; `accept` drops it and logs its path at warn, once per
   * path. Absent: reject.
   */
  unknownFields?: 'reject' | 'accept';
  /** The admin API's credential (`Authorization: Bearer <admin key>`). Absent: no admin API (404). */
  adminKey?: string;
  /**
   * Web origins allowed to call the server from a browser besides loopback and the server's own
   * (`--allowed-origins`: exact origins, `*` patterns such as `https://*.example.com`, or `*` for
   * any); other origins get a 403 (src/http/cors.ts). On a server without keys their hosts are
   * also accepted in `Host` (src/http/check-host.ts). Absent: none.
   */
  allowedOrigins?: readonly string[];
  /**
   * The address the server listens on (`--host`), a name a keyless server accepts in `Host`
   * besides loopback (src/http/check-host.ts). Absent: loopback only.
   */
  bindHost?: string;
  /** Time for key expiry and JWT checks; the system clock when absent. */
  clock?: Clock;
  /**
   * The response cache (`--cache`): identical deterministic generate requests answered from a
   * stored generation, with an `x-gemserve-cache` header. Absent: no caching.
   */
  responseCache?: ResponseCaching;
  /**
   * Rate limits and quotas per caller and model (src/gateway/limits/): generateContent and
   * streamGenerateContent over a limit get Google's 429 RESOURCE_EXHAUSTED. Its `usageSink` must
   * receive the UsageRecords for token limits to count. Absent: nothing is limited.
   */
  limits?: RateLimiter;
  /**
   * Receive the UsageRecord of every model method call, e.g. the usage store's recorder
   * (src/gateway/usage/usage-recorder.ts). `metrics.sink` and `limits.usageSink` are added by
   * `createApp`; do not list them here too.
   */
  usageSinks?: UsageSink[];
  /** Recorded usage, for the admin API's `GET /admin/v1/usage` (needs `adminKey`). */
  usageStore?: UsageStore;
  /**
   * The Batch API (`:batchGenerateContent`, `:asyncBatchEmbedContent`, `batches/…`): where jobs
   * are kept, and how many of their requests run at once (`batchConcurrency`, default 1). The
   * app runs them in the background from ready to close. Absent: the Batch API answers 404.
   * `maxJobAgeMs`: how long a job may stay pending or running before it expires (default 48 h).
   */
  batches?: { store: BatchStore; concurrency?: number; maxJobAgeMs?: number };
  /** Prometheus metrics (`GET /metrics`, public); absent: no `/metrics` route. */
  metrics?: GatewayMetrics;
  /**
   * Log request bodies (prompts) at info level (`--log-prompts`). Keys are never logged: the
   * request serializer drops `?key=` from URLs and Fastify logs no headers.
   */
  logPrompts?: boolean;
  /**
   * Context caching (`cachedContents`: create, get, list, patch, delete; `cachedContent` in
   * generate and countTokens requests). Absent: those routes answer 404 like any unknown path
   * and a request naming a cache gets Google's 403.
   */
  cachedContents?: CachedContentsConfig;
}
