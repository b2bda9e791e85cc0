import type { ContentEmbedding, CountTokensResponse, GenerateContentResponse } from '../api/gemini/types.js';
import { yieldWhenLarge } from './yield-when-large.js';
import { convertToBlockedPromptResponse } from '../convert/convert-to-blocked-prompt-response.js';
import { convertToCountTokensInput } from '../convert/convert-to-count-tokens-input.js';
import { convertToGeminiChunks } from '../convert/convert-to-gemini-chunks.js';
import { convertToGeminiResponse } from '../convert/convert-to-gemini-response.js';
import { convertToGenerateInput } from '../convert/convert-to-generate-input.js';
import { convertToOutputOptions } from '../convert/convert-to-output-parts.js';
import { ThoughtSigner } from '../convert/thought-signer.js';
import { convertToCountTokensResponse } from '../convert/convert-to-usage-metadata.js';
import { modelIdOf, type CatalogEntry, type ModelCatalog } from '../core/catalog/model-catalog.js';
import type { CodeRunner } from '../core/code-runner.js';
import { collectGeneration, type GenerateInput, type GenerationEvent } from '../core/engine.js';
import { Errors, type GemserveError } from '../core/errors.js';
import type { PromptBlocklist } from '../core/prompt-blocklist.js';
import { overloadOf, type SchedulerStats } from '../core/scheduler.js';
import type { ResponseCaching } from '../gateway/cache/response-caching.js';
import type { Caller } from '../gateway/caller.js';
import { mayUseModel } from '../gateway/keys/check-model-access.js';
import type { RateLimiter } from '../gateway/limits/rate-limiter.js';
import type { UsageSink } from '../gateway/usage-record.js';
import type { CachedContentRecord } from '../storage/cached-contents/cached-content-record.js';
import type { FileService } from '../storage/files/file-service.js';
import { abortReason } from './abort-reason.js';
import { admitCall } from './admit-call.js';
import {
  applyCachedContent, cachedPrefixOf, chunksWithCachedContentTokens, withCachedContentTokens, type CachedContentUse,
} from './cached-contents/apply-cached-content.js';
import type { CachedContentsConfig } from './cached-contents/cached-contents-config.js';
import { createCachedContent, type CreateCachedContentCall } from './cached-contents/create-cached-content.js';
import { embedTexts } from './embed/embed-texts.js';
import { parseBatchEmbedRequest, parseEmbedRequest } from './embed/parse-embed-request.js';
import { parseCountTokensRequest, parseGenerateContentRequest } from './parse-gemini-request.js';
import { REJECT_UNKNOWN_FIELDS, type UnknownFieldPolicy } from './unknown-field-policy.js';
import type { ModelCall } from './generation-call.js';
import { wrapEngine, type CacheStatus, type EngineRun, type GenerationContext, type GenerationMiddleware, type RunEngine } from './generation-middleware.js';
import { CallMeter, type CallEnd, type MeterSinks } from './meter-call.js';
import { meteredChunks } from './metered-chunks.js';
import { blocklistMiddleware } from './middleware/blocklist-middleware.js';
import { codeExecutionMiddleware } from './middleware/code-execution-middleware.js';
import { responseCacheMiddleware } from './middleware/response-cache-middleware.js';
import { newResponseMeta } from './new-response-meta.js';
import { resolveCallMedia } from './resolve-call-media.js';

/** What the service runs on; everything optional is a concern the server may leave out. */
export interface GenerationDeps {
  catalog: ModelCatalog;
  /** The Files API, for `fileData` parts; absent, such parts are refused. */
  files?: FileService;
  /** The prompt blocklist (`--blocklist`); absent, nothing is blocked. */
  blocklist?: PromptBlocklist;
  /** The code-execution sandbox; absent, `codeExecution` tools get a 400. */
  codeRunner?: CodeRunner;
  /** The response cache (`--cache`); absent, every call runs the engine. */
  responseCache?: ResponseCaching;
  /** Rate limits per caller and model; absent, nothing is limited. */
  limits?: RateLimiter;
  /** Receive the usage record of every call (usage store, metrics, the token limiter). */
  usageSinks?: readonly UsageSink[];
  /** Context caching; absent, a request naming `cachedContent` gets Google's 403. */
  cachedContents?: CachedContentsConfig;
  /** Told of failures that must not fail a call (a usage sink that threw). */
  onError?: (e: unknown, what: string) => void;
  /**
   * The secret gemserve's thought signatures are signed with (convert/thought-signer.ts); absent,
   * a random one, so signatures from before a restart (or from another replica) no longer verify.
   */
  thoughtSignatureKey?: Uint8Array;
  /** What a request field its message does not have gets (`--unknown-fields`); absent, Google's 400. */
  unknownFields?: UnknownFieldPolicy;
}

