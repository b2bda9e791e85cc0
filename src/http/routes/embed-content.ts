/**
 * Embeddings (GEMINI-API.md TL;DR 12, §1.2): `:batchEmbedContents`, which both SDKs call even
 * for one text, and `:embedContent` for raw and older clients. Both run one `engine.embed`
 * call for all their texts.
 *
 * Decisions, since a local model is not Google's (an engine that speaks Gemini, gemini-upstream,
 * gets the client's fields unapplied in `EmbedInput.requests` and passes them on instead):
 * - `taskType` is checked against Google's enum and otherwise has no effect: a local GGUF has no
 *   task-specific heads. `title` is used only with RETRIEVAL_DOCUMENT, as Google documents it
 *   ("only applicable when TaskType is RETRIEVAL_DOCUMENT"): the text is embedded as
 *   `title + "\n" + text`; elsewhere it is ignored.
 * - The text parts of a Content are joined with "\n" into one text (one vector per Content, as
 *   Google returns); other parts are refused.
 * - Every vector is L2-normalised. `outputDimensionality` keeps the first N values and then
 *   renormalises them (Matryoshka truncation). Google returns its full 3072 values normalised but
 *   leaves truncated ones for the caller to normalise (ai.google.dev/gemini-api/docs/embeddings);
 *   gemserve normalises them too, which changes no cosine similarity.
 */
import type {
  BatchEmbedContentsResponse, ContentEmbedding, EmbedContentResponse, EmbeddingTaskType,
} from '../../api/gemini/types.js';
import { modelIdOf } from '../../core/catalog/model-catalog.js';
import type { EmbedInput, Engine } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { meterGeneration } from '../meter-generation.js';
import type { MethodContext } from '../method-context.js';
import { watchRequest } from '../watch-request.js';

/**
 * Google's cap on one batchEmbedContents call, observed as the 400 "* BatchEmbedContentsRequest
 * .requests: at most 100 requests can be in one batch" (langchain-ai/langchainjs#4491,
 * weaviate/weaviate#11277; @ai-sdk/google's maxEmbeddingsPerCall is 100).
 */
export const MAX_BATCH_EMBED_REQUESTS = 100;

/** google.ai.generativelanguage.v1beta.TaskType. */
const TASK_TYPES: ReadonlySet<string> = new Set<EmbeddingTaskType>([
  'TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY',
  'CLASSIFICATION', 'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY',
]);

/** One text of an embedding request as the client asked it (`EmbedInput.requests`). */
export type EmbedRequestFields = NonNullable<EmbedInput['requests']>[number];

