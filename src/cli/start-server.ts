/**
 * The composition root of `serve`: settings → engines → model catalog → `createApp(deps)` →
 * listening socket, and the reverse on close. Everything the HTTP layer gets is built here.
 */
import type { FastifyInstance } from 'fastify';
import { adoptStaticCallerIds } from '../gateway/keys/adopt-static-caller-ids.js';
import { loadThoughtSignatureKey } from './load-thought-signature-key.js';
import { loadJwtConfig } from './load-jwt-config.js';
import { ModelCatalog, type ModelAlias, type ModelBinding } from '../core/catalog/model-catalog.js';
import type { Engine } from '../core/engine.js';
import type { LoadedSettings } from '../config/load-settings.js';
import { RoutedEngine } from '../engines/routed/routed-engine.js';
import { createApp } from '../http/create-app.js';
import { CappedBatchStore } from '../storage/batches/cap-enqueued-requests.js';
import { createCachedContentSweeper } from '../generation/cached-contents/release-cached-prefixes.js';
import { findPythonSandbox } from '../sandbox/find-python-sandbox.js';
import { assertModelFile } from './check-model-file.js';
import { assertSafeBind } from './check-bind-safety.js';
import type { OutputStream } from './cli-context.js';
import { CliError } from './cli-error.js';
import { DataDirLockedError, lockDataDir, type DataDirLock } from '../storage/data-dir-lock.js';
import { CloseStack } from './close-stack.js';
import { createEngine as defaultCreateEngine, type EngineSpec } from './create-engine.js';
import {
  createMetrics, createRateLimiter, hasManagedKeys, loadBlocklist, openBatchStore, openCachedContents, openFiles, openKeyStore, openResponseCache, openUsage,
} from './open-server-services.js';
import { MODEL_FLAG_ENGINE, planServe, type PlannedBinding, type ServePlan } from './plan-serve.js';

/** Options of {@link startServer}. */
export interface StartServerOptions {
  loaded: LoadedSettings;
  cwd: string;
  /** Loading progress and notes. */
  stderr: OutputStream;
  /** Replaces engine creation, for tests. */
  createEngine?: (spec: EngineSpec) => Promise<Engine>;
}

/** A listening server. */
export interface RunningServer extends AsyncDisposable {
  app: FastifyInstance;
  catalog: ModelCatalog;
  /** `http://host:port`, with the real port when `port` was 0. */
  origin: string;
  port: number;
  /** The one line printed on start: `gemserve listening on http://HOST:PORT (models: N, engine: ...)`. */
  banner: string;
  /** Stops accepting requests, lets those in flight finish, then disposes every engine. Idempotent. */
  close(): Promise<void>;
}

const displayName = (name: string) => (name === MODEL_FLAG_ENGINE ? '--model' : name);

function describeEngine(spec: EngineSpec): string {
  return spec.kind === 'llama-cpp' ? `llama-cpp: ${spec.model}` : spec.kind;
}

/** Creates the engines one by one (models compete for memory), disposing them all if one fails. */
async function loadEngines(
  specs: Map<string, EngineSpec>,
  create: (spec: EngineSpec) => Promise<Engine>,
  stderr: OutputStream,
): Promise<Map<string, Engine>> {
  // Check every model file first: a typo in the third engine's path should not cost the
  // minutes it takes to load the first two.
  for (const spec of specs.values()) if (spec.kind === 'llama-cpp') await assertModelFile(spec.model);
  const engines = new Map<string, Engine>();
  try {
    for (const [name, spec] of specs) {
      stderr.write(`loading engine ${displayName(name)} (${describeEngine(spec)}) ...\n`);
      const started = Date.now();
      const engine = await create(spec);
      engines.set(name, engine);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      stderr.write(`loaded engine ${displayName(name)} in ${secs} s (context ${engine.capabilities.contextTokens} tokens)\n`);
    }
  } catch (e) {
    await Promise.allSettled([...engines.values()].map((en) => en.dispose()));
    throw e;
  }
  return engines;
}

