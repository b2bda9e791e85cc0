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
 *   retried only until its first chunk arrived, so nothing is ever sent twice. A 4xx about the
 *   upstream's own limits (its samplers, grammar, template) is a system error (map-openai-error.ts).
 * - Function-calling mode ANY always answers with calls of offered functions
 *   (collect-calls-only.ts), however the upstream treats `tool_choice: "required"`: the engine
 *   climbs a ladder of ways to ask (mode-any-ladder.ts: native, then the prompted tool format
 *   under `response_format`, then under llama.cpp's `grammar`), bounded by the config's
 *   `toolChoice`, and stays where an answer came. So an upstream that honours `required` keeps
 *   its model's own tool format (what it was trained on), and one that does not costs one
 *   wasted answer per step, once per engine. A mode-ANY candidate is held until it ends (calls
 *   are whole anyway; only thoughts lose their streaming), and the `prompt` event waits for the
 *   first candidate, so a step up happens before anything went out and the prompt count is of
 *   the prompt that answered. An answer without a call at the top of the ladder is never passed
 *   on as text: it fails with UPSTREAM_LIMITATION (500, system), as does a refusal there: the
 *   request was valid, the upstream could not serve it.
 */
import type { ConfigValues } from '../../core/config-fields.js';
import type {
  CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount, ToolOptions,
} from '../../core/engine.js';
import { Errors, isGemserveError, type GemserveError } from '../../core/errors.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../shared/circuit-breaker.js';
import { collectPromptedToolCalls } from '../shared/collect-prompted-tool-calls.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { callWithRetries, RetryPolicy, streamWithRetries, type RetryDeps, type RetryOptions } from '../shared/retry-policy.js';
import { postUpstream, UpstreamConnectionError } from '../shared/upstream-http.js';
import { collectCallsOnly } from './collect-calls-only.js';
import { convertToChatPrompt, convertToChatRequest, type ToolFormat } from './convert-to-chat-request.js';
import { ChatChunkMapper } from './map-chat-chunks.js';
import { ModeAnyLadder, type ModeAnyWay } from './mode-any-ladder.js';
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
type CountInput = Pick<CountTokensInput, 'messages' | 'tools'>;
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
  readonly #toolChoice: NonNullable<OpenAiCompatibleConfig['toolChoice']>;
  readonly #ladder: ModeAnyLadder;
  readonly #closing = new AbortController();

  constructor(opts: OpenAiCompatibleEngineOptions) {
    const base = opts.baseUrl.replace(/\/+$/, '');
    this.#url = `${base}/chat/completions`;
    this.#embeddingsUrl = `${base}/embeddings`;
    this.#model = opts.model;
    this.#headers = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_OPENAI_TIMEOUT_MS;
    this.#toolChoice = opts.toolChoice ?? 'auto';
    this.#ladder = new ModeAnyLadder(this.#toolChoice);
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

  /** How the next request with these tools asks for calls (see the module comment). */
  #toolFormat(tools: CountInput['tools']): ToolFormat {
    return tools?.mode === 'any' && tools.functions.length ? formatOf(this.#ladder.way) : 'native';
  }

  /** How a mode-ANY request is asked now (mode-any-ladder.ts). */
  get modeAnyWay(): ModeAnyWay {
    return this.#ladder.way;
  }

  async #countPrompt(input: CountInput, tools: ToolFormat, signal: AbortSignal): Promise<number> {
    // `tool_choice: auto` even for mode ANY: a one-token answer cannot be a call, and servers
    // that parse a `required` answer as calls would refuse it; the prompt is the same.
    const prompt = convertToChatPrompt(input, tools);
    const body = { model: this.#model, ...prompt, ...(prompt.tools ? { tool_choice: 'auto' } : {}), max_tokens: 1, stream: false };
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
    return { total: await this.#countPrompt(input, this.#toolFormat(input.tools), this.#closing.signal) };
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
    let promptTokens = await this.#countPrompt(input, this.#toolFormat(input.tools), signal);
    if (signal.aborted) throw signal.reason;
    const any = input.tools?.mode === 'any' && input.tools.functions.length ? input.tools : undefined;
    if (!any) {
      yield { type: 'prompt', promptTokens };
      for (let c = 0; c < input.candidateCount; c++) {
        yield* streamWithRetries(() => this.#candidate(input, c, 'native', signal), this.#retrying(signal));
      }
      return;
    }
    const offered = new Set(any.functions.map((f) => f.name));
    let announced = false;
    for (let c = 0; c < input.candidateCount; c++) {
      let way = this.#ladder.way;
      let events: GenerateEvent[] | undefined;
      for (;;) {
        let refusal: GemserveError | undefined;
        try {
          events = await this.#calls(input, c, way, offered, signal);
        } catch (e) {
          if (!isGemserveError(e) || e.code !== 'UPSTREAM_LIMITATION') throw e;
          refusal = e;
        }
        if (events) break;
        const next = this.#ladder.climb(way);
        if (!next) throw refusal ?? this.#noCall(way);
        if (!announced && formatOf(next) !== formatOf(way)) promptTokens = await this.#countPrompt(input, formatOf(next), signal);
        way = next;
      }
      if (signal.aborted) throw signal.reason;
      if (!announced) yield { type: 'prompt', promptTokens };
      announced = true;
      yield* events;
    }
  }

  /** One mode-ANY candidate asked `way`, held until it ends: its calls, or undefined when it made none (collect-calls-only.ts). */
  #calls(input: GenerateInput, c: number, way: ModeAnyWay, offered: ReadonlySet<string>, signal: AbortSignal): Promise<GenerateEvent[] | undefined> {
    const attempt = () => (way === 'native' ? this.#candidate(input, c, way, signal) : collectPromptedToolCalls(this.#candidate(input, c, way, signal)));
    return collectCallsOnly(streamWithRetries(attempt, this.#retrying(signal)), offered);
  }

  #noCall(way: ModeAnyWay): GemserveError {
    const how = way === 'native'
      ? `tool_choice was "required"${this.#toolChoice === 'native' ? ' (the engine\'s toolChoice "auto" or "prompted" asks in a format the upstream is held to)' : ''}`
      : `its reply was constrained to one (${way === 'grammar' ? 'grammar' : 'response_format json_schema'})`;
    return Errors.upstreamLimitation(this.#upstream, `it answered a function-calling mode ANY request without a call of an offered function, although ${how}`);
  }

  async *#candidate(input: GenerateInput, c: number, way: ModeAnyWay, signal: AbortSignal): AsyncGenerator<GenerateEvent> {
    const tools = formatOf(way);
    const constraint = way === 'grammar' ? await promptedGrammar(input.tools!) : undefined;
    const res = await postUpstream({
      url: this.#url, headers: this.#headers, body: convertToChatRequest(input, this.#model, c, tools, constraint), signal, timeoutMs: this.#timeoutMs,
    });
    const mapper = new ChatChunkMapper({
      upstream: this.#upstream, candidate: c, thinking: input.thinking !== undefined,
      ...(input.logprobs ? { logprobsTop: input.logprobs.top } : {}),
      unquote: tools === 'native' && input.responseFormat?.type === 'enum',
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

/** The prompt format of a way of asking. */
function formatOf(way: ModeAnyWay): ToolFormat {
  return way === 'native' ? 'native' : 'prompted';
}

/**
 * llama.cpp's `grammar` for a reply in the prompted tool format: the GBNF the llama-server
 * engine sends for it (../llama-server/prompted-tool-format.ts), so both engines constrain
 * calls alike. Loaded only when an upstream needs it, with the JSON Schema → GBNF writer behind it.
 */
async function promptedGrammar(tools: ToolOptions): Promise<Record<string, unknown>> {
  const { promptedToolsGrammar } = await import('../llama-server/prompted-tool-format.js');
  return promptedToolsGrammar(tools);
}
