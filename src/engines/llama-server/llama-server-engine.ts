/**
 * The llama-server engine: llama.cpp's own HTTP server run as a managed child process on
 * loopback, for what node-llama-cpp 3.x cannot do in-process (images and audio through a
 * multimodal projector). One child per engine; the shared `Scheduler` in front gives each
 * request one of its `--parallel` slots (pinned with `id_slot`), so the queue bound and the
 * 503 OVERLOADED answer behave as in the embedded engine.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename, join } from 'node:path';
import type { ConfigValues } from '../../core/config-fields.js';
import type {
  ChatMessage, CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';
import { Errors, isGemserveError, toGemserveError, type GemserveError } from '../../core/errors.js';
import { Scheduler, type SchedulerStats } from '../../core/scheduler.js';
import { checkGgufFile } from '../shared/check-gguf-file.js';
import { isUpstreamLimitation } from '../shared/is-upstream-limitation.js';
import { checkFunctionCalls, checkJsonAnswer, generateValidated, samplingForAttempt } from '../shared/generate-validated.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { functionCallValidators, responseFormatValidator } from '../shared/schema-validators.js';
import { promptTooLong } from '../shared/prompt-too-long.js';
import {
  closedThoughtRequestFields, decodingRequestFields, promptRequestFields, THOUGHT_OPENING, type ChatFeatures,
} from './chat-request-fields.js';
import { collectPromptedToolCalls } from '../shared/collect-prompted-tool-calls.js';
import { convertToOpenAiMessages } from './convert-to-openai-messages.js';
import { keepCallsOnly } from './keep-calls-only.js';
import { countPromptTokens, type TokenCountingApi } from './count-prompt-tokens.js';
import { findLlamaServerBinary, LlamaServerBinaryNotFound } from './find-llama-server-binary.js';
import { llamaServerArgs } from './llama-server-args.js';
import type { LLAMA_SERVER_ENGINE_FIELDS } from './llama-server-engine-descriptor.js';
import { LlamaServerClient, LlamaServerConnectionError, LlamaServerHttpError } from './llama-server-client.js';
import { LlamaServerSupervisor, LlamaServerUnavailable, type RestartPolicy, type SupervisorEvent } from './llama-server-supervisor.js';
import { mapResponseFormat } from './map-response-format.js';
import { nativeToolsNeedValidation } from './native-tools-need-validation.js';
import { mapSamplingOptions } from './map-sampling-options.js';
import { PLAIN_TEXT_CHAT_TEMPLATE } from './plain-text-chat-template.js';
import { readChatTraits, type ChatTemplateProps, type ChatTraits } from './read-chat-traits.js';
import { readModelFacts } from './read-model-facts.js';
import { describeExit, LlamaServerStartError } from './start-llama-server.js';
import { streamCandidate, type CandidateOutcome } from './stream-candidate.js';

/**
 * Settings of the llama-server engine: the fields of its descriptor (llama-server-engine-descriptor.ts:
 * `binary`, `cacheDir`, `threads`, `parallel`, `contextSize`, `maxQueue`, with their help), the
 * files as paths, and settings only code sets. The binary defaults to `llama-server` on PATH,
 * else the build cached in `cacheDir` (the `engineCacheDir` setting; unset: not searched). Used
 * directly, unset tuning falls back to the engine's own defaults: {@link DEFAULT_PARALLEL}
 * slots of min(trained context, {@link DEFAULT_CONTEXT_SIZE}), llama-server's own thread
 * count, {@link DEFAULT_MAX_QUEUE}.
 */
export interface LlamaServerEngineOptions extends Omit<ConfigValues<typeof LLAMA_SERVER_ENGINE_FIELDS>, 'model' | 'mmproj'> {
  /** The GGUF text model. */
  modelPath: string;
  /** A multimodal projector GGUF (`--mmproj`); with it the engine takes images (and audio, if the projector hears). */
  mmprojPath?: string;
  /** A fixed loopback port; default a free one, new on each (re)start. */
  port?: number;
  /** Label of the weights; default the model's file name. */
  label?: string;
  /** How long loading may take. Default 120 s. */
  startTimeoutMs?: number;
  /** Restart policy after crashes; default 5 crashes a minute give up, backoff from 0.25 s. */
  restart?: RestartPolicy;
  /** Every line llama-server prints (default: kept only for error messages). */
  onLog?: (line: string) => void;
  /** Crashes, restarts and giving up; default: one line each on stderr. */
  onEvent?: (event: SupervisorEvent) => void;
}

