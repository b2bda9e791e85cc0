import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Errors, type GemserveError } from '../core/errors.js';
import type { AppDeps } from './app-deps.js';
import { createCallerResolver } from '../gateway/keys/resolve-caller.js';
import { systemClock, type Clock } from '../storage/clock.js';
import { createAuthenticate } from './authenticate.js';
import type { BatchService } from '../batch/batch-service.js';
import { BatchWorker } from '../batch/batch-worker.js';
import { GenerationService } from '../generation/generation-service.js';
import { acceptUnknownFields } from '../generation/unknown-field-policy.js';
import { closeUnusedConnectionsOnClose } from './close-unused-connections.js';
import { registerCors } from './cors.js';
import { createHostCheck } from './check-host.js';
import { createOriginAllowlist } from './origin-allowlist.js';
import { answerClientError, answerNodeRefusals, refuseMissingHost } from './answer-client-error.js';
import { DEFAULT_HTTP_TIMEOUTS, guardRequestBodies, hasUnreadBody, serverTimeoutOptions } from './guard-request-bodies.js';
import { isClientAbort, sendError, toWireError } from './error-envelope.js';
import { createJsonBodyParser } from './parse-json-body.js';
import { JsonParsePool } from './parse-json-off-thread.js';
import { admitUploadStarts } from './admit-upload-starts.js';
import { markArrival } from './mark-arrival.js';
import { addRequestLogging, loggerOptions, requestIdOf } from './request-logging.js';
import { registerAdminKeys } from './routes/admin-keys.js';
import { registerAdminUsage } from './routes/admin-usage.js';
import { registerBatches } from './routes/batches.js';
import { registerCachedContents } from './routes/cached-contents.js';
import { registerFiles } from './routes/files.js';
import { registerHealth } from './routes/health.js';
import { registerMetrics } from './routes/metrics.js';
import { registerModelMethods } from './routes/model-methods.js';
import { registerModels } from './routes/models.js';
import { registerUpload } from './routes/upload.js';