/** Which `supportedGenerationMethods` entry a model needs for each method (Google lists `generateContent` for streaming too). */
const REQUIRED_METHOD: Readonly<Record<string, string>> = {
  generateContent: 'generateContent',
  streamGenerateContent: 'generateContent',
  countTokens: 'countTokens',
  embedContent: 'embedContent',
  batchEmbedContents: 'embedContent',
  batchGenerateContent: 'batchGenerateContent',
  asyncBatchEmbedContent: 'asyncBatchEmbedContent',
  createCachedContent: 'createCachedContent',
};

/** A unary generation's answer and what the transport may say of it. */
export interface GenerationAnswer {
  response: GenerateContentResponse;
  /** How the response cache answered; absent without a cache or when the prompt was blocked. */
  cache?: CacheStatus;
  /** The engine that took the call: a routed model's choice (engines/routed/), else the bound engine's label. */
  engine: string;
  /** The engine a routed model chose, when it routes; absent otherwise. */
  routedTo?: string;
  /** The path each kind of media took (`image=pixels`, …); empty without media. */
  mediaPaths: string[];
}

/** A streamed generation, ready: its chunks and what the transport may say of it. */
export interface GenerationStream {
  /**
   * The chunks, each a complete GenerateContentResponse. Metered as they are taken: the usage
   * record is written when the iteration ends, fails or is stopped (`return()`). A failure
   * before the first chunk is a failure of the call (the transport answers it as an ordinary
   * error); after it, an in-band one. An abort (the call's signal) ends it with the signal's reason.
   */
  chunks: AsyncGenerator<GenerateContentResponse, void, undefined>;
  cache?: CacheStatus;
  /** The engine that took the call, and the one a routed model chose (else undefined); known once the first chunk is out. */
  engine(): string;
  routedTo(): string | undefined;
  mediaPaths: string[];
  /** The transport could not deliver a chunk (or the client left): metered as the call's in-band failure. */
  failed(e: unknown): void;
}

/** A countTokens answer and the media paths taken. */
export interface CountAnswer {
  response: CountTokensResponse;
  mediaPaths: string[];
}

/** Where a prepared generation stands: the events to convert, or a blocked prompt's answer. */
interface Started {
  run: EngineRun;
  ctx: GenerationContext;
  use?: CachedContentUse;
  mediaPaths: string[];
  /** The bound engine's label, replaced by the one a routed model names in its `prompt` event (`routedTo`). */
  engine: { label: string; routedTo?: string };
}

/**
 * The transport-free generation pipeline: one call in, one outcome out. HTTP routes, the Batch
 * worker and scripts all call it. Per generation, in order: admission under the rate limits, the
 * named cached content merged in, media resolved for the engine, the request converted, then the
 * engine wrapped in the concerns the server has (blocklist → response cache → code execution,
 * each a {@link GenerationMiddleware}), the events converted to Gemini responses, and the usage
 * metered once the call is over, however it ends.
 */
export class GenerationService {
  readonly #deps: GenerationDeps;
  readonly #middlewares: GenerationMiddleware[];
  readonly #sinks: MeterSinks;
  readonly #signer: ThoughtSigner;

