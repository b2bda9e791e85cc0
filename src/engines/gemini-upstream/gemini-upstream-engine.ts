/**
 * The gemini-upstream engine: forwards to Google's Gemini API (or any endpoint speaking it) with
 * the operator's key. Each generation is one `POST {baseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse`
 * (ai.google.dev/api/generate-content#method:-models.streamgeneratecontent) whose chunks are passed on as they come (map-gemini-chunks.ts);
 * countTokens is `:countTokens`.
 *
 * Embeddings (when the config gives `embeddingDimensions`): one `:batchEmbedContents` per call
 * with the client's taskType, title and outputDimensionality passed on natively
 * (convert-to-embed-request.ts), so the vectors are Google's own. Google reports no usage for
 * them, so tokens come from one `:countTokens` of the texts on the same model (the total, on the
 * first text), best effort: the vectors are already paid for, so a failed count never loses or
 * delays them with retries; it falls back to an estimate (estimate-tokens.ts), and a refusal
 * (a 4xx other than 429: the model cannot count) is remembered so later calls do not ask again.
 *
 * Resilience (src/engines/shared): each call goes through a circuit breaker and a retry policy
 * (exponential backoff, full jitter, RetryInfo honoured) for 429, 5xx, timeouts and broken
 * connections; never for another 4xx. A stream is retried only until its first event went to
 * the caller; after that a failure ends it with the error (in-band for the HTTP layer), so
 * chunks are never repeated or lost. Upstream errors become the catalog's (map-gemini-error.ts).
 */
