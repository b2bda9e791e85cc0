import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SchedulerStats } from '../../core/scheduler.js';
import type { UsageRecord, UsageSink } from '../usage-record.js';

/** The scheduler state of one engine, as engines with a scheduler report it (`stats()`). */
export interface EngineStats {
  /** The engine's name (its label, or its config name). */
  engine: string;
  stats: Pick<SchedulerStats, 'busy' | 'queued'>;
}

/** Seconds: most local generations take 0.1 s to a few minutes. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
/** Seconds to the first streamed chunk: prompt processing plus one token, or a queue wait. */
const FIRST_CHUNK_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Token kinds of `gemserve_tokens_total`. */
const TOKEN_KINDS = [
  ['prompt', 'promptTokens'], ['candidates', 'candidatesTokens'], ['thoughts', 'thoughtsTokens'], ['cached', 'cachedTokens'],
] as const;

/** gemserve's upstream error codes (src/core/errors.ts) → the `kind` label of gemserve_upstream_errors_total. */
const UPSTREAM_ERROR_KINDS: Record<string, string> = {
  UPSTREAM_REJECTED: 'rejected', UPSTREAM_UNAVAILABLE: 'unavailable', UPSTREAM_TIMEOUT: 'timeout',
  UPSTREAM_MALFORMED: 'malformed', UPSTREAM_LIMITATION: 'limitation', CIRCUIT_OPEN: 'circuit_open',
};

/**
 * gemserve's Prometheus metrics, in a registry of their own (not prom-client's global one), so
 * every app, and every test, has its own counts.
 *
 * The `key` label is the caller's key *name* (`Caller.name`: `anonymous`, a managed key's name),
 * never a secret. Its cardinality is bounded by the number of keys the operator created; the
 * `model` label by the models the catalog serves (unknown models never reach the meter) and
 * `method` by the served methods.
 *
 * Request and token counts come from the UsageRecords ({@link sink}); queue depth and busy slots
 * are read from the engines at scrape time; the response cache reports through
 * {@link onCacheLookup}; upstream engines' failures are counted from the records' error codes
 * (engines cannot see the gateway), as is the engine a routed model chose.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests;
  readonly #duration;
  readonly #firstChunk;
  readonly #tokens;
  readonly #cacheLookups;
  readonly #upstreamErrors;
  readonly #engineRequests;
  #engineStats: () => Iterable<EngineStats> = () => [];

  constructor() {
    const registers = [this.registry];
    this.#requests = new Counter({
      name: 'gemserve_requests_total', help: 'Model requests served, by model, key name, method and HTTP status.',
      labelNames: ['model', 'key', 'method', 'status'] as const, registers,
    });
    this.#duration = new Histogram({
      name: 'gemserve_request_duration_seconds', help: 'Time from a model request\'s arrival to its last byte.',
      labelNames: ['model', 'method'] as const, buckets: DURATION_BUCKETS, registers,
    });
    this.#firstChunk = new Histogram({
      name: 'gemserve_time_to_first_chunk_seconds', help: 'Time from a streamed request\'s arrival to its first chunk.',
      labelNames: ['model'] as const, buckets: FIRST_CHUNK_BUCKETS, registers,
    });
    this.#tokens = new Counter({
      name: 'gemserve_tokens_total',
      help: 'Tokens of generations as usageMetadata reported them: prompt (cached included), candidates, thoughts, cached.',
      labelNames: ['model', 'key', 'kind'] as const, registers,
    });
    this.#cacheLookups = new Counter({
      name: 'gemserve_cache_lookups_total', help: 'Response cache lookups, by result.',
      labelNames: ['result'] as const, registers,
    });
    this.#engineRequests = new Counter({
      name: 'gemserve_engine_requests_total', help: 'Model requests by the engine that took them (a routed model\'s choice), and HTTP status.',
      labelNames: ['model', 'engine', 'status'] as const, registers,
    });
    this.#upstreamErrors = new Counter({
      name: 'gemserve_upstream_errors_total', help: 'Errors of upstream engines, by engine and kind.',
      labelNames: ['engine', 'kind'] as const, registers,
    });
    const stats = () => [...this.#engineStats()];
    new Gauge({
      name: 'gemserve_queue_depth', help: 'Requests waiting for a slot, by engine.', labelNames: ['engine'] as const, registers,
      collect() {
        this.reset();
        for (const s of stats()) this.set({ engine: s.engine }, s.stats.queued);
      },
    });
    new Gauge({
      name: 'gemserve_slots_busy', help: 'Slots (sequences) generating, by engine.', labelNames: ['engine'] as const, registers,
      collect() {
        this.reset();
        for (const s of stats()) this.set({ engine: s.engine }, s.stats.busy);
      },
    });
    // Counters with a known label set start at 0, so rate() works from the first scrape.
    for (const result of ['hit', 'miss']) this.#cacheLookups.inc({ result }, 0);
  }

  /** The UsageSink that counts requests, durations and tokens. */
  readonly sink: UsageSink = (r: UsageRecord) => {
    this.#requests.inc({ model: r.model, key: r.callerName, method: r.method, status: String(r.status) });
    this.#duration.observe({ model: r.model, method: r.method }, r.latencyMs / 1000);
    if (r.engine !== undefined && !r.cacheHit) this.#engineRequests.inc({ model: r.model, engine: r.engine, status: String(r.status) });
    const upstreamKind = r.errorCode && UPSTREAM_ERROR_KINDS[r.errorCode];
    if (upstreamKind && r.engine !== undefined) this.onUpstreamError(r.engine, upstreamKind);
    if (r.firstChunkMs !== undefined) this.#firstChunk.observe({ model: r.model }, r.firstChunkMs / 1000);
    // countTokens generates nothing; its prompt is not "tokens in" of any generation.
    if (r.method === 'countTokens') return;
    for (const [kind, field] of TOKEN_KINDS) {
      if (r[field] > 0) this.#tokens.inc({ model: r.model, key: r.callerName, kind }, r[field]);
    }
  };

  /** Where queue depth and busy slots come from; read at each scrape. */
  setEngineStats(read: () => Iterable<EngineStats>): void {
    this.#engineStats = read;
  }

  /**
   * A generation refused as overloaded before its body was read: no usage record is made for it
   * (it cost nothing), but it is a request answered 503, and overload is what operators alert on.
   */
  onOverloadRefusal(model: string, keyName: string, method: string): void {
    this.#requests.inc({ model, key: keyName, method, status: '503' });
  }

  /** A response cache lookup: `hit` when the answer came from the cache. */
  onCacheLookup(hit: boolean): void {
    this.#cacheLookups.inc({ result: hit ? 'hit' : 'miss' });
  }

  /** An upstream engine failed (`kind`: e.g. `timeout`, `http_5xx`, `connection`, `rate_limited`). */
  onUpstreamError(engine: string, kind: string): void {
    this.#upstreamErrors.inc({ engine, kind });
  }

  /** The Prometheus text exposition (version 0.0.4) of every metric. */
  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** `text/plain; version=0.0.4; charset=utf-8`. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
