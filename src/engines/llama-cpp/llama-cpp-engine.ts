import { basename } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { LlamaChat, type ChatWrapper, type LlamaContext, type LlamaText, type Token } from 'node-llama-cpp';
import type {
  ChatMessage, CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
  ToolOptions, WarmPrefixInput,
} from '../../core/engine.js';
import { Errors, toGemserveError } from '../../core/errors.js';
import type { ConfigValues } from '../../core/config-fields.js';
import { Scheduler, type SchedulerStats } from '../../core/scheduler.js';
import { batchInSequenceOrder } from './batch-in-sequence-order.js';
import { chooseThreadCount, decodeSpeedProbe } from './choose-thread-count.js';
import type { LLAMA_CPP_ENGINE_FIELDS } from './llama-cpp-engine-descriptor.js';
import { convertToChatHistory } from './convert-to-chat-history.js';
import { createResponseGrammar } from './create-response-grammar.js';
import { createLlamaEmbedder, embeddingPoolSize, type LlamaEmbedder } from './embed-texts.js';
import { generateCandidate } from './generate-candidate.js';
import { generateWithLogprobs } from './generate-with-logprobs.js';
import { checkLogprobsInput } from './check-logprobs-input.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { checkFunctionCalls, checkJsonAnswer, generateValidated, samplingForAttempt } from '../shared/generate-validated.js';
import { functionCallValidators } from '../shared/schema-validators.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { ForcibleChatWrapper, toChatModelFunctions } from './function-calling.js';
import { maxGeneratedTokens, maxPromptTokens, promptTextLength, promptTooLong, renderPromptText, type PromptFunctions } from './render-prompt.js';
import { OffThreadTokenizer } from './off-thread-tokenizer.js';
import { promptTokensAtLeast, readMaxTokenBytes } from './prompt-token-bound.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';
import { prefillThinkingReply } from './prefill-thinking-reply.js';
import { DEFAULT_MAX_PREFIX_STATES, PrefixStateStore } from './prefix-state-store.js';
import { renderPrefixTokens } from './render-prefix-tokens.js';
import { evaluatePrefix, restoreCachedPrefix } from './restore-cached-prefix.js';
import { hasThoughtFormat, prepareThinkingChatWrapper } from './thinking-chat-wrapper.js';

/**
 * Settings of the embedded llama.cpp engine: the fields of its descriptor (llama-cpp-engine-descriptor.ts:
 * `threads`, `parallel`, `contextSize`, `maxQueue`, with their help), the model as a path, and
 * settings only code sets. Used directly (tests, benchmarks), unset tuning falls back to the
 * engine's own defaults: auto threads (choose-thread-count.ts), {@link DEFAULT_PARALLEL}
 * sequences, min(train context, {@link DEFAULT_CONTEXT_SIZE}), {@link DEFAULT_MAX_QUEUE}.
 */
export interface LlamaCppEngineOptions extends Omit<ConfigValues<typeof LLAMA_CPP_ENGINE_FIELDS>, 'model'> {
  /** Path of the GGUF file. */
  modelPath: string;
  /** Tokens per llama.cpp batch; node-llama-cpp's default when unset. */
  batchSize?: number;
  /** Label of the weights; default the file name. */
  label?: string;
  /**
   * Where the engine makes its own directory for cached prefixes' states (context caching; a
   * fresh directory, removed on dispose). Default: the OS temp dir.
   */
  prefixStateDir?: string;
  /** Cached prefixes' states kept at most, least recently used evicted. Default 16. */
  maxPrefixStates?: number;
  /** Total bytes of cached prefixes' state files kept at most, likewise. Default 8 GiB. */
  maxPrefixStateBytes?: number;
}

/**
 * Default context per sequence, capped by the model's train context: a long enough chat for
 * small local models without a 32k+ KV cache per sequence.
 */
export const DEFAULT_CONTEXT_SIZE = 4096;
/** Default sequences per context: enough to batch a few concurrent requests on a CPU. */
export const DEFAULT_PARALLEL = 4;
/** Default queue length: beyond this many waiting requests, answering 503 at once beats a long wait. */
export const DEFAULT_MAX_QUEUE = 64;
/** Gemini accepts candidateCount 1..8 (GenerationConfig docs); generated one after another. */
const MAX_CANDIDATES = 8;
/**
 * Prompts up to this many characters are tokenized on the event loop: llama.cpp takes about 4 ms
 * for them on the ~100M bench model's vocabulary and up to 12 ms on the tiny test model's (2 busy
 * cores), against about 3 ms for a round trip to the tokenizer process (off-thread-tokenizer.ts),
 * where longer ones go.
 */
