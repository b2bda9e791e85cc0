/**
 * Embeddings (ai.google.dev/api/embeddings): `:batchEmbedContents`, which both SDKs call even
 * for one text, and `:embedContent` for raw and older clients. Both run one `engine.embed`
 * call for all their texts (generation/embed/embed-texts.ts).
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
import type { EmbeddingTaskType } from '../../api/gemini/types.js';
import { modelIdOf, type CatalogEntry } from '../../core/catalog/model-catalog.js';
import type { EmbedInput } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import { applyUnknownFieldPolicy, type UnknownFieldPolicy } from '../unknown-field-policy.js';

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
 * (`requests[2].` in a batch). Settings may also sit in the newer `embedContentConfig`. Fields
 * the message does not have get `unknownFields` (Google's 400 by default).
 */
export function parseEmbedRequest(body: unknown, at = '', unknownFields?: UnknownFieldPolicy): EmbedJob {
  if (isObject(body)) applyUnknownFieldPolicy(body, 'EmbedContentRequest', unknownFields, at.replace(/\.$/, ''));
  return embedJobOf(body, at);
}

function embedJobOf(body: unknown, at: string): EmbedJob {
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

/**
 * A `:batchEmbedContents` body (`{requests: [EmbedContentRequest]}`) → its jobs, in order. Each
 * entry names its model; it must be the one in the URL (`entry`; an alias resolves to the same).
 */
export function parseBatchEmbedRequest(body: unknown, entry: CatalogEntry, unknownFields?: UnknownFieldPolicy): EmbedJob[] {
  if (isObject(body)) applyUnknownFieldPolicy(body, 'BatchEmbedContentsRequest', unknownFields);
  const requests = isObject(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    throw Errors.invalidArgument('* BatchEmbedContentsRequest.requests: requests must not be empty.', 'requests');
  }
  if (requests.length > MAX_BATCH_EMBED_REQUESTS) {
    throw Errors.invalidArgument(
      `* BatchEmbedContentsRequest.requests: at most ${MAX_BATCH_EMBED_REQUESTS} requests can be in one batch`, 'requests',
    );
  }
  const urlModel = entry.definition.id;
  return requests.map((r: unknown, i) => {
    const model = isObject(r) ? r.model : undefined;
    if (typeof model === 'string' && modelIdOf(model) !== urlModel && modelIdOf(model) !== entry.definition.aliasOf) {
      throw Errors.invalidArgument(
        `requests[${i}].model ${model} does not match the model of the request URL, models/${urlModel}.`, `requests[${i}].model`,
      );
    }
    return embedJobOf(r, `requests[${i}].`);
  });
}
