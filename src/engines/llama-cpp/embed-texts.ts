import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import type { EmbedInput, EmbedResult } from '../../core/engine.js';
import { Errors, toGemserveError } from '../../core/errors.js';

/**
 * llama.cpp's `enum llama_pooling_type` (llama.h; node-llama-cpp's
 * `GgufMetadataArchitecturePoolingType`): NONE keeps one vector per token (a text model),
 * RANK yields a reranker's score; MEAN, CLS and LAST pool a sequence into one embedding.
 */
const POOLING_NONE = 0;
const POOLING_RANK = 4;

/** `<arch>.pooling_type` of a GGUF's metadata (as node-llama-cpp parses it), or undefined. */
export function declaredPoolingType(metadata: unknown): number | undefined {
  const m = metadata as Record<string, Record<string, unknown> | undefined> | undefined;
  const arch = m?.general?.architecture;
  if (typeof arch !== 'string') return undefined;
  const pooling = m?.[arch]?.pooling_type;
  return typeof pooling === 'number' ? pooling : undefined;
}

/** Whether a model with this pooling type produces one embedding per text. */
export function poolsEmbeddings(pooling: number | undefined): boolean {
  return pooling !== undefined && pooling !== POOLING_NONE && pooling !== POOLING_RANK;
}

/** Settings of the embedding contexts, taken from the engine's. */
export interface LlamaEmbedderOptions {
  /** Label of the weights, for errors. */
  label: string;
  /** Tokens one text may have; longer texts are truncated to it (capped by the train context). */
  contextSize: number;
  /** Threads of each context. */
  threads: number;
  /** Contexts evaluating texts at once (default 1); each is created when first needed. */
  contexts?: number;
}

/**
 * How many embedding contexts an engine keeps, and their threads: one per slot up to one per
 * core, the engine's threads shared out among them. node-llama-cpp reads a pooled embedding
 * from sequence 0 only (AddonContext::GetEmbedding), so one context embeds one text at a time;
 * texts run side by side only in separate contexts. Measured with bench/embeddings.ts on the
 * 2-core dev host (~100M Q8_0 model with mean pooling, 32 texts of ~155 tokens): one context on
 * 1 thread 3.3 texts/s, on 2 threads 5.4, two contexts of 1 thread each 6.5 (load 0.1); with
 * other work running, 2 threads fell to 1.5 texts/s where two contexts held 5.3 (load 2.9).
 */
export function embeddingPoolSize(parallel: number, threads: number, cpuCores: number): { contexts: number; threads: number } {
  const contexts = Math.max(1, Math.min(parallel, cpuCores));
  return { contexts, threads: Math.max(1, Math.floor(threads / contexts)) };
}

/**
 * Embeddings on the embedded engine: a pool of node-llama-cpp `LlamaEmbeddingContext`s, created
 * as concurrent texts need them (a server that never embeds pays nothing), each evaluating one
 * text at a time. The texts of a request are spread over the pool and come back in input order;
 * concurrent requests share it. A context's batch is as large as the context, because llama.cpp
 * pools a sequence only when all its tokens are in one batch. Texts longer than the context are
 * truncated (cf. Vertex's `autoTruncate`, default true), and the tokens evaluated are reported.
 *
 * Created by `createLlamaEmbedder` only for a GGUF that declares a pooling type.
 */
export class LlamaEmbedder {
  readonly #model: LlamaModel;
  readonly #options: LlamaEmbedderOptions;
  readonly #contextSize: number;
  readonly #maxContexts: number;
  /** Contexts made, or being made. */
  #contexts: Array<Promise<LlamaEmbeddingContext>> = [];
  readonly #idle: LlamaEmbeddingContext[] = [];
  readonly #waiters: Array<{ resolve: (context: LlamaEmbeddingContext) => void; reject: (e: unknown) => void }> = [];
  readonly #inFlight = new Set<Promise<unknown>>();
  #disposed = false;

  constructor(model: LlamaModel, options: LlamaEmbedderOptions) {
    this.#model = model;
    this.#options = options;
    this.#contextSize = Math.max(2, Math.min(options.contextSize, model.trainContextSize));
    this.#maxContexts = Math.max(1, Math.floor(options.contexts ?? 1));
  }