function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** The engine a binding serves from: its engine, or a RoutedEngine over its routes and fallbacks. */
function bindingEngine(b: PlannedBinding, engines: Map<string, Engine>): Engine {
  if (!b.routes && !b.fallback) return engines.get(b.engine) as Engine;
  const routes = (b.routes ?? [{ engine: b.engine, weight: 1 }]).map((r) => ({ engine: engines.get(r.engine) as Engine, weight: r.weight }));
  return new RoutedEngine({ routes, fallback: (b.fallback ?? []).map((name) => engines.get(name) as Engine) });
}

/**
 * The catalog of a plan: its bindings, its aliases (a model target serves through that model's
 * engine, routes included), `--model`'s engine for other `gemini-*` names, and each model's
 * `inputTokenLimit` capped at what its engine can take. A name first served through a pattern is
 * noted once on stderr.
 */
function buildCatalog(plan: ServePlan, bindings: ModelBinding[], engines: Map<string, Engine>, stderr: OutputStream): ModelCatalog {
  const aliases: ModelAlias[] = plan.aliases.map((a) =>
    (a.model !== undefined ? { pattern: a.pattern, model: a.model } : { pattern: a.pattern, engine: engines.get(a.engine as string) as Engine }));
  return new ModelCatalog(bindings, {
    aliases,
    ...(plan.fallback ? { fallback: engines.get(plan.fallback) as Engine } : {}),
    inputLimitFromEngine: true,
    onPatternServed: (id, via) => {
      const by = via.fallback ? '--model' : `alias ${via.pattern}`;
      stderr.write(`note: serving ${id} with ${by}${via.inferredFrom ? ` (not in the catalog; capabilities of ${via.inferredFrom})` : ''}\n`);
    },
  });
}