export const MAIN_THREAD_PROMPT_CHARS = 16 * 1024;

/**
 * Joining and rendering megabytes of messages takes its own tenths of a second (a Jinja template's
 * render scans the whole text, about 0.3 s for 50 MB): not in the same turn of the event loop as
 * the request's reading and parsing.
 */
async function yieldIfLong(messages: readonly ChatMessage[]): Promise<void> {
  let chars = 0;
  for (const m of messages) for (const p of m.parts) if (p.type === 'text') chars += p.text.length;
  if (chars > MAIN_THREAD_PROMPT_CHARS) await setImmediate();
}

interface EngineSlot {
  chat: LlamaChat;
  /** The slot's view of the chat wrapper, switched to force a call for mode ANY. */
  wrapper: ForcibleChatWrapper;
}

/**
 * Loads a GGUF model and returns an engine serving it. Fails with `Errors.badModelFile` for a
 * missing / non-GGUF / truncated file, and `Errors.modelUnavailable` if no context fits.
 */
export async function createLlamaCppEngine(opts: LlamaCppEngineOptions): Promise<LlamaCppEngine> {
  const label = opts.label ?? basename(opts.modelPath);
  const loaded = await loadLlamaModel(opts.modelPath);
  try {
    const parallel = Math.max(1, Math.floor(opts.parallel ?? DEFAULT_PARALLEL));
    const threads = await chooseThreadCount(opts.threads ?? 'auto', loaded.llama.cpuMathCores, decodeSpeedProbe(loaded.model));
    const contextSize = opts.contextSize ?? Math.min(loaded.model.trainContextSize, DEFAULT_CONTEXT_SIZE);
    let context: LlamaContext | undefined;
    let engine: LlamaCppEngine | undefined;
    // Every generating sequence in each decode, in sequence order (batch-in-sequence-order.ts).
    const itemPrioritizationStrategy = batchInSequenceOrder(() => context, () => engine?.stats().busy ?? 0);
    try {
      context = await loaded.model.createContext({
        contextSize, sequences: parallel, threads, batchSize: opts.batchSize, batching: { itemPrioritizationStrategy },
      });
    } catch (e) {
      const why = `cannot create a context of ${contextSize} tokens x ${parallel} sequences: ${e instanceof Error ? e.message : e}`;
      throw Errors.modelUnavailable(label, why);
    }
    const embedder = createLlamaEmbedder(loaded.model, { label, contextSize, ...embeddingPoolSize(parallel, threads, loaded.llama.cpuMathCores) });
    let prefixStates: PrefixStateStore;
    try {
      prefixStates = await PrefixStateStore.open({
        parentDir: opts.prefixStateDir, maxStates: opts.maxPrefixStates ?? DEFAULT_MAX_PREFIX_STATES, maxBytes: opts.maxPrefixStateBytes,
      });
    } catch (e) {
      await embedder?.dispose();
      await context.dispose();
      throw e;
    }
    engine = new LlamaCppEngine({
      label, modelPath: opts.modelPath, loaded, context, threads, maxQueue: opts.maxQueue ?? DEFAULT_MAX_QUEUE, embedder, prefixStates,
    });
    return engine;
  } catch (e) {
    await loaded.dispose();
    throw e;
  }
}

/**
 * The embedded engine: one model, one llama.cpp context with `parallel` sequences, and a
 * `Scheduler` handing each request one sequence (a slot). A request's candidates run one
 * after another on its slot; LlamaChat reuses the prompt already in the sequence and erases
 * the previous candidate's tokens, and each candidate gets a fresh sampler (seed + index).
 * Create it with `createLlamaCppEngine`.
 */
export class LlamaCppEngine implements Engine {
  readonly kind = 'llama-cpp';
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  /** Threads each evaluation uses (the outcome of the `threads` option). */
  readonly threads: number;
  /** The chat wrapper in use, e.g. `PlainText`, `ChatML`, `JinjaTemplate`. */
  readonly chatWrapperName: string;
  readonly #loaded: LoadedLlamaModel;
  readonly #context: LlamaContext;
  readonly #chatWrapper: ChatWrapper;
  readonly #scheduler: Scheduler;
  readonly #slots: EngineSlot[];
  /** Embeddings (embed-texts.ts), only for a GGUF that declares a pooling type. */
  readonly #embedder: LlamaEmbedder | undefined;
  /** Saved states of cached prefixes (context caching), see prefix-state-store.ts. */
  readonly #prefixStates: PrefixStateStore;
  /** Tokenizes long prompts in child processes, so they never hold the event loop. */
  readonly #tokenizer: OffThreadTokenizer;
  /** The most input bytes one token stands for (prompt-token-bound.ts); undefined: no bound, every prompt is tokenized. */
  readonly #maxTokenBytes: number | undefined;
  /** Aborted by dispose: stops every generation in flight. */
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #disposed: Promise<void> | undefined;

