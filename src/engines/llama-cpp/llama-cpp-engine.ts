import { basename } from 'node:path';
import { LlamaChat, type ChatWrapper, type LlamaContext } from 'node-llama-cpp';
import type {
  CountTokensInput, EmbedInput, EmbedResult, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../core/engine.js';
import { Errors, toGemserveError } from '../../core/errors.js';
import { Scheduler, type SchedulerStats } from '../../core/scheduler.js';
import { chooseThreadCount, decodeSpeedProbe, type ThreadSetting } from './choose-thread-count.js';
import { convertToChatHistory } from './convert-to-chat-history.js';
import { createResponseGrammar } from './create-response-grammar.js';
import { createLlamaEmbedder, type LlamaEmbedder } from './embed-texts.js';
import { generateCandidate } from './generate-candidate.js';
import { generateWithLogprobs } from './generate-with-logprobs.js';
import { checkLogprobsInput } from './check-logprobs-input.js';
import { linkAbortSignals } from '../shared/link-abort-signals.js';
import { loadLlamaModel, type LoadedLlamaModel } from './load-llama-model.js';
import { ForcibleChatWrapper, toChatModelFunctions } from './function-calling.js';
import { maxGeneratedTokens, maxPromptTokens, promptTooLong, renderPromptTokens, type PromptFunctions } from './render-prompt.js';
import { resolveChatWrapperFor } from './resolve-chat-wrapper.js';
import { prefillThinkingReply } from './prefill-thinking-reply.js';
import { hasThoughtFormat, prepareThinkingChatWrapper } from './thinking-chat-wrapper.js';

/** Settings of the embedded llama.cpp engine. */
export interface LlamaCppEngineOptions {
  /** Path of the GGUF file. */
  modelPath: string;
  /** Context window per sequence, in tokens (prompt + output). Default: min(train context, 4096). */
  contextSize?: number;
  /** Sequences evaluated side by side in one context = requests served at once. Default 4. */
  parallel?: number;
  /** Requests that may wait for a sequence; more are refused with 503. Default 64. */
  maxQueue?: number;
  /** Evaluation threads; 'auto' (default) picks what is fastest here, see choose-thread-count.ts. */
  threads?: ThreadSetting;
  /** Tokens per llama.cpp batch; node-llama-cpp's default when unset. */
  batchSize?: number;
  /** Label of the weights; default the file name. */
  label?: string;
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
    let context: LlamaContext;
    try {
      context = await loaded.model.createContext({ contextSize, sequences: parallel, threads, batchSize: opts.batchSize });
    } catch (e) {
      const why = `cannot create a context of ${contextSize} tokens x ${parallel} sequences: ${e instanceof Error ? e.message : e}`;
      throw Errors.modelUnavailable(label, why);
    }
    const embedder = createLlamaEmbedder(loaded.model, { label, contextSize, threads });
    return new LlamaCppEngine({ label, loaded, context, threads, maxQueue: opts.maxQueue ?? DEFAULT_MAX_QUEUE, embedder });
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
  /** Aborted by dispose: stops every generation in flight. */
  readonly #closing = new AbortController();
  readonly #inFlight = new Set<Promise<void>>();
  #disposed: Promise<void> | undefined;

  /** Use `createLlamaCppEngine`; this takes already-created llama.cpp resources and owns them. */
  constructor(parts: {
    label: string; loaded: LoadedLlamaModel; context: LlamaContext; threads: number; maxQueue: number; embedder?: LlamaEmbedder;
  }) {
    this.label = parts.label;
    this.threads = parts.threads;
    this.#loaded = parts.loaded;
    this.#context = parts.context;
    this.#chatWrapper = prepareThinkingChatWrapper(resolveChatWrapperFor(parts.loaded.model));
    this.chatWrapperName = this.#chatWrapper.wrapperName;
    const parallel = parts.context.totalSequences;
    this.capabilities = { maxCandidates: MAX_CANDIDATES, contextTokens: parts.context.contextSize, structuredOutput: true };
    this.capabilities.thinking = hasThoughtFormat(this.#chatWrapper);
    this.capabilities.logprobs = true; // generate-with-logprobs.ts
    this.#scheduler = new Scheduler({ slots: parallel, maxQueue: parts.maxQueue });
    this.capabilities.functionCalling = true; // function-calling.ts
    this.#embedder = parts.embedder;
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

  async countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    this.#assertOpen();
    const thinking = input.tools?.mode === 'any' ? undefined : input.thinking;
    const { promptHistory } = prefillThinkingReply(this.#chatWrapper, convertToChatHistory(input.messages), thinking);
    const functions = input.tools && { functions: toChatModelFunctions(input.tools), forced: input.tools.mode === 'any' };
    return { total: this.#promptTokens(promptHistory, functions) };
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
      if (!Number.isInteger(input.candidateCount) || input.candidateCount < 1 || input.candidateCount > MAX_CANDIDATES) {
        throw Errors.invalidArgument(`candidateCount must be between 1 and ${MAX_CANDIDATES}.`, 'generation_config.candidate_count');
      }
      checkLogprobsInput(input);
      // LlamaChat applies a grammar from the first generated token, thoughts included (an enum
      // became the thought, the answer was empty): constrained output is answered without thinking.
      // A forced call starts at the first generated token too, so mode ANY does not think either.
      const thinking = input.responseFormat || input.tools?.mode === 'any' ? undefined : input.thinking;
      if (input.responseFormat && input.tools) {
        throw Errors.invalidArgument('Structured output cannot be combined with function calling on this model.', 'tools');
      }
      const functions = input.tools && { functions: toChatModelFunctions(input.tools), forced: input.tools.mode === 'any' };
      const { history, promptHistory, budgets } = prefillThinkingReply(this.#chatWrapper, convertToChatHistory(input.messages), thinking);
      const promptTokens = this.#promptTokens(promptHistory, functions);
      const contextSize = this.capabilities.contextTokens;
      if (promptTokens > maxPromptTokens(contextSize)) throw promptTooLong(promptTokens, contextSize);
      // Before taking a slot: a schema the grammar cannot enforce is the client's 400.
      const grammar = input.responseFormat && await createResponseGrammar(this.#loaded.llama, input.responseFormat);
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
        for (let candidate = 0; candidate < input.candidateCount; candidate++) {
          if (input.signal.aborted) return;
          this.#assertOpen();
          if (maxTokens < 1) {
            // LlamaChat reads maxTokens 0 as "unlimited"; nothing may be generated, so say so.
            yield { type: 'finish', candidate, reason: 'max-tokens' };
            continue;
          }
          const track = (p: Promise<void>) => {
            this.#inFlight.add(p);
            void p.then(() => this.#inFlight.delete(p));
          };
          // Log probabilities: LlamaChat does not expose them, so a path of its own drives the sequence.
          const finished = input.logprobs
            ? yield* generateWithLogprobs({
              chat, history, candidate, sampling: input.sampling, maxTokens, grammar, top: input.logprobs.top, signal, track,
            })
            : yield* generateCandidate({
              chat, history, candidate, sampling: input.sampling, maxTokens, grammar, budgets, signal, track,
              ...(functions ? { functions: functions.functions } : {}),
            });
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

  /** Exact prompt tokens of this history as `stream` evaluates it. */
  #promptTokens(history: ReturnType<typeof convertToChatHistory>, functions?: PromptFunctions): number {
    return renderPromptTokens(this.#chatWrapper, this.#loaded.model.tokenizer, history, functions).length;
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
    })();
    return this.#disposed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
