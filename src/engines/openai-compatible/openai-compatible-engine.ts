/**
 * The openai-compatible engine: serves Gemini requests from any server with an OpenAI-style
 * `/v1/chat/completions` (vLLM, Ollama, LM Studio, llama-server), mapping requests there
 * (convert-to-chat-request.ts) and streamed chunks back (map-chat-chunks.ts).
 *
 * - Candidates are separate streamed requests, one after another, seeded `seed + i` (the `n`
 *   parameter is not implemented by Ollama or llama-server).
 * - Prompt tokens: there is no standard count endpoint, and a stream's usage comes last while
 *   the engine's `prompt` event comes first. So `countTokens` — and the prompt event of every
 *   stream, which must equal it — asks the upstream itself: the same messages and tools as a
 *   non-streamed request with `max_tokens: 1`, reading `usage.prompt_tokens`. That is exact for
 *   the upstream's own chat template and works on all four servers, at the cost of one
 *   extra prompt evaluation, mostly served from their prefix caches (vLLM's automatic prefix
 *   caching, llama-server's slot reuse, Ollama's kept context).
 * - What the upstream model can do is not discoverable in a standard way, so capabilities come
 *   from the config (`capabilities`); requests needing more are refused before they get here.
 * - Embeddings (when the config gives `embeddingDimensions`): one `/v1/embeddings` request per
 *   call with every text as `input`; OpenAI's usage has only the batch's total, so it is
 *   reported on the first text (the HTTP layer only sums them).
 * - Resilience as in gemini-upstream: breaker + retries (backoff with full jitter, Retry-After)
 *   on 429/5xx/timeouts/broken connections, never on another 4xx; a candidate's request is
 *   retried only until its first chunk arrived, so nothing is ever sent twice.
 */