  /** Length of every vector (`<arch>.embedding_length`, or the output width when it differs). */
  get dimensions(): number {
    return this.#model.embeddingVectorSize;
  }

  /** Contexts created so far (tests and diagnostics). */
  get contextCount(): number {
    return this.#contexts.length;
  }

  /** Embeds the texts, in order; `signal` stops texts not yet started. */
  embed(input: EmbedInput): Promise<EmbedResult> {
    const run = this.#embed(input);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  async #embed({ texts, signal }: EmbedInput): Promise<EmbedResult> {
    const vectors: number[][] = new Array(texts.length);
    const tokens: number[] = new Array(texts.length);
    let next = 0;
    let failed = false;
    // As many runners as the pool could serve at once; each takes the next text when free.
    const runner = async () => {
      while (!failed && next < texts.length) {
        const i = next++;
        try {
          signal.throwIfAborted();
          this.#assertOpen();
          const input = this.#truncate(this.#model.tokenize(texts[i]));
          if (input.length === 0) throw Errors.invalidArgument('The text to embed is empty.', 'content.parts');
          const context = await this.#acquire();
          try {
            signal.throwIfAborted();
            const { vector } = await context.getEmbeddingFor(input);
            vectors[i] = [...vector];
            tokens[i] = context.calculateInputLength(input);
          } finally {
            this.#release(context);
          }
        } catch (e) {
          failed = true;
          throw e;
        }
      }
    };
    try {
      const runners = Array.from({ length: Math.min(this.#maxContexts, texts.length) }, runner);
      const outcomes = await Promise.allSettled(runners);
      const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (rejected) throw rejected.reason;
      return { vectors, tokens };
    } catch (e) {
      if (signal.aborted) throw toGemserveError(signal.reason);
      throw toGemserveError(e);
    }
  }

  /** Keeps the first tokens that fit, with room for the BOS/EOS node-llama-cpp adds. */
  #truncate(tokens: Token[]): Token[] {
    const room = this.#contextSize - 2;
    return tokens.length > room ? tokens.slice(0, room) : tokens;
  }

  /** An idle context, a new one while the pool has room, else the next one released. */
  async #acquire(): Promise<LlamaEmbeddingContext> {
    this.#assertOpen();
    const idle = this.#idle.pop();
    if (idle) return idle;
    if (this.#contexts.length < this.#maxContexts) {
      const made = this.#createContext();
      this.#contexts.push(made);
      try {
        return await made;
      } catch (e) {
        this.#contexts = this.#contexts.filter((c) => c !== made);
        // No context at all is the engine's failure (and nobody waiting would ever be served);
        // a failure beside working contexts only limits the pool.
        if (this.#contexts.length === 0) {
          for (const waiter of this.#waiters.splice(0)) waiter.reject(e);
          throw e;
        }
      }
    }
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  #release(context: LlamaEmbeddingContext): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(context);
    else this.#idle.push(context);
  }

  #createContext(): Promise<LlamaEmbeddingContext> {
    return this.#model.createEmbeddingContext({
      contextSize: this.#contextSize,
      batchSize: this.#contextSize,
      threads: this.#options.threads,
    }).catch((e: unknown) => {
      const why = e instanceof Error ? e.message : String(e);
      throw Errors.modelUnavailable(this.#options.label, `cannot create an embedding context of ${this.#contextSize} tokens: ${why}`);
    });
  }

  #assertOpen(): void {
    if (this.#disposed) throw Errors.modelUnavailable(this.#options.label, 'the engine has been shut down');
  }

  /** Waits for embeddings in flight (they stop before their next text), then frees the contexts. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.allSettled([...this.#inFlight]);
    const contexts = this.#contexts;
    this.#contexts = [];
    this.#idle.length = 0;
    await Promise.allSettled(contexts.map((c) => c.then((x) => x.dispose())));
  }
}

/** An embedder for this model if its GGUF declares a pooling type (an embedding model), else undefined. */
export function createLlamaEmbedder(model: LlamaModel, options: LlamaEmbedderOptions): LlamaEmbedder | undefined {
  return poolsEmbeddings(declaredPoolingType(model.fileInfo.metadata)) ? new LlamaEmbedder(model, options) : undefined;
}
