import { checkFieldTypes } from '../../api/gemini/check-field-types.js';
import { normalizeFieldNames } from '../../api/gemini/normalize-field-names.js';
import type { Content, GenerateContentRequest } from '../../api/gemini/types.js';
import { validateGenerateContentRequest } from '../../api/gemini/validate-generate-content-request.js';
import { convertToChatMessages } from '../../convert/convert-to-chat-messages.js';
import { convertToToolOptions } from '../../convert/convert-to-tool-options.js';
import { refuseUnsupportedInputs } from '../../convert/refuse-unsupported-features.js';
import type { CatalogEntry } from '../../core/catalog/model-catalog.js';
import { Errors } from '../../core/errors.js';
import type { Caller } from '../../gateway/caller.js';
import { DEFAULT_CACHED_CONTENT_TTL_MS, type CachedContentRecord } from '../../storage/cached-contents/cached-content-record.js';
import { systemClock } from '../../storage/clock.js';
import type { FileService } from '../../storage/files/file-service.js';
import { abortReason } from '../abort-reason.js';
import { resolveCallMedia } from '../resolve-call-media.js';
import { applyUnknownFieldPolicy, type UnknownFieldPolicy } from '../unknown-field-policy.js';
import type { CachedContentsConfig } from './cached-contents-config.js';
import { parseCachedContentExpiry } from './parse-cached-content-expiry.js';

/** What creating a cached content needs. */
export interface CreateCachedContentDeps {
  /**
   * The model a creation names, for its caller (GenerationService.resolveModel): a model the key
   * may not use is a 403, an unknown one or one without `createCachedContent` Google's 404.
   */
  resolveModel: (name: string, apiVersion: string, method: string) => CatalogEntry;
  config: CachedContentsConfig;
  files?: FileService;
  /** Told when the engine could not evaluate the prefix ahead of use (the cache is created anyway). */
  onWarmFailure: (e: unknown, name: string) => void;
  /**
   * Called once the model is known and before any work (media, counting, warming): admission
   * under the caller's rate limits. Throws to refuse the creation.
   */
  admit?: (entry: CatalogEntry, requestedModel: string) => Promise<void>;
  /** What fields a CachedContent does not have get; absent, Google's 400. */
  unknownFields?: UnknownFieldPolicy;
}

/** One creation: who asks, the CachedContent body as sent, the API version of the path, and its abort signal. */
export interface CreateCachedContentCall {
  caller: Caller;
  body: unknown;
  apiVersion: string;
  signal: AbortSignal;
}

/** Where Google's validation messages place the cache's fields. */
const WHERE = { root: 'CreateCachedContentRequest', prefix: 'cached_content.' };

/** A contents list that passes validation, for a cache of a system instruction alone. */
const PLACEHOLDER: Content[] = [{ role: 'user', parts: [{ text: '' }] }];

/**
 * `POST /{version}/cachedContents`: validates the CachedContent body as a generate request's
 * parts are validated, resolves its model (which must list `createCachedContent`), converts
 * and counts its prefix with the model's engine exactly as generateContent will (media parts
 * through the same media step), refuses one below the minimum size with Google's 400, stores
 * it for the caller, and lets the engine evaluate the prefix ahead of its first use. A warm-up
 * that fails costs only speed: the cache is created anyway and the failure logged.
 */