/** One embedding to compute. */
export interface EmbedJob {
  /** The text a local engine embeds: the title prepended for RETRIEVAL_DOCUMENT (see above). */
  text: string;
  /** The client's fields, unapplied, for engines that pass them on; `outputDimensionality` also shapes the vector here. */
  request: EmbedRequestFields;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field by its camelCase or snake_case name (proto3 JSON accepts both). */
function field(obj: Json, camel: string): unknown {
  return obj[camel] ?? obj[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

/**
 * One EmbedContentRequest → the job it asks for. `at` prefixes field names in errors
 * (`requests[2].` in a batch). Settings may also sit in the newer `embedContentConfig`.
 */
export function parseEmbedRequest(body: unknown, at = ''): EmbedJob {
  if (!isObject(body)) throw Errors.invalidArgument(`${at || 'The request'} must be an EmbedContentRequest object.`, at || undefined);
  const config = field(body, 'embedContentConfig');
  const settings: Json = isObject(config) ? { ...body, ...config } : body;
  const text = textOf(field(body, 'content'), `${at}content`);

  const taskType = field(settings, 'taskType');
  if (taskType !== undefined && (typeof taskType !== 'string' || !TASK_TYPES.has(taskType))) {
    throw Errors.invalidArgument(
      `Invalid value at '${at}task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), ${JSON.stringify(taskType)}`,
      `${at}task_type`,
    );
  }
  const title = field(settings, 'title');
  if (title !== undefined && typeof title !== 'string') {
    throw Errors.invalidArgument(`Invalid value at '${at}title' (TYPE_STRING), ${JSON.stringify(title)}`, `${at}title`);
  }
  let dims = field(settings, 'outputDimensionality');
  if (typeof dims === 'string' && /^\d+$/.test(dims)) dims = Number(dims); // int32 may arrive as a string
  if (dims !== undefined && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1)) {
    throw Errors.invalidArgument(
      `${at}output_dimensionality must be a positive integer, got ${JSON.stringify(dims)}.`, `${at}output_dimensionality`,
    );
  }
  const titled = taskType === 'RETRIEVAL_DOCUMENT' && title ? `${title}\n${text}` : text;
  const request: EmbedRequestFields = {
    text,
    ...(taskType !== undefined ? { taskType } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(dims !== undefined ? { outputDimensionality: dims as number } : {}),
  };
  return { text: titled, request };
}

/** The text of a Content: its text parts joined; an empty one is Google's 400. */
function textOf(content: unknown, at: string): string {
  if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) {
    throw Errors.invalidArgument(`* EmbedContentRequest.${at}: content must have at least one part.`, at);
  }
  const texts = content.parts.map((part: unknown, i) => {
    if (!isObject(part) || typeof part.text !== 'string') {
      throw Errors.invalidArgument(`${at}.parts[${i}]: only text parts can be embedded on this server.`, `${at}.parts[${i}]`);
    }
    return part.text;
  });
  const text = texts.join('\n');
  if (text.trim() === '') throw Errors.invalidArgument(`EmbedContentRequest.${at} contains an empty Part.`, at);
  return text;
}

/** The first `n` values (all when `n` is absent), scaled to unit length; a zero vector stays zero. */
export function truncateAndNormalise(values: readonly number[], n?: number): number[] {
  const kept = n === undefined ? [...values] : values.slice(0, n);
  const norm = Math.sqrt(kept.reduce((s, v) => s + v * v, 0));
  return norm > 0 ? kept.map((v) => v / norm) : kept;
}

/** The engine's `embed`, or a 400 naming why this model cannot embed. */
function embedderOf(engine: Engine, modelId: string): NonNullable<Engine['embed']> & { dimensions: number } {
  const dimensions = engine.capabilities.embeddings?.dimensions;
  if (!dimensions || !engine.embed) {
    throw Errors.invalidArgument(
      `models/${modelId} cannot compute embeddings on this server: the model bound to it (${engine.label}, ` +
        `${engine.kind} engine) is not an embedding model. Bind an embedding GGUF to it, one whose metadata ` +
        'declares a pooling type (<arch>.pooling_type), e.g. a Qwen3-Embedding or nomic-embed-text model; ' +
        'for an upstream engine (gemini-upstream, openai-compatible), set embeddingDimensions in its config.',
    );
  }
  return Object.assign(engine.embed.bind(engine), { dimensions });
}

/** Runs the jobs through one engine call and shapes each vector. */
async function embedJobs(ctx: MethodContext, jobs: EmbedJob[], method: string): Promise<ContentEmbedding[]> {
  return meterGeneration(ctx, method, async (meter) => {
    const modelId = ctx.entry.definition.id;
    const embed = embedderOf(ctx.entry.engine, modelId);
    jobs.forEach(({ request: { outputDimensionality } }, i) => {
      if (outputDimensionality !== undefined && outputDimensionality > embed.dimensions) {
        const at = method === 'batchEmbedContents' ? `requests[${i}].` : '';
        throw Errors.invalidArgument(
          `${at}output_dimensionality ${outputDimensionality} is larger than the ${embed.dimensions} dimensions ` +
            `of models/${modelId} on this server.`,
          `${at}output_dimensionality`,
        );
      }
    });
    const watch = watchRequest(ctx.request, ctx.reply);
    try {
      const { vectors, tokens } = await embed({ texts: jobs.map((j) => j.text), requests: jobs.map((j) => j.request), signal: watch.signal });
      // A sum, so engines that report only a total (on the first text) meter the same.
      const total = tokens.reduce((a, b) => a + b, 0);
      meter.counted({ totalTokens: total });
      // An upstream that applied outputDimensionality itself returns N unnormalised values:
      // keeping the first N of N and normalising again is the identity on its direction.
      return vectors.map((v, i) => ({ values: truncateAndNormalise(v, jobs[i].request.outputDimensionality) }));
    } catch (e) {
      throw watch.abortReason() ?? e;
    } finally {
      watch.dispose();
    }
  });
}

/** `POST /{version}/models/{id}:embedContent`: `{content, taskType?, title?, outputDimensionality?}` → `{embedding}`. */
export async function embedContent(ctx: MethodContext): Promise<EmbedContentResponse> {
  const [embedding] = await embedJobs(ctx, [parseEmbedRequest(ctx.request.body)], 'embedContent');
  return { embedding };
}

/** `POST /{version}/models/{id}:batchEmbedContents`: `{requests: [EmbedContentRequest]}` → `{embeddings}`, in order. */
export async function batchEmbedContents(ctx: MethodContext): Promise<BatchEmbedContentsResponse> {
  const body = isObject(ctx.request.body) ? ctx.request.body : {};
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw Errors.invalidArgument('* BatchEmbedContentsRequest.requests: requests must not be empty.', 'requests');
  }
  if (requests.length > MAX_BATCH_EMBED_REQUESTS) {
    throw Errors.invalidArgument(
      `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_EMBED_REQUESTS} requests can be in one batch`, 'requests',
    );
  }
  const urlModel = ctx.entry.definition.id;
  const jobs = requests.map((r: unknown, i) => {
    const model = isObject(r) ? r.model : undefined;
    // Each entry names its model; it must be the one in the URL (an alias resolves to the same).
    if (typeof model === 'string' && modelIdOf(model) !== urlModel && modelIdOf(model) !== ctx.entry.definition.aliasOf) {
      throw Errors.invalidArgument(
        `requests[${i}].model ${model} does not match the model of the request URL, models/${urlModel}.`, `requests[${i}].model`,
      );
    }
    return parseEmbedRequest(r, `requests[${i}].`);
  });
  return { embeddings: await embedJobs(ctx, jobs, 'batchEmbedContents') };
}
