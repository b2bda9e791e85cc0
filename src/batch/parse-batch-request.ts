import { describeJsonNestingExcess, findJsonNestingExcess } from '../api/gemini/find-json-nesting-excess.js';
import { Errors } from '../core/errors.js';
import { applyUnknownFieldPolicy, type UnknownFieldPolicy } from '../generation/unknown-field-policy.js';
import type { NewBatchItem } from '../storage/batches/batch-record.js';

/**
 * The most requests one job may hold: gemserve's bound (Google bounds batches by size: 20 MB
 * inline, 2 GB files; ai.google.dev/gemini-api/docs/batch-api), so one job cannot fill the disk
 * with rows faster than the body and file limits already allow.
 */
export const MAX_BATCH_REQUESTS = 100_000;

/** The largest display name, as for Files ("no more than 512 characters"). */
export const MAX_BATCH_DISPLAY_NAME = 512;

/**
 * The most bytes a batch's inline requests may take, serialized as JSON: Google's inline input
 * is "suitable for smaller batches that keep the total request size under 20MB", larger ones go
 * in a JSONL input File (ai.google.dev/gemini-api/docs/batch-api, "Creating a batch job"). Read
 * as 20 MiB. The server's body limit (`--body-limit`, 100 MiB by default) must be above it for
 * this message, rather than the generic oversized-payload one, to answer.
 */
export const MAX_INLINE_BATCH_BYTES = 20 * 1024 * 1024;

/** What parsing may be told; the defaults are Google's limits. */
export interface ParseBatchOptions {
  /** The inline requests' largest serialized size ({@link MAX_INLINE_BATCH_BYTES}). */
  maxInlineBytes?: number;
  /** Which batch the body creates: its inline requests are GenerateContentRequests or EmbedContentRequests. */
  kind?: 'generate' | 'embed';
  /** What fields the body's messages do not have get; absent, Google's 400. */
  unknownFields?: UnknownFieldPolicy;
}