  /** Use `createLlamaCppEngine`; this takes already-created llama.cpp resources and owns them. */
  constructor(parts: {
    label: string; modelPath: string; loaded: LoadedLlamaModel; context: LlamaContext; threads: number; maxQueue: number;
    embedder?: LlamaEmbedder; prefixStates: PrefixStateStore;
  }) {
    this.label = parts.label;
    this.threads = parts.threads;
    this.#loaded = parts.loaded;
    this.#context = parts.context;
    this.#chatWrapper = prepareThinkingChatWrapper(resolveChatWrapperFor(parts.loaded.model));
    this.chatWrapperName = this.#chatWrapper.wrapperName;
    const parallel = parts.context.totalSequences;
    this.capabilities = {
      maxCandidates: MAX_CANDIDATES, contextTokens: parts.context.contextSize,
      maxPromptTokens: maxPromptTokens(parts.context.contextSize), structuredOutput: true,
    };
    this.capabilities.thinking = hasThoughtFormat(this.#chatWrapper);
    this.capabilities.logprobs = true; // generate-with-logprobs.ts
    this.#scheduler = new Scheduler({ slots: parallel, maxQueue: parts.maxQueue });
    this.capabilities.functionCalling = true; // function-calling.ts
    this.#embedder = parts.embedder;
    this.#prefixStates = parts.prefixStates;
    this.#tokenizer = new OffThreadTokenizer(parts.modelPath, () => Errors.modelUnavailable(this.label, 'the engine has been shut down'));
    this.#maxTokenBytes = readMaxTokenBytes(parts.loaded.model);
    if (this.#embedder) this.capabilities.embeddings = { dimensions: this.#embedder.dimensions };
    this.#slots = Array.from({ length: parallel }, () => {
      const wrapper = new ForcibleChatWrapper(this.#chatWrapper);
      return { wrapper, chat: new LlamaChat({ contextSequence: parts.context.getSequence(), chatWrapper: wrapper.wrapper }) };
    });
  }

  /** Slot and queue occupancy, for metrics. */
  stats(): SchedulerStats {
    return this.#scheduler.stats();
  }

  /**
   * Tokens the slots' sequences have evaluated since the engine started (llama.cpp's own count,
   * node-llama-cpp's `tokenMeter`): `input` is prompt evaluation, so a prefix reused from the
   * cache shows as input tokens not spent.
   */
  evaluatedTokens(): { input: number; output: number } {
    let input = 0;
    let output = 0;
    for (const { chat } of this.#slots) {
      input += chat.sequence.tokenMeter.usedInputTokens;
      output += chat.sequence.tokenMeter.usedOutputTokens;
    }
    return { input, output };
  }

  /** The directory holding cached prefixes' states, their files and total size (for diagnostics and tests). */
  prefixStates(): { dir: string; files: string[]; bytes: number } {
    return { dir: this.#prefixStates.dir, files: this.#prefixStates.files(), bytes: this.#prefixStates.bytes };
  }

  /**
   * Context caching: evaluates the prefix on a slot (queued like a request, so it never shares
   * a sequence with a generation) and saves the sequence's state under `id`; see
   * restore-cached-prefix.ts for how requests reuse it.
   */
  async warmCachedPrefix(input: WarmPrefixInput): Promise<void> {
    const warming = this.#warm(input);
    this.#track(warming.then(() => undefined, () => undefined));
    try {
      await warming;
    } catch (e) {
      throw toGemserveError(e);
    }
  }

  async #warm(input: WarmPrefixInput): Promise<void> {
    this.#assertOpen();
    await yieldIfLong(input.messages);
    const functions = input.tools && { functions: toChatModelFunctions(input.tools), forced: false };
    await this.#assertMayFit(renderPromptText(this.#chatWrapper, convertToChatHistory(input.messages), functions));
    const tokens = await this.#prefixTokens(input.messages, input.tools, input.signal);
    this.#assertFits(tokens.length);
    if (tokens.length === 0) return;
    let slot;
    try {
      slot = await this.#scheduler.acquire(input.signal);
    } catch (e) {
      this.#assertOpen();
      throw e;
    }
    using linked = linkAbortSignals(input.signal, this.#closing.signal);
    try {
      const { sequence } = this.#slots[slot.index].chat;
      if (!(await evaluatePrefix(sequence, tokens, linked.signal))) {
        this.#assertOpen();
        throw input.signal.reason;
      }
      await this.#prefixStates.save(input.id, sequence);
    } finally {
      slot.release();
    }
  }

  /** Forgets what was kept for the cached content `id` (its state file is deleted). */
  async releaseCachedPrefix(id: string): Promise<void> {
    if (this.#disposed) return;
    await this.#prefixStates.release(id);
  }

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    this.#assertOpen();
    await yieldIfLong(input.messages);
    const thinking = input.tools?.mode === 'any' ? undefined : input.thinking;
    const { promptHistory } = prefillThinkingReply(this.#chatWrapper, convertToChatHistory(input.messages), thinking);
    const functions = input.tools && { functions: toChatModelFunctions(input.tools), forced: input.tools.mode === 'any' };
    const text = renderPromptText(this.#chatWrapper, promptHistory, functions);
    if (input.forGeneration) await this.#assertMayFit(text);
    const total = await this.#count(text, input.signal);
    if (input.forGeneration) this.#assertFits(total);
    return { total };
  }

  /** Embeddings, when the model is an embedding model (`capabilities.embeddings`); see embed-texts.ts. */
  async embed(input: EmbedInput): Promise<EmbedResult> {
    this.#assertOpen();
    if (!this.#embedder) throw Errors.capabilityUnsupported(this.label, 'Embeddings');
    return this.#embedder.embed({ texts: input.texts, signal: input.signal });
  }

  stream(input: GenerateInput): AsyncIterable<GenerateEvent> {
    return this.#stream(input);
  }

  async *#stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    try {
      this.#assertOpen();
      checkLogprobsInput(input);
      // LlamaChat applies a grammar from the first generated token, thoughts included (an enum
      // became the thought, the answer was empty): constrained output is answered without thinking.
      // A forced call starts at the first generated token too, so mode ANY does not think either.
      const thinking = input.responseFormat || input.tools?.mode === 'any' ? undefined : input.thinking;
      if (input.responseFormat && input.tools) {
        throw Errors.invalidArgument('Structured output cannot be combined with function calling on this model.', 'tools');
      }
      const functions = input.tools && { functions: toChatModelFunctions(input.tools), forced: input.tools.mode === 'any' };
      await yieldIfLong(input.messages);
      const { history, promptHistory, budgets } = prefillThinkingReply(this.#chatWrapper, convertToChatHistory(input.messages), thinking);
      const text = renderPromptText(this.#chatWrapper, promptHistory, functions);
      await this.#assertMayFit(text);
      let tokens;
      try {
        tokens = await this.#tokenize(text, input.signal);
      } catch (e) {
        if (input.signal.aborted) return; // as when aborted waiting for a slot
        throw e;
      }
      this.#assertFits(tokens.length);
      const prompt = Array.from(tokens) as Token[];
      const promptTokens = prompt.length;
      const contextSize = this.capabilities.contextTokens;
      // The grammar of the response format; what it cannot enforce is validated after generation.
      const response = input.responseFormat && await createResponseGrammar(this.#loaded.llama, input.responseFormat);
      const grammar = response?.grammar;
      const callValidators = functionCallValidators(input.tools);
      const check = response?.validate ? checkJsonAnswer(response.validate) : callValidators.size ? checkFunctionCalls(callValidators) : undefined;
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
        yield { type: 'prompt', promptTokens };
        const maxTokens = Math.min(input.sampling.maxOutputTokens, maxGeneratedTokens(contextSize, promptTokens));
        const { signal } = linked;
        const { chat, wrapper } = this.#slots[slot.index];
        wrapper.forced = functions?.forced ?? false;
        const cached = input.cachedPrefix;
        if (cached) {
          // Tracked: dispose must not free the sequence while a state loads into it.
          const restoring = restoreCachedPrefix({
            sequence: chat.sequence, store: this.#prefixStates, id: cached.id, prompt, signal,
            prefixTokens: () => this.#prefixTokens(input.messages.slice(0, cached.messageCount), input.tools, signal),
          });
          this.#track(restoring.then(() => undefined, () => undefined));
          await restoring;
        }
        for (let candidate = 0; candidate < input.candidateCount; candidate++) {
          if (input.signal.aborted) return;
          this.#assertOpen();
          if (maxTokens < 1) {
            // LlamaChat reads maxTokens 0 as "unlimited"; nothing may be generated, so say so.
            yield { type: 'finish', candidate, reason: 'max-tokens' };
            continue;
          }
          const track = (p: Promise<void>) => this.#track(p);
          // Log probabilities: LlamaChat does not expose them, so a path of its own drives the sequence.
          const attempt = (n: number) => {
            const sampling = samplingForAttempt(input.sampling, n);
            return input.logprobs
              ? generateWithLogprobs({ chat, history, candidate, sampling, maxTokens, grammar, top: input.logprobs.top, signal, track })
              : generateCandidate({
                chat, history, candidate, sampling, maxTokens, grammar, budgets, signal, track,
                ...(functions ? { functions: functions.functions } : {}),
              });
          };
          // A keyword the grammar leaves unenforced: the candidate is checked and, if invalid, generated again.
          const finished = check ? yield* generateValidated({ attempt, check }) : yield* attempt(0);
          if (!finished) {
            // Stopped by dispose rather than by the client: tell the client why.
            if (!input.signal.aborted) this.#assertOpen();
            return;
          }
        }
      } finally {
        this.#slots[slot.index].wrapper.forced = false;
        slot.release();
      }
    } catch (e) {
      throw toGemserveError(e);
    }
  }

  /**
   * The prompt's tokens: on the event loop when short, else in the tokenizer's process. Either
   * way `text.tokenize` on this GGUF's vocabulary, so counts equal what LlamaChat evaluates.
   */
  async #tokenize(text: LlamaText, signal?: AbortSignal): Promise<ArrayLike<number>> {
    const chars = promptTextLength(text);
    if (chars <= MAIN_THREAD_PROMPT_CHARS) return text.tokenize(this.#loaded.model.tokenizer);
    // Sending megabytes to the tokenizer copies them (about 60 ms for 50 MB): not in the same turn
    // of the event loop as the request's parsing and rendering.
    await setImmediate();
    const tokens = await this.#tokenizer.tokenize(text, chars, signal);
    this.#assertOpen();
    return tokens;
  }

  /** How many tokens the prompt has, as {@link #tokenize} gives them (a count of megabytes comes back as a number). */
  async #count(text: LlamaText, signal?: AbortSignal): Promise<number> {
    const chars = promptTextLength(text);
    if (chars <= MAIN_THREAD_PROMPT_CHARS) return text.tokenize(this.#loaded.model.tokenizer).length;
    await setImmediate(); // as in #tokenize
    const count = await this.#tokenizer.count(text, chars, signal);
    this.#assertOpen();
    return count;
  }

  /**
   * Refuses at once, untokenized, a prompt that provably has more tokens than the context takes
   * (prompt-token-bound.ts): a 50 MB prompt is answered in milliseconds, not after a minute of
   * tokenizing. The count in the 400 is then that lower bound, which already exceeds the limit.
   */
  async #assertMayFit(text: LlamaText): Promise<void> {
    if (this.#maxTokenBytes === undefined) return;
    const max = maxPromptTokens(this.capabilities.contextTokens);
    // No more characters than the limit has tokens: it may fit, whatever its tokens.
    if (promptTextLength(text) <= max) return;
    const atLeast = await promptTokensAtLeast(text, this.#maxTokenBytes);
    this.#assertOpen();
    if (atLeast > max) throw promptTooLong(atLeast, this.capabilities.contextTokens);
  }

  #assertFits(promptTokens: number): void {
    if (promptTokens > maxPromptTokens(this.capabilities.contextTokens)) throw promptTooLong(promptTokens, this.capabilities.contextTokens);
  }

  /** The tokens every prompt starting with these messages (and offering these tools) shares. */
  async #prefixTokens(messages: WarmPrefixInput['messages'], tools: ToolOptions | undefined, signal: AbortSignal): Promise<Token[]> {
    const functions = tools && { functions: toChatModelFunctions(tools), forced: false };
    const tokenize = async (text: LlamaText) => Array.from(await this.#tokenize(text, signal)) as Token[];
    return renderPrefixTokens(this.#chatWrapper, tokenize, convertToChatHistory(messages), functions);
  }

  /** Dispose waits for `p` before freeing the sequences. */
  #track(p: Promise<void>): void {
    this.#inFlight.add(p);
    void p.then(() => this.#inFlight.delete(p));
  }

  #assertOpen(): void {
    if (this.#disposed) throw Errors.modelUnavailable(this.label, 'the engine has been shut down');
  }

  /** Stops generations in flight, waits for them, then frees the context and the model. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#scheduler.dispose();
      this.#closing.abort(Errors.modelUnavailable(this.label, 'the engine is shutting down'));
      await Promise.allSettled([...this.#inFlight]);
      for (const s of this.#slots) s.chat.dispose({ disposeSequence: true });
      await this.#embedder?.dispose();
      await this.#context.dispose();
      await this.#loaded.dispose();
      await this.#prefixStates.dispose();
      await this.#tokenizer.dispose();
    })();
    return this.#disposed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
