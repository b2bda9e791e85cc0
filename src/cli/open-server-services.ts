/**
 * The stores and services `serve` opens beside its engines, each turned into a startup error
 * naming what failed: the Files API, the prompt blocklist, the response cache, API keys, usage
 * recording, the rate limiter, metrics and context caches. start-server.ts composes them.
 */
import { readFile } from 'node:fs/promises';
import type { ModelCatalog } from '../core/catalog/model-catalog.js';
import type { Engine } from '../core/engine.js';
import { parsePromptBlocklist, type PromptBlocklist } from '../core/prompt-blocklist.js';
import type { LoadedSettings } from '../config/load-settings.js';
import { MemoryResponseCache } from '../gateway/cache/memory-response-cache.js';
import type { ResponseCache } from '../gateway/cache/response-cache.js';
import { DEFAULT_RESPONSE_CACHE_POLICY } from '../gateway/cache/response-cache-policy.js';
import type { ResponseCaching } from '../gateway/cache/response-caching.js';
import { SqliteResponseCache } from '../gateway/cache/sqlite-response-cache.js';
import { RateLimiter } from '../gateway/limits/rate-limiter.js';
import { SqliteKeyStore } from '../gateway/keys/sqlite-key-store.js';
import { GatewayMetrics } from '../gateway/metrics/gateway-metrics.js';
import { openUsageRecording, type UsageRecording } from '../gateway/usage/open-usage-recording.js';
import type { FileService } from '../storage/files/file-service.js';
import { openLocalFileService, SWEEP_INTERVAL_MS } from '../storage/open-file-service.js';
import { SqliteCachedContentStore } from '../storage/cached-contents/sqlite-cached-content-store.js';
import { SqliteBatchStore } from '../storage/batches/sqlite-batch-store.js';
import { databaseFileIn, openDatabase } from '../storage/sqlite/open-database.js';
import type { OutputStream } from './cli-context.js';
import { CliError } from './cli-error.js';
import { MODEL_FLAG_ENGINE } from './plan-serve.js';

type Settings = LoadedSettings['settings'];

/**
 * The Files API on disk below `dataDir` (cleaned up after a crash), its sweeper of expired
 * files and abandoned uploads running until close.
 */
export async function openFiles(dataDir: string, stderr: OutputStream): Promise<FileService> {
  let files: FileService;
  try {
    files = await openLocalFileService({
      dataDir,
      onBadRecord: (path) => stderr.write(`note: skipping unreadable file record ${path}\n`),
    });
  } catch (e) {
    throw new CliError(`cannot open the data dir ${dataDir}: ${(e as Error).message}`);
  }
  files.startSweeper(SWEEP_INTERVAL_MS, (e) => stderr.write(`warning: sweeping expired files failed: ${(e as Error).message}\n`));
  return files;
}