  constructor(deps: GenerationDeps) {
    this.#deps = deps;
    this.#signer = new ThoughtSigner(deps.thoughtSignatureKey);
    this.#middlewares = [
      ...(deps.blocklist ? [blocklistMiddleware(deps.blocklist)] : []),
      ...(deps.responseCache ? [responseCacheMiddleware(deps.responseCache)] : []),
      ...(deps.codeRunner ? [codeExecutionMiddleware(deps.codeRunner)] : []),
    ];
    this.#sinks = { sinks: deps.usageSinks ?? [], onError: (e) => deps.onError?.(e, 'a usage sink failed') };
  }

  /** The model catalog the service resolves names in. */
  get catalog(): ModelCatalog {
    return this.#deps.catalog;
  }

  /**
   * The model `name` (with or without `models/`) for `method`, as `caller` may use it: a model the
   * caller's key does not allow is a 403 (before anything else, so a key learns nothing of models
   * it may not use); an unknown model, or one that does not list the method, Google's 404.
   */
  resolveModel(caller: Caller, name: string, apiVersion: string, method: string): CatalogEntry {
    const id = modelIdOf(name);
    if (!mayUseModel(caller, id)) throw Errors.modelNotAllowed(id);
    const entry = this.#deps.catalog.resolve(name, apiVersion, method);
    const required = REQUIRED_METHOD[method];
    if (!required || !entry.definition.supportedGenerationMethods.includes(required)) throw Errors.modelNotFound(id, apiVersion, method);
    return entry;
  }

  /**
   * The 503 a generation on `model` would get now, or undefined: its engine's scheduler
   * (`stats()`, llama-cpp and llama-server) has every slot busy and a full queue. `Retry-After`
   * is the queue's drain time at the engine's mean slot hold time (`overloadOf`). Cheap (no
   * body, no parsing), so a transport can refuse before reading the request's body; generate
   * and stream ask it again before admission, so a refused request uses no rate-limit quota.
   */
  overloaded(model: CatalogEntry): GemserveError | undefined {
    const stats = schedulerStatsOf(model.engine);
    return stats && overloadOf(stats);
  }

  /** generateContent: the whole response. */
  async generate(call: ModelCall): Promise<GenerationAnswer> {
    this.#refuseIfOverloaded(call);
    await admitCall(this.#deps.limits, call);
    return this.#metered(call, async (meter, ended) => {
      const started = await this.#start(call);
      const { run, ctx, use } = started;
      // The engine is known once its events were read (a routed model names its choice in them).
      ended(() => ({ cacheHit: run.cache === 'hit', engine: started.engine.label }));
      const response = run.blocked
        ? convertToBlockedPromptResponse(run.blocked, run.meta)
        : withCachedContentTokens(convertToGeminiResponse(await collectGeneration(run.events), run.meta, convertToOutputOptions(ctx.request, call.model, this.#signer)), use);
      const aborted = abortReason(call.signal);
      if (aborted) throw aborted;
      meter.sent(response);
      return {
        response, ...(run.cache ? { cache: run.cache } : {}), engine: started.engine.label,
        ...(started.engine.routedTo ? { routedTo: started.engine.routedTo } : {}), mediaPaths: started.mediaPaths,
      };
    });
  }

  /**
   * streamGenerateContent: resolves once the generation is under way (a failure before that,
   * e.g. validation, media, a refused feature, an overloaded engine, rejects); its first chunk
   * may still fail, which the transport answers as an ordinary error.
   */
  async stream(call: ModelCall): Promise<GenerationStream> {
    this.#refuseIfOverloaded(call);
    await admitCall(this.#deps.limits, call);
    const meter = new CallMeter(call, this.#sinks);
    let started: Started;
    try {
      started = await this.#start(call);
    } catch (e) {
      const error = abortReason(call.signal) ?? e;
      meter.failed(error);
      meter.record({ cacheHit: false, engine: call.model.engine.label });
      throw error;
    }
    const { run, ctx, use } = started;
    const converted = run.blocked
      ? oneChunk(convertToBlockedPromptResponse(run.blocked, run.meta))
      : chunksWithCachedContentTokens(convertToGeminiChunks(run.events, run.meta, convertToOutputOptions(ctx.request, call.model, this.#signer)), use);
    let reported: unknown;
    const end = (): CallEnd => ({ cacheHit: run.cache === 'hit', engine: started.engine.label });
    return {
      chunks: meteredChunks(converted, meter, call.signal, () => reported, end),
      ...(run.cache ? { cache: run.cache } : {}),
      engine: () => started.engine.label,
      routedTo: () => started.engine.routedTo,
      mediaPaths: started.mediaPaths,
      failed: (e) => { reported ??= e; },
    };
  }

  /**
   * countTokens, with `{contents}` or `{generateContentRequest}`: the total equals the
   * `promptTokenCount` generateContent reports for the same input, media included. A
   * `generateContentRequest` naming a `cachedContent` is counted with the cache's parts, and the
   * cache's size reported as `cachedContentTokenCount`.
   */
  async countTokens(call: ModelCall): Promise<CountAnswer> {
    // Its own quota (admit-call.ts), checked before the body is parsed or tokenised.
    await admitCall(this.#deps.limits, call);
    return this.#metered(call, async (meter) => {
      const parsed = parseCountTokensRequest(call.body, this.unknownFields);
      // A cache is named inside `generateContentRequest` (CountTokensRequest has no field of its own).
      const nested = parsed.generateContentRequest && await applyCachedContent(call, this.#deps.cachedContents, parsed.generateContentRequest, this.#deps.catalog);
      const req = nested ? { ...parsed, generateContentRequest: nested.req } : parsed;
      const { media, paths } = await resolveCallMedia(call, this.#deps.files, req);
      const counted = convertToCountTokensResponse(await call.model.engine.countTokens({ ...convertToCountTokensInput(req, call.model, media), signal: call.signal }));
      // totalTokens counts the whole prompt, the cached part included, as promptTokenCount does.
      const response = nested?.use ? { ...counted, cachedContentTokenCount: nested.use.totalTokenCount } : counted;
      return { response: meter.counted(response), mediaPaths: paths };
    });
  }

  /** embedContent and batchEmbedContents: one vector per job, in order. */
  async embed(call: ModelCall): Promise<ContentEmbedding[]> {
    await admitCall(this.#deps.limits, call);
    return this.#metered(call, async (meter) => {
      const jobs = call.method === 'batchEmbedContents'
        ? parseBatchEmbedRequest(call.body, call.model, this.unknownFields)
        : [parseEmbedRequest(call.body, '', this.unknownFields)];
      const { embeddings, tokens } = await embedTexts(call, jobs);
      meter.counted({ totalTokens: tokens });
      return embeddings;
    });
  }

  /**
   * Runs a unary call under a meter: its usage is recorded once it is over, however it ends; a
   * failure (the abort's reason when the call was aborted: an engine may throw something of its
   * own then) is recorded with its status and rethrown. `ended` tells what is known at the end.
   */
  async #metered<T>(call: ModelCall, run: (meter: CallMeter, ended: (end: () => CallEnd) => void) => Promise<T>): Promise<T> {
    const meter = new CallMeter(call, this.#sinks);
    let end = (): CallEnd => ({ cacheHit: false, engine: call.model.engine.label });
    try {
      return await run(meter, (e) => { end = e; });
    } catch (e) {
      const error = abortReason(call.signal) ?? e;
      meter.failed(error);
      throw error;
    } finally {
      meter.record(end());
    }
  }

  /**
   * `cachedContents.create`: the cache counted and stored for its caller, and warmed in the engine
   * (generation/cached-contents/create-cached-content.ts). Needs context caching (`cachedContents`).
   * Creation evaluates the whole prompt, so it is admitted under the caller's rate limits for the
   * model as a request (`admitCall`, method `createCachedContent`) and metered like one: Google
   * bills "the initial number of tokens cached" at the input token rate
   * (ai.google.dev/gemini-api/docs/caching, ai.google.dev/gemini-api/docs/pricing), so its record
   * carries the cache's tokens as prompt tokens, and they count towards tokens per minute.
   */
  async createCachedContent(call: CreateCachedContentCall): Promise<CachedContentRecord> {
    const { cachedContents: config, files, onError, limits } = this.#deps;
    if (!config) throw Errors.cachedContentNotFound();
    let meter: CallMeter | undefined;
    let engine = '';
    try {
      const record = await createCachedContent({
        resolveModel: (name, apiVersion, method) => this.resolveModel(call.caller, name, apiVersion, method), config, ...(files ? { files } : {}),
        unknownFields: this.unknownFields,
        onWarmFailure: (e, name) => onError?.(e, `warming the engine for ${name} failed; it is evaluated on use instead`),
        admit: async (model, requestedModel) => {
          const base = { caller: call.caller, model, requestedModel, method: 'createCachedContent', signal: call.signal };
          await admitCall(limits, base);
          meter = new CallMeter(base, this.#sinks);
          engine = model.engine.label;
        },
      }, call);
      meter?.counted({ totalTokens: record.totalTokenCount });
      return record;
    } catch (e) {
      meter?.failed(abortReason(call.signal) ?? e);
      throw e;
    } finally {
      meter?.record({ cacheHit: false, engine });
    }
  }

  /**
   * What request fields a message does not have get, for every body this service parses and for
   * the transports' own (a batch's, an upload's metadata): Google's 400 unless `--unknown-fields accept`.
   */
  get unknownFields(): UnknownFieldPolicy {
    return this.#deps.unknownFields ?? REJECT_UNKNOWN_FIELDS;
  }

  /** Throws the 503 of an overloaded engine (the scheduler would refuse the call's slot too). */
  #refuseIfOverloaded(call: ModelCall): void {
    const refusal = this.overloaded(call.model);
    if (refusal) throw refusal;
  }

  /** Everything before the first event: cached content, media, conversion, and the engine wrapped in the concerns. */
  async #start(call: ModelCall): Promise<Started> {
    const deps = this.#deps;
    const parsed = parseGenerateContentRequest(call.body, this.unknownFields);
    // A request the engine's full queue would refuse is refused now, before media, conversion and
    // tokenising: under overload that work would only take time from the requests being served.
    this.#refuseIfOverloaded(call);
    await yieldWhenLarge(parsed.contents);
    const { req, use } = await applyCachedContent(call, deps.cachedContents, parsed, deps.catalog);
    const { media, paths } = await resolveCallMedia(call, deps.files, req);
    const converted = convertToGenerateInput(req, call.model, media, { codeExecution: deps.codeRunner !== undefined }, this.#signer);
    await yieldWhenLarge(req.contents);
    const input: GenerateInput = {
      ...converted,
      ...(use ? { cachedPrefix: cachedPrefixOf(use, call.model, media) } : {}),
      // Batch requests wait behind interactive ones for an engine slot (core/scheduler.ts).
      ...(call.batch ? { priority: 'batch' as const } : {}),
      signal: call.signal,
    };
    const ctx: GenerationContext = { call, request: req, meta: newResponseMeta(call.model) };
    const engine = { label: call.model.engine.label };
    const bound: RunEngine = async (i) => ({ events: call.model.engine.stream(i), meta: ctx.meta });
    const run = await wrapEngine(ctx, bound, this.#middlewares)(input);
    return { run: { ...run, events: namingEngine(run.events, engine) }, ctx, ...(use ? { use } : {}), mediaPaths: paths, engine };
  }
}

/** The scheduler state of an engine that has one (llama-cpp, llama-server: `stats()`), else undefined. */
function schedulerStatsOf(engine: object): SchedulerStats | undefined {
  const stats = (engine as Partial<{ stats(): SchedulerStats }>).stats;
  return typeof stats === 'function' ? stats.call(engine) : undefined;
}

/** Passes the events on, noting the engine a routed model chose (its `prompt` event names it). */
async function* namingEngine(events: AsyncIterable<GenerationEvent>, engine: Started['engine']): AsyncGenerator<GenerationEvent> {
  for await (const ev of events) {
    if (ev.type === 'prompt' && ev.engine) engine.label = engine.routedTo = ev.engine;
    yield ev;
  }
}

async function* oneChunk(response: GenerateContentResponse): AsyncGenerator<GenerateContentResponse> {
  yield response;
}