/** Plans, loads the engines, builds the app and listens. Throws ConfigError, GemserveError or CliError. */
export async function startServer(opts: StartServerOptions): Promise<RunningServer> {
  const { settings } = opts.loaded;
  // Before loading anything: refusing late would waste the load.
  // Managed keys and JWTs close the server as --api-key does.
  const jwt = await loadJwtConfig(settings);
  const jwtKeys = settings.jwtSecret !== undefined || jwt?.publicKeys !== undefined || jwt?.jwksUrl !== undefined;
  assertSafeBind({ ...settings, allowRemote: settings.allowRemote || jwtKeys || await hasManagedKeys(settings.dataDir) });
  const blocklist = await loadBlocklist(settings.blocklist);
  const plan = await planServe(opts.loaded, opts.cwd);
  for (const note of plan.notes) opts.stderr.write(`note: ${note}\n`);
  // One server per data dir: before loading anything, as refusing late would waste the load.
  let lock: DataDirLock;
  try {
    lock = await lockDataDir(settings.dataDir);
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      throw new CliError(`${e.message}; stop it first, or give this server its own --data-dir`);
    }
    throw new CliError(`cannot lock the data dir ${settings.dataDir}: ${(e as Error).message}`);
  }
  const resources = new CloseStack();
  resources.add(() => lock.release());
  let closing = false;
  let app: FastifyInstance;
  let catalog: ModelCatalog;
  let engines: Map<string, Engine>;
  try {
    engines = await loadEngines(plan.engines, opts.createEngine ?? defaultCreateEngine, opts.stderr);
    resources.add(() => Promise.allSettled([...engines.values()].map((e) => e.dispose())));
    const files = await openFiles(settings.dataDir, opts.stderr);
    files.limitStorage({ perOwnerBytes: settings.filesQuota, ...(settings.filesMaxTotal !== undefined ? { totalBytes: settings.filesMaxTotal } : {}) });
    resources.add(() => files.close());
    const metrics = settings.metrics ? createMetrics(engines) : undefined;
    const responseCache = openResponseCache(settings, opts.stderr, metrics);
    resources.add(responseCache.close);
    const keyStore = openKeyStore(settings.dataDir);
    resources.add(() => keyStore.close());
    const usage = openUsage(settings, opts.stderr);
    resources.add(async () => usage.close());
    adoptStaticCallerIds(usage.store, settings.apiKeys);
    const batches = openBatchStore(settings.dataDir);
    resources.add(async () => batches.close());
    const cachedContents = openCachedContents(settings.dataDir);
    resources.add(() => cachedContents.close());
    const thoughtSignatureKey = await loadThoughtSignatureKey(settings.dataDir);
    // The code-execution tool runs only confined; without a sandbox it is refused with a 400.
    const sandbox = await findPythonSandbox({
      memoryBytes: settings.codeExecutionMemory, maxRuns: settings.codeExecutionMaxRuns, maxQueuedRuns: settings.codeExecutionMaxQueued,
    });
    // Which memory mode (a cgroup per run, or rlimits) and the budget, said once at start.
    opts.stderr.write('unavailable' in sandbox ? `note: code execution is off: ${sandbox.unavailable}\n` : `code execution: ${sandbox.description}\n`);
    const codeRunner = 'unavailable' in sandbox ? undefined : sandbox;

    const bindings: ModelBinding[] = plan.bindings.map((b) => ({
      id: b.id, engine: bindingEngine(b, engines), ...(b.definition ? { definition: b.definition } : {}),
    }));
    catalog = buildCatalog(plan, bindings, engines, opts.stderr);
    // Expired caches are already invisible; sweeping frees their rows and what engines kept for them.
    const sweeper = createCachedContentSweeper({
      store: cachedContents, catalog,
      onError: (e) => opts.stderr.write(`warning: sweeping expired cached contents failed: ${(e as Error).message}\n`),
    });
    sweeper.start();
    resources.add(() => sweeper.close());
    app = await createApp({
      catalog,
      apiKeys: settings.apiKeys,
      allowedOrigins: settings.allowedOrigins,
      bindHost: settings.host,
      mountPrefix: settings.mountPrefix,
      bodyLimitBytes: settings.bodyLimit,
      timeouts: {
        headersMs: settings.headersTimeout * 1000, requestMs: settings.requestTimeout * 1000,
        uploadRequestMs: settings.uploadRequestTimeout * 1000, keepAliveMs: settings.keepAliveTimeout * 1000,
        bodyIdleMs: settings.bodyIdleTimeout * 1000, minBodyBytesPerSecond: settings.bodyMinRate,
      },
      // Logs go to stderr so stdout carries only the start line (scripts read the port there).
      logger: settings.logLevel === 'silent' ? false : { level: settings.logLevel, stream: opts.stderr },
      // Engines are loaded before listening; readiness ends when shutdown begins.
      isReady: () => !closing,
      files,
      ...(blocklist ? { blocklist } : {}),
      ...(codeRunner ? { codeRunner } : {}),
      ...(responseCache.caching ? { responseCache: responseCache.caching } : {}),
      limits: createRateLimiter(settings, catalog),
      keyStore,
      ...(settings.jwtSecret ? { jwtSecret: settings.jwtSecret } : {}),
      ...(jwt ? { jwt } : {}),
      ...(settings.adminKey ? { adminKey: settings.adminKey } : {}),
      usageSinks: [usage.sink],
      usageStore: usage.store,
      batches: { store: new CappedBatchStore(batches.store, settings.batchMaxEnqueued), concurrency: settings.batchConcurrency, maxJobAgeMs: settings.batchMaxAge * 3_600_000 },
      cachedContents: { store: cachedContents, minTokens: settings.cachedContentMinTokens },
      ...(metrics ? { metrics } : {}),
      logPrompts: settings.logPrompts,
      thoughtSignatureKey,
      unknownFields: settings.unknownFields,
    });
    await app.listen({ host: settings.host, port: settings.port });
  } catch (e) {
    await resources.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new CliError(`cannot listen on ${settings.host}:${settings.port}: ${(e as Error).message.replace(/^listen /, '')}`);
    }
    throw e;
  }

  const address = app.server.address();
  const port = address && typeof address === 'object' ? address.port : settings.port;
  const origin = `http://${urlHost(settings.host)}:${port}`;
  const kinds = [...engines.values()].map((e) => (e.kind === 'llama-cpp' ? `${e.kind} ${e.label}` : e.kind));
  const banner = `gemserve listening on ${origin}${settings.mountPrefix} (models: ${catalog.list().length}, ` +
    `${kinds.length === 1 ? 'engine' : 'engines'}: ${kinds.join(', ')})`;

  let closed: Promise<void> | undefined;
  const close = () => (closed ??= (async () => {
    closing = true;
    try {
      await app.close();
    } finally {
      await resources.close();
    }
  })());
  return { app, catalog, origin, port, banner, close, [Symbol.asyncDispose]: close };
}
