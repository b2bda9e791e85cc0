/**
 * The gemini-upstream engine: forwards to Google's Gemini API (or any endpoint speaking it) with
 * the operator's key. Each generation is one `POST {baseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse`
 * (GEMINI-API.md §1.1, §1.3) whose chunks are passed on as they come (map-gemini-chunks.ts);
 * countTokens is `:countTokens`.
 *
 * Resilience (src/engines/shared): each call goes through a circuit breaker and a retry policy
 * (exponential backoff, full jitter, RetryInfo honoured) for 429, 5xx, timeouts and broken
 * connections; never for another 4xx. A stream is retried only until its first event went to
 * the caller; after that a failure ends it with the error (in-band for the HTTP layer), so
 * chunks are never repeated or lost. Upstream errors become the catalog's (map-gemini-error.ts).
 */
import type {
  CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../shared/circuit-breaker.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { callWithRetries, RetryPolicy, streamWithRetries, type RetryDeps, type RetryOptions } from '../shared/retry-policy.js';
import { postUpstream, UpstreamConnectionError } from '../shared/upstream-http.js';
import { convertToCountTokensRequest, convertToGeminiRequest, needsThoughtSignatures } from './convert-to-gemini-request.js';
import { GeminiChunkMapper } from './map-gemini-chunks.js';
import { classifyGeminiFailure, malformed } from './map-gemini-error.js';

/** Google's endpoint (GEMINI-API.md §1.1). */
export const GOOGLE_BASE_URL = 'https://generativelanguage.googleapis.com';
/** Headers, and each chunk after them, must come within this. Default 60 s (thinking models pause before their first chunk). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;
/** Gemini 2.x's input limit (1,048,576 tokens; ai.google.dev/gemini-api/docs/models). */
const DEFAULT_CONTEXT_TOKENS = 1_048_576;
/** Gemini accepts candidateCount 1..8 (GenerationConfig docs). */
const MAX_CANDIDATES = 8;

/** Settings of the engine. */
export interface GeminiUpstreamEngineOptions {
  /** Default Google's; a path prefix is kept (`http://gw/gemini` → `http://gw/gemini/v1beta/...`). */
  baseUrl?: string;
  /** The operator's key, sent as `x-goog-api-key`. */
  apiKey: string;
  /** The upstream's model id (`gemini-2.5-flash`; a leading `models/` is accepted). */
  model: string;
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Breaker settings (the name defaults to the upstream's host). */
  breaker?: Partial<CircuitBreakerOptions>;
  /** Injectable randomness and sleep for the retries (tests). */
  retryDeps?: RetryDeps;
  /** Context window reported in capabilities. Default 1,048,576. */
  contextTokens?: number;
  /** Label reported as the weights; default `gemini-upstream:<model>`. */
  label?: string;
}

export class GeminiUpstreamEngine implements Engine {
  readonly kind = 'gemini-upstream';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  readonly breaker: CircuitBreaker;
  readonly #base: string;
  readonly #model: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #upstream: string;
  readonly #policy: RetryPolicy;
  readonly #closing = new AbortController();

  constructor(opts: GeminiUpstreamEngineOptions) {
    this.#base = (opts.baseUrl ?? GOOGLE_BASE_URL).replace(/\/+$/, '');
    this.#model = opts.model.replace(/^models\//, '');
    this.#apiKey = opts.apiKey;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.#upstream = new URL(this.#base).host;
    this.label = opts.label ?? `gemini-upstream:${this.#model}`;
    this.#policy = new RetryPolicy(opts.retry, opts.retryDeps);
    this.breaker = new CircuitBreaker({ name: this.#upstream, ...opts.breaker });
    this.capabilities = {
      maxCandidates: MAX_CANDIDATES,
      contextTokens: opts.contextTokens ?? DEFAULT_CONTEXT_TOKENS,
      inputModalities: ['IMAGE', 'AUDIO'],
      structuredOutput: true,
      functionCalling: true,
      thinking: true,
      logprobs: true,
    };
  }

  #url(method: string): string {
    return `${this.#base}/v1beta/models/${encodeURIComponent(this.#model)}:${method}`;
  }

  #headers(): Record<string, string> {
    return { 'x-goog-api-key': this.#apiKey };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    using link = linkAbortSignals(input.signal, this.#closing.signal);
    const signal = link.signal;
    const body = convertToGeminiRequest(input, { skipThoughtSignatures: needsThoughtSignatures(this.#model) });
    const upstream = this.#upstream;
    const open = async function* (this: GeminiUpstreamEngine): AsyncGenerator<GenerateEvent> {
      const res = await postUpstream({
        url: `${this.#url('streamGenerateContent')}?alt=sse`, headers: this.#headers(), body, signal, timeoutMs: this.#timeoutMs,
      });
      const mapper = new GeminiChunkMapper(upstream, input.candidateCount);
      let chunks = 0;
      try {
        for await (const data of res.sseData()) {
          chunks++;
          // Google sends usage in every chunk; an endpoint that does not is asked with :countTokens.
          const fallback = chunks === 1 && !data.includes('"promptTokenCount"')
            ? (await this.countTokens({ messages: input.messages, tools: input.tools })).total
            : undefined;
          for (const ev of mapper.map(data, fallback)) {
            if (signal.aborted) throw signal.reason;
            yield ev;
          }
          if (mapper.done) return;
        }
      } finally {
        res.close();
      }
      if (!chunks) throw new UpstreamConnectionError('the stream ended without any chunk');
      yield* mapper.finishRest();
    }.bind(this);
    yield* streamWithRetries(open, {
      policy: this.#policy, breaker: this.breaker, signal, classify: (e) => classifyGeminiFailure(upstream, e),
    });
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    const signal = this.#closing.signal;
    const upstream = this.#upstream;
    const answer = await callWithRetries(async () => {
      const res = await postUpstream({
        url: this.#url('countTokens'), headers: this.#headers(), body: convertToCountTokensRequest(input, this.#model), signal, timeoutMs: this.#timeoutMs,
      });
      const text = await res.text();
      try {
        return JSON.parse(text) as { totalTokens?: number; promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }> };
      } catch {
        throw malformed(upstream, `countTokens answered with no JSON: ${text.slice(0, 200)}`);
      }
    }, { policy: this.#policy, breaker: this.breaker, signal, classify: (e) => classifyGeminiFailure(upstream, e) });
    if (typeof answer.totalTokens !== 'number') throw malformed(upstream, 'countTokens answered without totalTokens').error;
    const byModality: Record<string, number> = {};
    let sum = 0;
    for (const d of answer.promptTokensDetails ?? []) {
      if (d.modality && typeof d.tokenCount === 'number') { byModality[d.modality] = (byModality[d.modality] ?? 0) + d.tokenCount; sum += d.tokenCount; }
    }
    return { total: answer.totalTokens, ...(sum === answer.totalTokens && sum > 0 ? { byModality } : {}) };
  }

  async dispose(): Promise<void> {
    this.#closing.abort(Errors.modelUnavailable(this.label, 'the engine was disposed'));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