/** Reads and parses `--blocklist`; a missing file or a bad line is a startup error naming it. */
export async function loadBlocklist(path: string | undefined): Promise<PromptBlocklist | undefined> {
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the blocklist ${path}: ${(e as Error).message}`);
  }
  try {
    return parsePromptBlocklist(text);
  } catch (e) {
    throw new CliError(`bad blocklist ${path}: ${(e as Error).message}`);
  }
}


/**
 * The response cache `--cache` asks for (none for `off`), and how to close it: the memory one,
 * or the SQLite one in `<dataDir>/gemserve.db`. A failed cache write is a warning, never a failed request.
 */
export function openResponseCache(
  settings: Settings, stderr: OutputStream, metrics?: GatewayMetrics,
): { caching?: ResponseCaching; close(): Promise<void> } {
  if (settings.cache === 'off') return { close: async () => {} };
  const limits = { ttlMs: settings.cacheTtl * 1000, maxEntries: settings.cacheMaxEntries, maxBytes: settings.cacheMaxBytes };
  let cache: ResponseCache;
  let close = async () => {};
  if (settings.cache === 'sqlite') {
    const file = databaseFileIn(settings.dataDir);
    let db;
    try {
      db = openDatabase(file);
      cache = new SqliteResponseCache(db, limits);
    } catch (e) {
      db?.close();
      throw new CliError(`cannot open the response cache in ${file}: ${(e as Error).message}`);
    }
    close = async () => { db.close(); };
  } else {
    cache = new MemoryResponseCache(limits);
  }
  const caching: ResponseCaching = {
    cache,
    policy: { ...DEFAULT_RESPONSE_CACHE_POLICY, shared: settings.cacheShared },
    onError: (e) => stderr.write(`warning: response cache: ${(e as Error).message}\n`),
    ...(metrics ? { onLookup: (hit: boolean) => metrics.onCacheLookup(hit) } : {}),
  };
  return { caching, close: async () => { await cache.close(); await close(); } };
}

/**
 * The rate limiter of `--rpm`/`--tpm`/`--rpd` (every key's defaults), config `limits` (per
 * model), `--count-tokens-rpm` and `--files-rpm`. Always built: a managed key may carry quotas even when no default is set. A
 * `-latest` alias counts against its target's limits.
 */
export function createRateLimiter(settings: Settings, catalog: ModelCatalog): RateLimiter {
  return new RateLimiter({
    defaults: { rpm: settings.rpm, tpm: settings.tpm, rpd: settings.rpd },
    models: settings.limits,
    // 0 turns either off.
    ...(settings.countTokensRpm > 0 ? { countTokensRpm: settings.countTokensRpm } : {}),
    ...(settings.filesRpm > 0 ? { filesRpm: settings.filesRpm } : {}),
    canonicalModel: (model) => catalog.get(model)?.definition.aliasOf ?? model,
  });
}

/** The managed API keys in `<dataDir>/gemserve.db`, which `gemserve keys` edits beside the running server. */
export function openKeyStore(dataDir: string): SqliteKeyStore {
  const file = databaseFileIn(dataDir);
  try {
    return new SqliteKeyStore({ file });
  } catch (e) {
    throw new CliError(`cannot open the API keys in ${file}: ${(e as Error).message}`);
  }
}

/** Context caches (`cachedContents`) in `<dataDir>/gemserve.db`, kept across restarts until they expire. */
export function openCachedContents(dataDir: string): SqliteCachedContentStore {
  const file = databaseFileIn(dataDir);
  try {
    return new SqliteCachedContentStore({ file });
  } catch (e) {
    throw new CliError(`cannot open the cached contents in ${file}: ${(e as Error).message}`);
  }
}

/**
 * The Batch API's jobs in `<dataDir>/gemserve.db`, so jobs survive restarts (the worker resumes
 * them), and how to close the connection.
 */
export function openBatchStore(dataDir: string): { store: SqliteBatchStore; close(): void } {
  const file = databaseFileIn(dataDir);
  let db: ReturnType<typeof openDatabase> | undefined;
  try {
    const open = openDatabase(file);
    db = open;
    return { store: new SqliteBatchStore(open), close: () => open.close() };
  } catch (e) {
    db?.close();
    throw new CliError(`cannot open the batch jobs in ${file}: ${(e as Error).message}`);
  }
}

/** Usage and cost recording in `<dataDir>/gemserve.db` (`gemserve usage` reads it), priced with `--prices`. */
export function openUsage(settings: Settings, stderr: OutputStream): UsageRecording {
  const file = databaseFileIn(settings.dataDir);
  try {
    return openUsageRecording({
      file, overrides: settings.prices,
      onError: (e) => stderr.write(`warning: recording usage failed: ${(e as Error).message}\n`),
    });
  } catch (e) {
    throw new CliError(`cannot open the usage records in ${file}: ${(e as Error).message}`);
  }
}

/** Prometheus metrics (`--metrics`), reading queue depth and busy slots from engines that have a scheduler. */
export function createMetrics(engines: Map<string, Engine>): GatewayMetrics {
  const metrics = new GatewayMetrics();
  metrics.setEngineStats(function* () {
    for (const [name, engine] of engines) {
      const stats = (engine as Partial<{ stats(): { busy: number; queued: number } }>).stats;
      if (typeof stats === 'function') yield { engine: name === MODEL_FLAG_ENGINE ? engine.label : name, stats: stats.call(engine) };
    }
  });
  return metrics;
}

/** Whether `gemserve keys create` ever made a key in this data dir. */
export async function hasManagedKeys(dataDir: string): Promise<boolean> {
  const store = openKeyStore(dataDir);
  try {
    return await store.hasKeys();
  } finally {
    await store.close();
  }
}