import type { ConfigValues } from '../../core/config-fields.js';
import type {
  CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';
import { Errors, GemserveError } from '../../core/errors.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../shared/circuit-breaker.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { callWithRetries, RetryPolicy, streamWithRetries, type RetryDeps, type RetryOptions } from '../shared/retry-policy.js';
import { postUpstream, UpstreamConnectionError } from '../shared/upstream-http.js';
import { convertToBatchEmbedRequest, convertToEmbedCountRequest } from './convert-to-embed-request.js';
import { convertToCountTokensRequest, convertToGeminiRequest, needsThoughtSignatures } from './convert-to-gemini-request.js';
import { estimateTokens } from './estimate-tokens.js';
import type { GEMINI_UPSTREAM_ENGINE_FIELDS } from './gemini-upstream-engine-descriptor.js';
import { mapEmbedAnswer } from './map-embed-answer.js';
import { GeminiChunkMapper } from './map-gemini-chunks.js';
import { classifyGeminiFailure, malformed } from './map-gemini-error.js';

/** Google's endpoint (the SDKs' default base URL, js-genai src/_api_client.ts). */
export const GOOGLE_BASE_URL = 'https://generativelanguage.googleapis.com';
/** Headers, and each chunk after them, must come within this. Default 60 s (thinking models pause before their first chunk). */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 60_000;
/** Gemini 2.x's input limit (1,048,576 tokens; ai.google.dev/gemini-api/docs/models). */
export const DEFAULT_GEMINI_CONTEXT_TOKENS = 1_048_576;
/** Gemini accepts candidateCount 1..8 (GenerationConfig docs). */
const MAX_CANDIDATES = 8;

/**
 * Settings of the engine: the fields of its descriptor (gemini-upstream-engine-descriptor.ts:
 * `model`, `baseUrl`, `timeoutMs`, `contextTokens`, `embeddingDimensions`, with their help), the
 * key itself instead of the variable naming it, and settings only code sets.
 */
export interface GeminiUpstreamEngineOptions
  extends Omit<ConfigValues<typeof GEMINI_UPSTREAM_ENGINE_FIELDS>, 'apiKeyEnv' | 'retry' | 'breaker'> {
  /** The operator's key, sent as `x-goog-api-key`. */
  apiKey: string;
  retry?: RetryOptions;
  /** Breaker settings (the name defaults to the upstream's host). */
  breaker?: Partial<CircuitBreakerOptions>;
  /** Injectable randomness and sleep for the retries (tests). */
  retryDeps?: RetryDeps;
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
  /** Counting embedded texts is best effort: one attempt (see the module comment). */
  readonly #countOnce: RetryPolicy;
  readonly #closing = new AbortController();
  /** The upstream refused `:countTokens` for this model: estimate embedding tokens without asking. */
  #embedCountRefused = false;

  constructor(opts: GeminiUpstreamEngineOptions) {
    this.#base = (opts.baseUrl ?? GOOGLE_BASE_URL).replace(/\/+$/, '');
    this.#model = opts.model.replace(/^models\//, '');
    this.#apiKey = opts.apiKey;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
    this.#upstream = new URL(this.#base).host;
    this.label = opts.label ?? `gemini-upstream:${this.#model}`;
    this.#policy = new RetryPolicy(opts.retry, opts.retryDeps);
    this.#countOnce = new RetryPolicy({ ...opts.retry, maxAttempts: 1 }, opts.retryDeps);
    this.breaker = new CircuitBreaker({ name: this.#upstream, ...opts.breaker });
    this.capabilities = {
      maxCandidates: MAX_CANDIDATES,
      contextTokens: opts.contextTokens ?? DEFAULT_GEMINI_CONTEXT_TOKENS,
      inputModalities: ['IMAGE', 'AUDIO'],
      structuredOutput: true,
      functionCalling: true,
      thinking: true,
      logprobs: true,
      // Google's thought signatures pass through both ways; Google validates them.
      thoughtSignatures: true,
      ...(opts.embeddingDimensions ? { embeddings: { dimensions: opts.embeddingDimensions } } : {}),
    };
  }

  #url(method: string): string {
    return `${this.#base}/v1beta/models/${encodeURIComponent(this.#model)}:${method}`;
  }

  #headers(): Record<string, string> {
    return { 'x-goog-api-key': this.#apiKey };
  }

  /** One unary `POST :{method}` through the breaker and `policy`; the answer's JSON, unchecked. */
  #callJson(method: string, body: unknown, signal: AbortSignal, policy = this.#policy): Promise<unknown> {
    const upstream = this.#upstream;
    return callWithRetries(async () => {
      const res = await postUpstream({ url: this.#url(method), headers: this.#headers(), body, signal, timeoutMs: this.#timeoutMs });
      const text = await res.text();
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw malformed(upstream, `${method} answered with no JSON: ${text.slice(0, 200)}`);
      }
    }, { policy, breaker: this.breaker, signal, classify: (e) => classifyGeminiFailure(upstream, e) });
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
    const answer = await this.#callJson('countTokens', convertToCountTokensRequest(input, this.#model), this.#closing.signal) as {
      totalTokens?: number; promptTokensDetails?: Array<{ modality?: string; tokenCount?: number }>;
    } | null;
    if (typeof answer?.totalTokens !== 'number') throw malformed(this.#upstream, 'countTokens answered without totalTokens').error;
    const byModality: Record<string, number> = {};
    let sum = 0;
    for (const d of answer.promptTokensDetails ?? []) {
      if (d.modality && typeof d.tokenCount === 'number') { byModality[d.modality] = (byModality[d.modality] ?? 0) + d.tokenCount; sum += d.tokenCount; }
    }
    return { total: answer.totalTokens, ...(sum === answer.totalTokens && sum > 0 ? { byModality } : {}) };
  }

  async embed(input: EmbedInput): Promise<EmbedResult> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    const dimensions = this.capabilities.embeddings?.dimensions;
    if (!dimensions) throw Errors.capabilityUnsupported(this.label, 'Embeddings');
    using link = linkAbortSignals(input.signal, this.#closing.signal);
    const requests = input.requests ?? input.texts.map((text) => ({ text }));
    const answer = await this.#callJson('batchEmbedContents', convertToBatchEmbedRequest(requests, this.#model), link.signal);
    const vectors = mapEmbedAnswer(this.#upstream, answer, requests, dimensions);
    return { vectors, tokens: await this.#embedTokens(input.texts, link.signal) };
  }

  /**
   * Tokens of embedded texts: the upstream's count (its total on the first text), else the
   * estimate per text. `texts` are what a local engine would embed, the title included where
   * Google uses one (RETRIEVAL_DOCUMENT).
   */
  async #embedTokens(texts: string[], signal: AbortSignal): Promise<number[]> {
    if (!this.#embedCountRefused) {
      try {
        const answer = await this.#callJson('countTokens', convertToEmbedCountRequest(texts), signal, this.#countOnce);
        const total = (answer as { totalTokens?: unknown } | null)?.totalTokens;
        if (typeof total === 'number' && Number.isInteger(total) && total >= 0) return texts.map((_, i) => (i === 0 ? total : 0));
      } catch (e) {
        // The caller's abort and bugs propagate; any upstream failure (an open breaker too) falls back.
        if (signal.aborted || !(e instanceof GemserveError)) throw e;
        if (e.code === 'UPSTREAM_REJECTED' && e.status !== 'RESOURCE_EXHAUSTED') this.#embedCountRefused = true;
      }
    }
    return texts.map(estimateTokens);
  }

  async dispose(): Promise<void> {
    this.#closing.abort(Errors.modelUnavailable(this.label, 'the engine was disposed'));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