/** What a create call asks for, validated. */
export interface BatchCreateInput {
  displayName?: string;
  /** `batch.priority`: higher runs first; negative allowed; 0 when absent. */
  priority?: number;
  input: { kind: 'inline'; items: NewBatchItem[] } | { kind: 'file'; fileName: string };
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field by its JSON name or its proto (snake_case) name: proto3 JSON parsers accept both. */
function field(obj: Json, camel: string, snake: string): unknown {
  return obj[camel] ?? obj[snake];
}

/**
 * The body of `…:batchGenerateContent` / `…:asyncBatchEmbedContent`:
 * `{batch: {displayName?, inputConfig: {requests: {requests: [{request, metadata?}]}} | {fileName}}}`
 * (the shape @google/genai's `batches.create`/`createEmbeddings` send; snake_case accepted).
 * Fields the body's messages do not have, inline requests included, are refused here as Google's
 * front end refuses them when it parses the body (the whole creation is a 400, the path naming
 * the request: `batch.input_config.requests.requests[0].request.generation_config`). The
 * requests' other rules are checked when they run, so one bad request fails alone, beside the
 * others; their total size is checked here (inline requests over the limit belong in a File).
 */
export function parseBatchRequest(body: unknown, options: ParseBatchOptions = {}): BatchCreateInput {
  if (isObject(body)) {
    const root = options.kind === 'embed' ? 'AsyncBatchEmbedContentRequest' : 'BatchGenerateContentRequest';
    applyUnknownFieldPolicy(body, root, options.unknownFields);
  }
  if (!isObject(body) || !isObject(body.batch)) throw Errors.invalidArgument('batch is required.', 'batch');
  const batch = body.batch;
  const displayName = field(batch, 'displayName', 'display_name');
  if (displayName !== undefined && typeof displayName !== 'string') {
    throw Errors.invalidArgument('batch.display_name must be a string.', 'batch.display_name');
  }
  if (typeof displayName === 'string' && displayName.length > MAX_BATCH_DISPLAY_NAME) {
    throw Errors.invalidArgument(`The display name must be no more than ${MAX_BATCH_DISPLAY_NAME} characters in length.`, 'batch.display_name');
  }
  const config = field(batch, 'inputConfig', 'input_config');
  if (!isObject(config)) throw Errors.invalidArgument('batch.input_config is required.', 'batch.input_config');
  const requests = config.requests;
  const fileName = field(config, 'fileName', 'file_name');
  if ((requests === undefined) === (fileName === undefined)) {
    throw Errors.invalidArgument('batch.input_config must set exactly one of requests and file_name.', 'batch.input_config');
  }
  const priority = priorityOf(batch.priority);
  const named = { ...(typeof displayName === 'string' ? { displayName } : {}), ...(priority ? { priority } : {}) };
  if (fileName !== undefined) {
    if (typeof fileName !== 'string' || !fileName) throw Errors.invalidArgument('batch.input_config.file_name must be a File name (files/<id>).', 'batch.input_config.file_name');
    return { ...named, input: { kind: 'file', fileName } };
  }
  const list = isObject(requests) ? requests.requests : undefined;
  if (!Array.isArray(list)) {
    throw Errors.invalidArgument('batch.input_config.requests.requests must be a list of requests.', 'batch.input_config.requests.requests');
  }
  checkCount(list.length);
  checkInlineSize(list, options.maxInlineBytes ?? MAX_INLINE_BATCH_BYTES);
  const items = list.map((entry, i): NewBatchItem => {
    const path = `batch.input_config.requests.requests[${i}]`;
    if (!isObject(entry) || !isObject(entry.request)) throw Errors.invalidArgument(`${path}.request is required.`, `${path}.request`);
    if (entry.metadata !== undefined && !isObject(entry.metadata)) throw Errors.invalidArgument(`${path}.metadata must be an object.`, `${path}.metadata`);
    return { request: entry.request, ...(entry.metadata !== undefined ? { metadata: entry.metadata } : {}) };
  });
  return { ...named, input: { kind: 'inline', items } };
}

/**
 * A JSONL input File: one request per non-empty line, `{"key": "…", "request": {…}}` (Google's
 * format; the `key` comes back on the output line). A line that is not such an object is the
 * caller's mistake, refused whole with its line number.
 */
export function parseBatchJsonl(text: string, fileName: string): NewBatchItem[] {
  const items: NewBatchItem[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const excess = findJsonNestingExcess(line);
    if (excess) throw Errors.invalidArgument(`${fileName} line ${i + 1} is not valid JSON: ${describeJsonNestingExcess(excess)}`, 'batch.input_config.file_name');
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw Errors.invalidArgument(`${fileName} line ${i + 1} is not valid JSON: ${(e as Error).message}`, 'batch.input_config.file_name');
    }
    if (!isObject(parsed) || !isObject(parsed.request)) {
      throw Errors.invalidArgument(`${fileName} line ${i + 1} must be an object with a "request" object.`, 'batch.input_config.file_name');
    }
    if (parsed.key !== undefined && typeof parsed.key !== 'string') {
      throw Errors.invalidArgument(`${fileName} line ${i + 1}: "key" must be a string.`, 'batch.input_config.file_name');
    }
    items.push({ request: parsed.request, ...(typeof parsed.key === 'string' ? { key: parsed.key } : {}) });
    checkCount(items.length);
  }
  if (items.length === 0) throw Errors.invalidArgument(`${fileName} holds no requests.`, 'batch.input_config.file_name');
  return items;
}

/** int64 in proto JSON: a number or a decimal string. Kept within JavaScript's safe integers. */
function priorityOf(v: unknown): number {
  if (v === undefined || v === null) return 0;
  const n = typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw Errors.invalidArgument(`Invalid value at 'batch.priority' (TYPE_INT64), ${JSON.stringify(v)}`, 'batch.priority');
  }
  return n;
}

/**
 * Refuses inline requests over `limit` bytes as JSON, pointing to the File input. The text is
 * gemserve's: Google's answer to an oversized inline batch is not recorded.
 */
function checkInlineSize(list: readonly unknown[], limit: number): void {
  const size = Buffer.byteLength(JSON.stringify(list), 'utf8');
  if (size <= limit) return;
  throw Errors.invalidArgument(
    `The inline requests of this batch take ${size} bytes, over the ${limit}-byte limit for inline requests` +
      `${limit === MAX_INLINE_BATCH_BYTES ? ' (20 MB)' : ''}. Upload the requests as a JSONL file with the Files API ` +
      'and pass its name in batch.input_config.file_name instead.',
    'batch.input_config.requests',
  );
}

function checkCount(n: number): void {
  if (n === 0) throw Errors.invalidArgument('A batch needs at least one request.', 'batch.input_config.requests.requests');
  if (n > MAX_BATCH_REQUESTS) {
    throw Errors.invalidArgument(`A batch may hold at most ${MAX_BATCH_REQUESTS} requests.`, 'batch.input_config');
  }
}