/** Default slots, as the embedded engine's default parallel sequences. */
export const DEFAULT_PARALLEL = 4;
/** Default context per slot, capped by the model's trained context, as the embedded engine. */
export const DEFAULT_CONTEXT_SIZE = 4096;
/** Default queue length, as the embedded engine. */
export const DEFAULT_MAX_QUEUE = 64;
/** Loading a multi-GB model from a cold disk can take a while; a tiny one takes a second. */
export const DEFAULT_START_TIMEOUT_MS = 120_000;
/** Gemini accepts candidateCount 1..8 (GenerationConfig docs); generated one after another. */
const MAX_CANDIDATES = 8;
/** llama-server's words for media it cannot decode (mtmd-helper / server-common.cpp). */
const MEDIA_REJECTED = /failed to load image or audio|failed to decode (image|audio)/i;
/** How long a failed count waits for the child's exit to be seen before trying again. */
const RECONNECT_WAIT_MS = 1_000;
/** How long dispose lets streams in flight notice the shutdown before the child is stopped. */
const DISPOSE_GRACE_MS = 2_000;

/** The parts of `GET /props` the engine reads (tools/server/README.md, "GET /props"). */
interface ServerProps extends ChatTemplateProps {
  default_generation_settings?: { n_ctx?: number };
  total_slots?: number;
  modalities?: { vision?: boolean; audio?: boolean };
}

/** The default `onEvent`: a crash of the child is worth a line in the server's log. */
function logEvent(label: string, e: SupervisorEvent): void {
  const line = e.type === 'crashed' ? `llama-server for ${label} stopped unexpectedly (${describeExit(e.exit)}); restarting it`
    : e.type === 'restarted' ? `llama-server for ${label} restarted (pid ${e.pid}, restart ${e.restarts})`
    : `llama-server for ${label}: ${e.reason}`;
  process.stderr.write(`[gemserve] ${line}\n`);
}

/**
 * Starts llama-server on the model (and projector) and returns the engine once it answers.
 * Fails with `Errors.badModelFile` for a missing or broken GGUF, and `Errors.modelUnavailable`
 * when no llama-server binary is found (the message says to run `gemserve engine build`) or the
 * child does not start (the message carries its last output).
 */
