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

/** Settings of the embedding context, taken from the engine's. */
export interface LlamaEmbedderOptions {
  /** Label of the weights, for errors. */
  label: string;
  /** Tokens one text may have; longer texts are truncated to it (capped by the train context). */
  contextSize: number;
  threads: number;
}

/**
 * Embeddings on the embedded engine: node-llama-cpp's `LlamaEmbeddingContext`, created on the
 * first request (a server that never embeds pays nothing), one text per evaluation. The context's
 * batch is as large as the context, because llama.cpp pools a sequence only when all its tokens
 * are in one batch. Texts longer than the context are truncated (cf. Vertex's `autoTruncate`,
 * default true), and the tokens evaluated are reported.
 *
 * Created by `createLlamaEmbedder` only for a GGUF that declares a pooling type.
 */
export class LlamaEmbedder {
  readonly #model: LlamaModel;
  readonly #options: LlamaEmbedderOptions;
  readonly #contextSize: number;
  #context: Promise<LlamaEmbeddingContext> | undefined;
  readonly #inFlight = new Set<Promise<unknown>>();
  #disposed = false;

  constructor(model: LlamaModel, options: LlamaEmbedderOptions) {
    this.#model = model;
    this.#options = options;
    this.#contextSize = Math.max(2, Math.min(options.contextSize, model.trainContextSize));
  }

  /** Length of every vector (`<arch>.embedding_length`, or the output width when it differs). */
  get dimensions(): number {
    return this.#model.embeddingVectorSize;
  }

  /** Embeds each text in order; `signal` stops before the next text. */
  embed(input: EmbedInput): Promise<EmbedResult> {
    const run = this.#embed(input);
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run)).catch(() => undefined);
    return run;
  }

  async #embed({ texts, signal }: EmbedInput): Promise<EmbedResult> {
    try {
      const context = await this.#openContext();
      const vectors: number[][] = [];
      const tokens: number[] = [];
      for (const text of texts) {
        signal.throwIfAborted();
        this.#assertOpen();
        const input = this.#truncate(this.#model.tokenize(text));
        if (input.length === 0) throw Errors.invalidArgument('The text to embed is empty.', 'content.parts');
        const { vector } = await context.getEmbeddingFor(input);
        vectors.push([...vector]);
        tokens.push(context.calculateInputLength(input));
      }
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

  #openContext(): Promise<LlamaEmbeddingContext> {
    this.#assertOpen();
    this.#context ??= this.#model.createEmbeddingContext({
      contextSize: this.#contextSize,
      batchSize: this.#contextSize,
      threads: this.#options.threads,
    }).catch((e: unknown) => {
      this.#context = undefined;
      const why = e instanceof Error ? e.message : String(e);
      throw Errors.modelUnavailable(this.#options.label, `cannot create an embedding context of ${this.#contextSize} tokens: ${why}`);
    });
    return this.#context;
  }

  #assertOpen(): void {
    if (this.#disposed) throw Errors.modelUnavailable(this.#options.label, 'the engine has been shut down');
  }

  /** Waits for embeddings in flight (they stop before their next text), then frees the context. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.allSettled([...this.#inFlight]);
    const context = this.#context;
    this.#context = undefined;
    if (context) await context.then((c) => c.dispose(), () => undefined);
  }
}

/** An embedder for this model if its GGUF declares a pooling type (an embedding model), else undefined. */
export function createLlamaEmbedder(model: LlamaModel, options: LlamaEmbedderOptions): LlamaEmbedder | undefined {
  return poolsEmbeddings(declaredPoolingType(model.fileInfo.metadata)) ? new LlamaEmbedder(model, options) : undefined;
}
