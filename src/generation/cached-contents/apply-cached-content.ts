import type { Content, GenerateContentRequest, GenerateContentResponse, Tool, ToolConfig } from '../../api/gemini/types.js';
import { convertToChatMessages } from '../../convert/convert-to-chat-messages.js';
import type { ResolvedMedia } from '../../convert/resolved-media.js';
import type { CatalogEntry, ModelCatalog } from '../../core/catalog/model-catalog.js';
import type { CachedPrefix } from '../../core/engine.js';
import { Errors } from '../../core/errors.js';
import type { CallBase } from '../generation-call.js';
import type { CachedContentsConfig } from './cached-contents-config.js';

/** A cached content a generate or countTokens request uses: its cached parts and size. */
export interface CachedContentUse {
  /** `cachedContents/<id>`: the id engines keep its prefix under. */
  name: string;
  /** The cache's contents, the same objects that head the merged request's contents. */
  contents: Content[];
  systemInstruction?: Content;
  /** Its size as counted at creation: the response's `cachedContentTokenCount`. */
  totalTokenCount: number;
  /** True when every cached part (system instruction and tools included) is text: its tokens are all TEXT. */
  textOnly: boolean;
}

/**
 * A request naming `cachedContent` → the request the engine would see without a cache: the
 * cache's contents first, then the request's, with the cache's systemInstruction, tools and
 * toolConfig (Google's CachedContent semantics, ai.google.dev/gemini-api/docs/caching). A cache
 * that is missing, expired or someone else's is Google's 403; one for another model, or a
 * request that sets systemInstruction, tools or toolConfig itself, Google's 400. A `-latest`
 * alias (or a name an alias pattern serves) and the model it resolves to in `catalog` are one
 * model for a cache. Without `cachedContent` the request passes through unchanged.
 */
export async function applyCachedContent(
  call: Pick<CallBase, 'caller' | 'model'>, cachedContents: CachedContentsConfig | undefined, req: GenerateContentRequest,
  catalog: Pick<ModelCatalog, 'get'>,
): Promise<{ req: GenerateContentRequest; use?: CachedContentUse }> {
  const name = req.cachedContent;
  if (name === undefined || name === '') return { req };
  // Google's rule is about the fields being set (proto presence): an empty tools list is unset.
  if (req.systemInstruction !== undefined || (req.tools?.length ?? 0) > 0 || req.toolConfig !== undefined) {
    throw Errors.cachedContentConflict();
  }
  const id = name.replace(/^cachedContents\//, '');
  const record = cachedContents ? await cachedContents.store.get(call.caller.id, id) : undefined;
  if (!record) throw Errors.cachedContentNotFound();
  const servedAs = (id: string) => catalog.get(id)?.definition.aliasOf ?? id;
  if (servedAs(record.model) !== servedAs(call.model.definition.id)) {
    throw Errors.cachedContentModelMismatch(call.model.definition.id, record.model);
  }
  const contents = record.contents as Content[];
  const systemInstruction = record.systemInstruction as Content | undefined;
  const { cachedContent: _named, ...rest } = req;
  const merged: GenerateContentRequest = {
    ...rest,
    contents: [...contents, ...req.contents],
    ...(systemInstruction ? { systemInstruction } : {}),
    ...(record.tools ? { tools: record.tools as Tool[] } : {}),
    ...(record.toolConfig ? { toolConfig: record.toolConfig as ToolConfig } : {}),
  };
  return {
    req: merged,
    use: {
      name: `cachedContents/${record.id}`, contents, ...(systemInstruction ? { systemInstruction } : {}),
      totalTokenCount: record.totalTokenCount, textOnly: [...contents, ...(systemInstruction ? [systemInstruction] : [])].every(isTextOnly),
    },
  };
}

/**
 * The engine's `cachedPrefix` for a merged request: how many leading messages are the cache's,
 * found by converting the cache's part alone with the request's media (the converter maps
 * contents to messages one to one, the system instruction to one more).
 */
export function cachedPrefixOf(use: CachedContentUse, entry: CatalogEntry, media: ResolvedMedia): CachedPrefix {
  return { id: use.name, messageCount: convertToChatMessages(use.contents, use.systemInstruction, entry.definition.id, media).length };
}

/** Whether a Content holds only text parts (no media, calls or results, whose tokens may be other modalities). */
function isTextOnly(content: Content): boolean {
  return (content.parts ?? []).every((p) => Object.keys(p).every((k) => k === 'text' || k === 'thought' || k === 'thoughtSignature'));
}

/**
 * A response (or stream chunk) with the cache's size as `usageMetadata.cachedContentTokenCount`,
 * when it carries usage. `promptTokenCount` already includes those tokens, as Google's does.
 * `cacheTokensDetails` (by modality, as Google reports it) is added only for a text-only cache:
 * the store keeps the cache's total, not its split by modality, and a guess would mislead.
 */
export function withCachedContentTokens<T extends GenerateContentResponse>(response: T, use: CachedContentUse | undefined): T {
  if (!use || !response.usageMetadata) return response;
  const { promptTokenCount, ...others } = response.usageMetadata;
  const details = use.textOnly ? { cacheTokensDetails: [{ modality: 'TEXT' as const, tokenCount: use.totalTokenCount }] } : {};
  // In Google's field order: right after the prompt count it is part of.
  return { ...response, usageMetadata: { promptTokenCount, cachedContentTokenCount: use.totalTokenCount, ...others, ...details } };
}

/** Passes stream chunks through {@link withCachedContentTokens}. */
export async function* chunksWithCachedContentTokens<T extends GenerateContentResponse>(
  chunks: AsyncIterable<T>, use: CachedContentUse | undefined,
): AsyncGenerator<T> {
  for await (const chunk of chunks) yield withCachedContentTokens(chunk, use);
}