export async function createLlamaServerEngine(opts: LlamaServerEngineOptions): Promise<LlamaServerEngine> {
  const label = opts.label ?? basename(opts.modelPath);
  for (const file of [opts.modelPath, opts.mmprojPath]) {
    const problem = file === undefined ? undefined : await checkGgufFile(file);
    if (problem) throw problem;
  }
  let binary: string;
  try {
    binary = (await findLlamaServerBinary({ binary: opts.binary, cacheDir: opts.cacheDir })).path;
  } catch (e) {
    if (e instanceof LlamaServerBinaryNotFound) throw Errors.modelUnavailable(label, e.message);
    throw e;
  }
  const facts = await readModelFacts(opts.modelPath);
  const parallel = Math.max(1, Math.floor(opts.parallel ?? DEFAULT_PARALLEL));
  const contextSize = opts.contextSize ?? Math.min(facts.trainContextSize ?? DEFAULT_CONTEXT_SIZE, DEFAULT_CONTEXT_SIZE);
  let tempDir: string | undefined;
  let supervisor: LlamaServerSupervisor | undefined;
  try {
    let chatTemplateFile: string | undefined;
    const overrideKv: string[] = [];
    if (!facts.hasChatTemplate) {
      tempDir = await mkdtemp(join(tmpdir(), 'gemserve-llama-server-'));
      chatTemplateFile = join(tempDir, 'plain-text.jinja');
      await writeFile(chatTemplateFile, PLAIN_TEXT_CHAT_TEMPLATE);
      // llama2.c-trained base models end a story by starting the next document with BOS; the
      // embedded engine stops there (plain-text-chat-wrapper.ts). llama-server stops only at
      // end-of-generation tokens, so BOS becomes the end-of-turn token when there is none.
      if (facts.bosTokenId !== undefined && !facts.hasEotToken) overrideKv.push(`tokenizer.ggml.eot_token_id=int:${facts.bosTokenId}`);
    }
    const threads = opts.threads === undefined || opts.threads === 'auto' ? undefined : Math.max(1, Math.floor(opts.threads));
    const start = (repack: boolean) => LlamaServerSupervisor.start({
      binary,
      args: llamaServerArgs({
        modelPath: opts.modelPath, mmprojPath: opts.mmprojPath, contextSize, parallel, threads, chatTemplateFile, overrideKv, repack,
      }),
      port: opts.port, startTimeoutMs: opts.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
      restart: opts.restart, onOutput: opts.onLog, onEvent: opts.onEvent ?? ((e) => logEvent(label, e)),
    });
    let repack = true;
    try {
      try {
        supervisor = await start(true);
      } catch (e) {
        // A GGML_NATIVE build on a CPU that advertises AMX without running tile instructions
        // (seen in this project's VMs) repacks Q8_0 weights into the AMX buffer type and dies
        // in the load-time warm-up: of SIGILL on some hosts, of SIGSEGV on others (a VM that
        // advertises amx_tile but never grants the tile state). Without repacking the weights
        // stay in plain CPU buffers, which work everywhere; say so in the log rather than fail.
        const died = e instanceof LlamaServerStartError ? /SIGILL|SIGSEGV/.exec(e.message)?.[0] : undefined;
        if (!died) throw e;
        process.stderr.write(`[gemserve] llama-server for ${label} died of ${died} while loading; starting it again with --no-repack\n`);
        repack = false;
        supervisor = await start(false);
      }
    } catch (e) {
      if (e instanceof LlamaServerStartError) throw Errors.modelUnavailable(label, e.message);
      throw e;
    }
    const child = await supervisor.ready();
    const probe = new LlamaServerClient(child.baseUrl);
    let props: ServerProps;
    let traits: ChatTraits;
    try {
      props = await probe.getJson<ServerProps>('/props');
      traits = await readChatTraits(probe, props);
    } finally {
      probe.close();
    }
    const inputModalities: Array<'IMAGE' | 'AUDIO'> = [];
    if (opts.mmprojPath && props.modalities?.vision) inputModalities.push('IMAGE');
    if (opts.mmprojPath && props.modalities?.audio) inputModalities.push('AUDIO');
    return new LlamaServerEngine({
      label, binary, repack, supervisor, tempDir, traits,
      slotContext: props.default_generation_settings?.n_ctx ?? contextSize,
      parallel: props.total_slots ?? parallel,
      inputModalities,
      maxQueue: opts.maxQueue ?? DEFAULT_MAX_QUEUE,
    });
  } catch (e) {
    await supervisor?.dispose();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The engine. Per request: count the prompt exactly with llama-server (count-prompt-tokens.ts),
 * refuse it if it does not fit a slot, take a slot, then stream each candidate from
 * `/v1/chat/completions` (stream-candidate.ts), one after another with seed + i. If the
 * child crashes, requests in flight fail with a retryable MODEL_UNAVAILABLE (503) and the
 * supervisor restarts it; later requests wait for the restart. Create it with
 * `createLlamaServerEngine`.
 *
 * Tools, thinking and logprobs (chat-request-fields.ts decides the request fields):
 * - function calling through llama.cpp's own tool-call format when the template has one, else
 *   through the prompted JSON format with a grammar (prompted-tool-format.ts,
 *   ../shared/collect-prompted-tool-calls.ts); in mode `any` only the calls are kept (keep-calls-only.ts);
 *   never together with a response schema or with logprobs;
 * - thinking when the template can (read-chat-traits.ts); a numeric budget is
 *   `reasoning_budget_tokens`, and when llama-server does not close the thought in time the
 *   candidate is cut at the budget and continued with the thought closed (a second request
 *   on the same slot, `continue_final_message: 'content'`);
 * - logprobs from llama-server's per-token probabilities (map-logprobs.ts).
 */
export class LlamaServerEngine implements Engine {
  readonly kind = 'llama-server';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  /** The llama-server binary in use. */
  readonly binary: string;
  /** Whether llama.cpp repacks weights into its extra CPU buffer types (false after the SIGILL or SIGSEGV fallback). */
  readonly repack: boolean;
  readonly #supervisor: LlamaServerSupervisor;
  readonly #scheduler: Scheduler;
  readonly #tempDir: string | undefined;
  readonly #traits: ChatTraits;
  /** Aborted by dispose: stops every generation in flight. */
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #client: LlamaServerClient | undefined;
  #disposed: Promise<void> | undefined;

  /** Use `createLlamaServerEngine`; this takes a started supervisor and owns it. */
  constructor(parts: {
    label: string; binary: string; repack: boolean; supervisor: LlamaServerSupervisor; tempDir?: string; traits: ChatTraits;
    slotContext: number; parallel: number; inputModalities: Array<'IMAGE' | 'AUDIO'>; maxQueue: number;
  }) {
    this.label = parts.label;
    this.binary = parts.binary;
    this.repack = parts.repack;
    this.#supervisor = parts.supervisor;
    this.#tempDir = parts.tempDir;
    this.#traits = parts.traits;
    this.capabilities = {
      maxCandidates: MAX_CANDIDATES,
      contextTokens: parts.slotContext,
      maxPromptTokens: parts.slotContext - 1,
      ...(parts.inputModalities.length ? { inputModalities: parts.inputModalities } : {}),
      structuredOutput: true,
      functionCalling: true,
      thinking: parts.traits.thinking,
      logprobs: true,
    };
    this.#scheduler = new Scheduler({ slots: parts.parallel, maxQueue: parts.maxQueue });
  }

  /** What the model's chat template can do: its tool format and whether it thinks (read-chat-traits.ts). */
  get chatTraits(): ChatTraits {
    return this.#traits;
  }

  /** The pid of the running llama-server, or undefined while it (re)starts. */
  get pid(): number | undefined {
    return this.#supervisor.child?.pid;
  }

  /** `http://127.0.0.1:<port>` of the running llama-server, or undefined while it (re)starts. */
  get baseUrl(): string | undefined {
    return this.#supervisor.child?.baseUrl;
  }

  /** How many times llama-server has been restarted after a crash. */
  get restarts(): number {
    return this.#supervisor.restarts;
  }

  /** Slot and queue occupancy, for metrics. */
  stats(): SchedulerStats {
    return this.#scheduler.stats();
  }

  /**
   * The longest prompt a slot takes: llama-server ends a generation once the prompt plus the
   * tokens so far reach `n_ctx - 1` (server-context.cpp, "running out of context capacity"),
   * so a prompt of `n_ctx - 1` tokens still gets its one token.
   */
  get maxPromptTokens(): number {
    return this.capabilities.maxPromptTokens ?? this.capabilities.contextTokens - 1;
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    try {
      this.#assertOpen();
      return await this.#count(input.messages, undefined, {
        tools: input.tools?.functions.length ? input.tools : undefined,
        thinking: this.#traits.thinking ? input.thinking : undefined,
      });
    } catch (e) {
      throw this.#toError(e);
    }
  }

  stream(input: GenerateInput): AsyncIterable<GenerateEvent> {
    return this.#stream(input);
  }

  async *#stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    let done!: () => void;
    const tracked = new Promise<void>((r) => { done = r; });
    this.#inFlight.add(tracked);
    try {
      this.#assertOpen();
      const features: ChatFeatures = {
        tools: input.tools?.functions.length ? input.tools : undefined,
        thinking: this.#traits.thinking ? input.thinking : undefined,
        logprobs: input.logprobs,
      };
      if (features.tools && input.responseFormat) {
        throw Errors.invalidArgument('Function calling cannot be combined with a response schema or MIME type on this model.', 'tools');
      }
      // llama-server refuses logprobs for streamed tool calls (server-common.cpp), and a
      // prompted call's tokens are JSON the client never sees.
      if (features.tools && features.logprobs) {
        throw Errors.invalidArgument('Log probabilities (responseLogprobs) cannot be combined with function calling on this model.', 'generation_config.response_logprobs');
      }
      const constraint = { ...mapResponseFormat(input.responseFormat), ...decodingRequestFields(this.#traits, features) };
      const check = this.#outputCheck(input, features);
      const prompted = features.tools !== undefined && this.#traits.tools === 'prompted';
      const callsOnly = features.tools?.mode === 'any' && this.#traits.tools === 'native';
      const shape = (events: AsyncGenerator<GenerateEvent, CandidateOutcome>) =>
        prompted ? collectPromptedToolCalls(events) : callsOnly ? keepCallsOnly(events) : events;
      if (input.signal.aborted) return;
      let count: PromptTokenCount;
      try {
        count = await this.#count(input.messages, input.signal, features);
      } catch (e) {
        if (input.signal.aborted) return;
        throw e;
      }
      if (count.total > this.maxPromptTokens) throw promptTooLong(count.total, this.maxPromptTokens);
      let slot;
      try {
        slot = await this.#scheduler.acquire(input.signal, input.priority);
      } catch (e) {
        if (input.signal.aborted) return;
        this.#assertOpen(); // disposed while queued
        throw e;
      }
      using linked = linkAbortSignals(input.signal, this.#closing.signal);
      try {
        yield { type: 'prompt', promptTokens: count.total, ...(count.byModality ? { byModality: count.byModality } : {}) };
        // Generation ends when prompt + generated reaches n_ctx - 1 (see maxPromptTokens):
        // capping the budget there makes it end as 'max-tokens' with an exact count.
        const room = this.capabilities.contextTokens - count.total;
        const maxTokens = Math.min(input.sampling.maxOutputTokens, room);
        const prompt = promptRequestFields(convertToOpenAiMessages(input.messages, { tools: this.#traits.tools }), this.#traits, features);
        for (let candidate = 0; candidate < input.candidateCount; candidate++) {
          if (input.signal.aborted) return;
          this.#assertOpen();
          if (maxTokens < 1) {
            yield { type: 'finish', candidate, reason: 'max-tokens' };
            continue;
          }
          const client = await this.#clientFor(linked.signal);
          const budget = typeof features.thinking?.budget === 'number' ? Math.max(0, Math.floor(features.thinking.budget)) : undefined;
          const opened = prompt.continue_final_message === 'reasoning_content' ? THOUGHT_OPENING : '';
          const attempt = async function* (n: number): AsyncGenerator<GenerateEvent, CandidateOutcome> {
            const sampling = samplingForAttempt(input.sampling, n);
            const events = streamCandidate({
              client, candidate, signal: linked.signal, logprobsTop: features.logprobs?.top, thoughtBudget: budget, thoughtPrefill: opened,
              body: { ...prompt, id_slot: slot.index, cache_prompt: true, ...mapSamplingOptions(sampling, candidate, maxTokens), ...constraint },
            });
            const outcome = yield* shape(events);
            if (outcome.cutThought === undefined) return outcome;
            // llama-server did not close the thought at its budget: close it and continue the answer.
            const left = maxTokens - outcome.tokens;
            if (left < 1) {
              yield { type: 'finish', candidate, reason: 'max-tokens' };
              return { ...outcome, finished: true, cutThought: undefined };
            }
            const rest = streamCandidate({
              client, candidate, signal: linked.signal, logprobsTop: features.logprobs?.top,
              body: {
                ...closedThoughtRequestFields(prompt, opened + outcome.cutThought), id_slot: slot.index, cache_prompt: true,
                ...mapSamplingOptions(sampling, candidate, left), ...constraint, reasoning_budget_tokens: -1,
              },
            });
            return yield* shape(rest);
          };
          // A keyword the grammar leaves unenforced: the candidate is checked and, if invalid, generated again.
          const outcome = check ? yield* generateValidated({ attempt, check }) : yield* attempt(0);
          if (!outcome.finished) {
            // Stopped by dispose rather than by the client: tell the client why.
            if (!input.signal.aborted) this.#assertOpen();
            return;
          }
        }
      } finally {
        slot.release();
      }
    } catch (e) {
      if (input.signal.aborted && !isGemserveError(e)) return;
      throw this.#toError(e);
    } finally {
      this.#inFlight.delete(tracked);
      done();
    }
  }

  /** Exact prompt tokens of these messages (with these tools, thinking), as `/v1/chat/completions` evaluates them. */
  /**
   * How a finished candidate is checked when its grammar leaves something unenforced: a JSON
   * response against its schema; calls against their functions' schemas (prompted calls where
   * gemserve's grammar leaves a keyword; native calls, whose grammar llama-server builds
   * itself, where llama.cpp's converter may, native-tools-need-validation.ts). Undefined: the
   * grammar alone makes the output valid.
   */
  #outputCheck(input: GenerateInput, features: ChatFeatures): ((events: readonly GenerateEvent[]) => string | undefined) | undefined {
    const response = responseFormatValidator(input.responseFormat);
    if (response) return checkJsonAnswer(response);
    const validators = functionCallValidators(features.tools, this.#traits.tools === 'native' ? nativeToolsNeedValidation : undefined);
    return validators.size ? checkFunctionCalls(validators) : undefined;
  }

  async #count(messages: readonly ChatMessage[], signal?: AbortSignal, features: ChatFeatures = {}): Promise<PromptTokenCount> {
    const api: TokenCountingApi = {
      inputTokens: async (msgs, s) => {
        const client = await this.#clientFor(s);
        const fields = promptRequestFields(msgs, this.#traits, features);
        const res = await client.postJson<{ input_tokens: number }>('/v1/chat/completions/input_tokens', fields, s);
        return res.input_tokens;
      },
      textTokens: async (text, s) => {
        const client = await this.#clientFor(s);
        const res = await client.postJson<{ tokens: unknown[] }>('/tokenize', { content: text, add_special: false }, s);
        return res.tokens.length;
      },
    };
    const convert = { tools: this.#traits.tools };
    try {
      return await countPromptTokens(api, messages, signal, convert);
    } catch (e) {
      if (!(e instanceof LlamaServerConnectionError) || signal?.aborted) throw e;
      // The child died before the supervisor noticed: once its exit is seen, ready() waits
      // for the restart (or reports giving up), and counting has no side effects to repeat.
      const failed = this.#supervisor.child;
      if (failed) await Promise.race([failed.exited, sleep(RECONNECT_WAIT_MS)]);
      return countPromptTokens(api, messages, signal, convert);
    }
  }

  /** A client for the running child, waiting for a restart in progress. */
  async #clientFor(signal?: AbortSignal): Promise<LlamaServerClient> {
    const child = await this.#supervisor.ready(signal);
    if (this.#client?.baseUrl !== child.baseUrl) {
      this.#client?.close();
      this.#client = new LlamaServerClient(child.baseUrl);
    }
    return this.#client;
  }

  /** Maps what llama-server and the supervisor throw to the error catalog. */
  #toError(e: unknown): GemserveError {
    if (isGemserveError(e)) return e;
    if (e instanceof LlamaServerUnavailable) {
      return this.#disposed ? Errors.modelUnavailable(this.label, 'the engine has been shut down') : Errors.modelUnavailable(this.label, e.message);
    }
    if (e instanceof LlamaServerConnectionError) {
      return Errors.modelUnavailable(this.label, 'llama-server stopped while answering; it is being restarted, retry the request');
    }
    if (e instanceof LlamaServerHttpError) {
      // 400s are the request's fault (an image it cannot decode, a template refusing the
      // conversation) unless they name llama-server's own machinery (its samplers, grammar,
      // template: a system error); 503 is llama-server loading or busy; anything else is ours.
      if (e.status === 400 && isUpstreamLimitation(e.message)) return Errors.upstreamLimitation('llama-server', e.message);
      if (e.status === 400) return Errors.invalidArgument(`The model server refused the request: ${e.message}`);
      // Media it cannot decode is a runtime_error there, hence a 500 (server-common.cpp
      // `process_mtmd_prompt`), but it is the request's bytes that are bad.
      if (MEDIA_REJECTED.test(e.message)) return Errors.invalidArgument(`The model server cannot read an image or audio part: ${e.message}`);
      if (e.status === 503) return Errors.modelUnavailable(this.label, e.message);
    }
    return toGemserveError(e);
  }

  #assertOpen(): void {
    if (this.#disposed) throw Errors.modelUnavailable(this.label, 'the engine has been shut down');
  }

  /** Stops generations in flight, waits briefly for them, then stops llama-server. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#scheduler.dispose();
      this.#closing.abort(Errors.modelUnavailable(this.label, 'the engine is shutting down'));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.#inFlight]),
        new Promise((r) => { timer = setTimeout(r, DISPOSE_GRACE_MS); }),
      ]);
      clearTimeout(timer);
      this.#client?.close();
      await this.#supervisor.dispose();
      if (this.#tempDir) await rm(this.#tempDir, { recursive: true, force: true });
    })();
    return this.#disposed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