export async function createCachedContent(deps: CreateCachedContentDeps, call: CreateCachedContentCall): Promise<CachedContentRecord> {
  const { config } = deps;
  const body = typeof call.body === 'object' && call.body !== null ? (call.body as Record<string, unknown>) : {};
  applyUnknownFieldPolicy(body, 'CachedContent', deps.unknownFields);
  const parts = parseCachedParts(body);
  const model = body.model;
  if (typeof model !== 'string' || model === '') throw Errors.invalidArgument('* CreateCachedContentRequest.cached_content.model: model is required.\n', 'cached_content.model');
  const entry = deps.resolveModel(model, call.apiVersion, 'createCachedContent');
  // Creating a cache evaluates its whole prompt: it is admitted like a generate request.
  await deps.admit?.(entry, model.replace(/^models\//, ''));
  const now = (config.clock ?? systemClock).now();
  const expiry = parseCachedContentExpiry(body, now) ?? { ttlMs: DEFAULT_CACHED_CONTENT_TTL_MS };
  const displayName = body.displayName ?? body.display_name;
  if (displayName !== undefined && typeof displayName !== 'string') {
    throw Errors.invalidArgument(`Invalid value at 'cached_content.display_name' (TYPE_STRING), ${JSON.stringify(displayName)}`, 'cached_content.display_name');
  }

  // Code execution adds nothing to the prompt; whether it may run is decided per generate request.
  refuseUnsupportedInputs(parts, entry, { codeExecution: true });
  const tools = convertToToolOptions(parts.tools, parts.toolConfig);
  let messages;
  let total;
  try {
    const media = await resolveCallMedia({ caller: call.caller, model: entry, signal: call.signal }, deps.files, parts);
    messages = convertToChatMessages(parts.contents, parts.systemInstruction, entry.definition.id, media.media);
    // forGeneration: a prefix over the model's input limit is Google's 400, refused before it is counted.
    total = (await entry.engine.countTokens({ messages, ...(tools ? { tools } : {}), forGeneration: true, signal: call.signal })).total;
  } catch (e) {
    throw abortReason(call.signal) ?? e;
  }
  if (total < config.minTokens) throw Errors.cachedContentTooSmall(total, config.minTokens);
  const record = await config.store.create({
    owner: call.caller.id,
    model: entry.definition.id,
    ...(typeof displayName === 'string' && displayName !== '' ? { displayName } : {}),
    contents: parts.contents,
    ...(parts.systemInstruction ? { systemInstruction: parts.systemInstruction } : {}),
    ...(parts.tools?.length ? { tools: parts.tools } : {}),
    ...(parts.toolConfig ? { toolConfig: parts.toolConfig } : {}),
    totalTokenCount: total,
  }, expiry);
  if (entry.engine.warmCachedPrefix) {
    const name = `cachedContents/${record.id}`;
    try {
      await entry.engine.warmCachedPrefix({ id: name, messages, ...(tools ? { tools } : {}), signal: call.signal });
    } catch (e) {
      deps.onWarmFailure(e, name);
    }
  }
  return record;
}

/**
 * The cached parts of a CachedContent body, snake_case names normalised and checked as a
 * generate request's are (a cache is the head of later generate requests). Contents may be
 * absent when a system instruction is cached alone.
 */
function parseCachedParts(body: Record<string, unknown>): GenerateContentRequest {
  const parts: Record<string, unknown> = {};
  for (const [json, snake] of [['contents', 'contents'], ['systemInstruction', 'system_instruction'], ['tools', 'tools'], ['toolConfig', 'tool_config']]) {
    const v = body[json] ?? body[snake];
    if (v !== undefined) parts[json] = v;
  }
  normalizeFieldNames(parts, 'GenerateContentRequest');
  const req = parts as unknown as GenerateContentRequest;
  const empty = !Array.isArray(req.contents) || req.contents.length === 0;
  if (empty && !req.systemInstruction) {
    throw Errors.invalidArgument('* CreateCachedContentRequest.cached_content: contents or system_instruction is required.\n', 'cached_content.contents');
  }
  const checked = empty ? { ...parts, contents: PLACEHOLDER } : parts;
  const bad = checkFieldTypes(checked, 'GenerateContentRequest') ?? validateGenerateContentRequest(checked as unknown as GenerateContentRequest, WHERE);
  if (bad) throw Errors.invalidArgument(bad.description, bad.field || undefined);
  if (empty) req.contents = [];
  return req;
}