/**
 * Builds the whole Gemini-API server (without listening): the same app for tests (`inject`),
 * the CLI and embedders.
 *
 * Order of work per request: the `Host` check (keyless servers) → CORS (foreign origins refused)
 * → API key → body parsing (any content type, as JSON) → route. One error handler turns anything thrown into Google's error envelope; the
 * not-found handler answers Google-style 404s (also for a known path with the wrong HTTP
 * method, as Google does).
 */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const errorContext = { bodyLimitBytes: deps.bodyLimitBytes };
  const fail = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (isClientAbort(error, request.raw)) {
      // The client disconnected mid-body or mid-response: not a fault, and nobody to answer.
      request.log.info('client closed the connection');
      return sendError(reply, Errors.cancelled());
    }
    const e: GemserveError = toWireError(error, errorContext);
    // Faults are logged with their cause; the client only ever sees Google's text.
    if (e.cause !== undefined) request.log.error({ err: e.cause }, e.message);
    else if (e.kind === 'system') request.log.warn(e.message);
    return sendError(reply, e);
  };

  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...deps.timeouts };
  const app = Fastify({
    // Headers, whole requests and idle keep-alive connections are bounded (issue 14: slow bodies).
    ...serverTimeoutOptions(timeouts),
    // Node's own bodiless 400 for a request without Host is replaced by refuseMissingHost's.
    http: { ...serverTimeoutOptions(timeouts).http, requireHostHeader: false },
    // No logging unless asked for: pino's per-request lines cost more than the server itself.
    // JSON lines with the request id; never a key (redacted URLs) nor a body (unless logPrompts).
    logger: loggerOptions(deps.logger),
    requestIdHeader: false,
    genReqId: requestIdOf,
    bodyLimit: deps.bodyLimitBytes,
    routerOptions: {
      // The JS SDK produces `//` in some URLs (observed: its Live URL is `${base}/ws/…` on a base
      // that ends in `/`, js-genai src/live.ts and `getWebsocketBaseUrl` in src/_api_client.ts).
      ignoreDuplicateSlashes: true,
      // Model ids are path parameters; allow long ones.
      maxParamLength: 1024,
    },
    frameworkErrors: fail,
    // Requests Node's parser refuses (431, malformed HTTP) get Google's envelope too.
    clientErrorHandler: answerClientError,
  });

  closeUnusedConnectionsOnClose(app);
  // Before the key is checked and before any body is read: slow bodies are cut off, refusals close.
  app.addHook('onRequest', guardRequestBodies(app, timeouts));
  answerNodeRefusals(app);
  app.addHook('onRequest', refuseMissingHost);
  app.removeAllContentTypeParsers();
  // Large bodies are parsed on worker threads, started on first use and ended with the app.
  const jsonParsePool = new JsonParsePool();
  app.addHook('onClose', () => jsonParsePool.close());
  app.addContentTypeParser('*', createJsonBodyParser(jsonParsePool));
  app.setErrorHandler(fail);
  app.setNotFoundHandler((request, reply) => fail(Errors.notFound(request.url.split('?')[0]), request, reply));

  // Any POST body is JSON: give Fastify a content type to dispatch on when the client sent none.
  app.addHook('onRequest', (request, _reply, done) => {
    if (!request.headers['content-type']) request.headers['content-type'] = 'application/json';
    done();
  });
  const clock = deps.clock ?? systemClock;
  const resolveCaller = createCallerResolver({
    staticKeys: deps.apiKeys, store: deps.keyStore, jwt: { ...deps.jwt, ...(deps.jwtSecret !== undefined ? { secret: deps.jwtSecret } : {}) }, clock,
    onError: (e) => app.log.warn({ err: e }, 'recording a key\'s last use failed'),
  });
  const allowlist = createOriginAllowlist(deps.allowedOrigins);
  app.addHook('onRequest', createHostCheck({ isOpen: resolveCaller.isOpen, allowlist, ...(deps.bindHost ? { bindHost: deps.bindHost } : {}) }));
  // Before CORS: preflights, answered in @fastify/cors's hook, carry the request id too.
  addRequestLogging(app, { logPrompts: deps.logPrompts });
  await registerCors(app, allowlist);
  app.addHook('onRequest', markArrival);
  // Set by authenticate on every request (Fastify 5 takes no object as a decorator's default).
  app.decorateRequest('caller');
  app.addHook('onRequest', createAuthenticate(resolveCaller));
  // An unknown path is answered before its body is read (the not-found route would parse it first).
  app.addHook('onRequest', async (request) => {
    if (request.is404 && hasUnreadBody(request.raw)) throw Errors.notFound(request.url.split('?')[0]);
  });

  const prefix = normalizePrefix(deps.mountPrefix);
  const service = new GenerationService({
    catalog: deps.catalog, files: deps.files, blocklist: deps.blocklist, codeRunner: deps.codeRunner,
    responseCache: deps.responseCache, limits: deps.limits, cachedContents: deps.cachedContents,
    usageSinks: [...(deps.usageSinks ?? []), ...(deps.metrics ? [deps.metrics.sink] : []), ...(deps.limits ? [deps.limits.usageSink] : [])],
    onError: (e, what) => app.log.error({ err: e }, what),
    ...(deps.thoughtSignatureKey ? { thoughtSignatureKey: deps.thoughtSignatureKey } : {}),
    ...(deps.unknownFields === 'accept'
      ? { unknownFields: acceptUnknownFields((path) => app.log.warn(`unknown request field ${path} dropped (--unknown-fields accept); Google would answer 400 "Unknown name"`)) }
      : {}),
  });
  const batches = deps.batches ? startBatches(app, deps, service, clock) : undefined;
  registerHealth(app, prefix ? ['/healthz', `${prefix}/healthz`] : ['/healthz'], deps.isReady ?? (() => true));
  if (deps.metrics) registerMetrics(app, prefix ? ['/metrics', `${prefix}/metrics`] : ['/metrics'], deps.metrics);
  await app.register(
    async (api) => {
      registerModels(api, deps.catalog);
      // No admin key, no admin API: its paths are 404 like any unknown one.
      if (deps.adminKey && deps.keyStore) registerAdminKeys(api, { store: deps.keyStore, adminKey: deps.adminKey, clock });
      if (deps.adminKey && deps.usageStore) registerAdminUsage(api, { store: deps.usageStore, adminKey: deps.adminKey });
      const metrics = deps.metrics;
      registerModelMethods(api, service, batches, metrics && ((shed) => metrics.onOverloadRefusal(shed.model, shed.callerName, shed.method)));
      if (batches) registerBatches(api, batches);
      if (deps.cachedContents) {
        registerCachedContents(api, service, deps.cachedContents);
      }
      if (deps.files) {
        // Each upload start is a request under the Files quota (--files-rpm), refused before its metadata is read.
        if (deps.limits) api.addHook('onRequest', admitUploadStarts(deps.limits));
        registerFiles(api, deps.files);
        // Its own context: the upload route takes raw bytes whatever the Content-Type.
        await registerUpload(api, deps.files, service.unknownFields);
      }
    },
    { prefix },
  );
  return app;
}

/**
 * The Batch API's service, its worker started once the app is ready (requests run through the
 * generation service) and stopped before the app closes: requests in flight are aborted and go
 * back to pending for the next start.
 */
function startBatches(app: FastifyInstance, deps: AppDeps, service: GenerationService, clock: Clock): BatchService {
  const { store, concurrency = 1, maxJobAgeMs } = deps.batches as NonNullable<AppDeps['batches']>;
  const worker = new BatchWorker({
    service, store, concurrency, clock, ...(deps.files ? { files: deps.files } : {}), ...(maxJobAgeMs ? { maxJobAgeMs } : {}),
    onError: (e) => app.log.error({ err: e }, 'batch worker'),
    onResume: (n) => app.log.info(`batch worker: ${n} request(s) left running by the previous run will run again`),
  });
  app.addHook('onReady', async () => { await worker.start(); });
  app.addHook('preClose', async () => { await worker.stop(); });
  return { store, worker, clock, ...(deps.files ? { files: deps.files } : {}) };
}

/** `gemini/`, `/gemini/` → `/gemini`; `/` or nothing → ''. */
function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