import type { ConfigValues } from '../../core/config-fields.js';
import type {
  CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../shared/circuit-breaker.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { callWithRetries, RetryPolicy, streamWithRetries, type RetryDeps, type RetryOptions } from '../shared/retry-policy.js';
import { postUpstream, UpstreamConnectionError } from '../shared/upstream-http.js';
import { convertToChatMessages, convertToChatRequest, convertToChatTools } from './convert-to-chat-request.js';
import { ChatChunkMapper } from './map-chat-chunks.js';
import type { OPENAI_COMPATIBLE_ENGINE_FIELDS } from './openai-compatible-engine-descriptor.js';
import { classifyOpenAiFailure, malformed } from './map-openai-error.js';

/** Headers, and each chunk after them, must come within this. Default 120 s: a local server may evaluate a long prompt first. */
export const DEFAULT_OPENAI_TIMEOUT_MS = 120_000;

/** Candidates per request when the config does not say (they are sequential requests). */
export const DEFAULT_OPENAI_MAX_CANDIDATES = 8;
/** The context window when the config does not say. */
export const DEFAULT_OPENAI_CONTEXT_TOKENS = 8192;

type OpenAiCompatibleConfig = ConfigValues<typeof OPENAI_COMPATIBLE_ENGINE_FIELDS>;

/** What the upstream model can do (from the config's `capabilities`; see the module comment and the descriptor's help). */
export type OpenAiCompatibleCapabilities = NonNullable<OpenAiCompatibleConfig['capabilities']>;

/**
 * Settings of the engine: the fields of its descriptor (openai-compatible-engine-descriptor.ts:
 * `baseUrl`, `model`, `timeoutMs`, `capabilities`, with their help), the key itself instead of
 * the variable naming it, and settings only code sets.
 */
export interface OpenAiCompatibleEngineOptions extends Omit<OpenAiCompatibleConfig, 'apiKeyEnv' | 'retry' | 'breaker'> {
  /** Sent as `Authorization: Bearer`; most local servers need none. */
  apiKey?: string;
  retry?: RetryOptions;
  breaker?: Partial<CircuitBreakerOptions>;
  retryDeps?: RetryDeps;
  /** Label reported as the weights; default `openai-compatible:<model>`. */
  label?: string;
}

interface CountAnswer { usage?: { prompt_tokens?: number } }
interface EmbeddingsAnswer { data?: Array<{ index?: number; embedding?: unknown }>; usage?: { prompt_tokens?: number } }

export class OpenAiCompatibleEngine implements Engine {
  readonly kind = 'openai-compatible';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  readonly breaker: CircuitBreaker;
  readonly #url: string;
  readonly #embeddingsUrl: string;
  readonly #model: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #upstream: string;
  readonly #policy: RetryPolicy;
  readonly #closing = new AbortController();

  constructor(opts: OpenAiCompatibleEngineOptions) {
    const base = opts.baseUrl.replace(/\/+$/, '');
    this.#url = `${base}/chat/completions`;
    this.#embeddingsUrl = `${base}/embeddings`;
    this.#model = opts.model;
    this.#headers = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_OPENAI_TIMEOUT_MS;
    this.#upstream = new URL(base).host;
    this.label = opts.label ?? `openai-compatible:${opts.model}`;
    this.#policy = new RetryPolicy(opts.retry, opts.retryDeps);
    this.breaker = new CircuitBreaker({ name: this.#upstream, ...opts.breaker });
    const caps = opts.capabilities ?? {};
    this.capabilities = {
      maxCandidates: caps.maxCandidates ?? DEFAULT_OPENAI_MAX_CANDIDATES,
      contextTokens: caps.contextTokens ?? DEFAULT_OPENAI_CONTEXT_TOKENS,
      ...(caps.inputModalities?.length ? { inputModalities: caps.inputModalities } : {}),
      structuredOutput: caps.structuredOutput ?? false,
      functionCalling: caps.functionCalling ?? false,
      thinking: caps.thinking ?? false,
      logprobs: caps.logprobs ?? false,
      ...(caps.embeddingDimensions ? { embeddings: { dimensions: caps.embeddingDimensions } } : {}),
    };
  }

  #retrying(signal: AbortSignal) {
    return { policy: this.#policy, breaker: this.breaker, signal, classify: (e: unknown) => classifyOpenAiFailure(this.#upstream, e) };
  }

  async #countPrompt(input: CountTokensInput, signal: AbortSignal): Promise<number> {
    const tools = convertToChatTools(input.tools);
    const body = {
      model: this.#model, messages: convertToChatMessages(input.messages), max_tokens: 1, stream: false,
      ...(tools.tools ? { tools: tools.tools, tool_choice: 'auto' } : {}),
    };
    const answer = await callWithRetries(async () => {
      const res = await postUpstream({ url: this.#url, headers: this.#headers, body, signal, timeoutMs: this.#timeoutMs });
      const text = await res.text();
      try {
        return JSON.parse(text) as CountAnswer;
      } catch {
        throw malformed(this.#upstream, `the counting request answered with no JSON: ${text.slice(0, 200)}`);
      }
    }, this.#retrying(signal));
    const n = answer.usage?.prompt_tokens;
    if (typeof n !== 'number') throw malformed(this.#upstream, 'the counting request answered without usage.prompt_tokens').error;
    return n;
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    return { total: await this.#countPrompt(input, this.#closing.signal) };
  }

  async embed(input: EmbedInput): Promise<EmbedResult> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    const dimensions = this.capabilities.embeddings?.dimensions;
    if (!dimensions) throw Errors.capabilityUnsupported(this.label, 'Embeddings');
    using link = linkAbortSignals(input.signal, this.#closing.signal);
    const body = { model: this.#model, input: input.texts, encoding_format: 'float' };
    const answer = await callWithRetries(async () => {
      const res = await postUpstream({ url: this.#embeddingsUrl, headers: this.#headers, body, signal: link.signal, timeoutMs: this.#timeoutMs });
      const text = await res.text();
      try {
        return JSON.parse(text) as EmbeddingsAnswer;
      } catch {
        throw malformed(this.#upstream, `the embeddings request answered with no JSON: ${text.slice(0, 200)}`);
      }
    }, this.#retrying(link.signal));
    const vectors: number[][] = [];
    for (const [i, item] of (answer.data ?? []).entries()) {
      const v = item.embedding;
      if (!Array.isArray(v) || v.length !== dimensions || !v.every((x) => typeof x === 'number')) {
        throw malformed(this.#upstream, `embedding ${i} is not ${dimensions} numbers (check embeddingDimensions in the config)`).error;
      }
      vectors[item.index ?? i] = v as number[];
    }
    if (vectors.length !== input.texts.length || vectors.includes(undefined as unknown as number[])) {
      throw malformed(this.#upstream, `asked for ${input.texts.length} embeddings, got ${answer.data?.length ?? 0}`).error;
    }
    const total = answer.usage?.prompt_tokens ?? 0;
    return { vectors, tokens: input.texts.map((_, i) => (i === 0 ? total : 0)) };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    if (this.#closing.signal.aborted) throw Errors.modelUnavailable(this.label, 'the engine was disposed');
    using link = linkAbortSignals(input.signal, this.#closing.signal);
    const signal = link.signal;
    const promptTokens = await this.#countPrompt({ messages: input.messages, tools: input.tools }, signal);
    if (signal.aborted) throw signal.reason;
    yield { type: 'prompt', promptTokens };
    for (let c = 0; c < input.candidateCount; c++) {
      yield* streamWithRetries(() => this.#candidate(input, c, signal), this.#retrying(signal));
    }
  }

  async *#candidate(input: GenerateInput, c: number, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    const res = await postUpstream({
      url: this.#url, headers: this.#headers, body: convertToChatRequest(input, this.#model, c), signal, timeoutMs: this.#timeoutMs,
    });
    const mapper = new ChatChunkMapper({
      upstream: this.#upstream, candidate: c, thinking: input.thinking !== undefined,
      ...(input.logprobs ? { logprobsTop: input.logprobs.top } : {}),
      unquote: input.responseFormat?.type === 'enum',
    });
    let done = false;
    try {
      for await (const data of res.sseData()) {
        if (data.trim() === '[DONE]') { done = true; break; }
        for (const ev of mapper.map(data)) {
          if (signal.aborted) throw signal.reason;
          yield ev;
        }
      }
    } finally {
      res.close();
    }
    // Some servers end without `[DONE]`; a stream that ends before saying why the candidate ended was cut.
    if (!done && !mapper.finished) throw new UpstreamConnectionError('the stream ended before its finish_reason');
    yield* mapper.end();
  }

  async dispose(): Promise<void> {
    this.#closing.abort(Errors.modelUnavailable(this.label, 'the engine was disposed'));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
