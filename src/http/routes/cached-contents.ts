import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CachedContent, ListCachedContentsResponse } from '../../api/gemini/types.js';
import { Errors } from '../../core/errors.js';
import { systemClock } from '../../storage/clock.js';
import { API_VERSIONS } from '../api-versions.js';
import type { CachedContentsConfig } from '../../generation/cached-contents/cached-contents-config.js';
import { convertToGeminiCachedContent } from '../convert-to-gemini-cached-content.js';
import type { GenerationService } from '../../generation/generation-service.js';
import { parseCachedContentExpiry } from '../../generation/cached-contents/parse-cached-content-expiry.js';
import { releaseCachedPrefixes } from '../../generation/cached-contents/release-cached-prefixes.js';
import { applyUnknownFieldPolicy } from '../../generation/unknown-field-policy.js';
import { watchRequest } from '../watch-request.js';
import { pageSizeOf, pageStartOf, pageTokenAfter, queryValue } from '../list-paging.js';

/**
 * cachedContents.list page size when none is asked for, and the most it returns: "The maximum
 * value is 1000; values above 1000 will be coerced to 1000" (ai.google.dev/api/caching,
 * cachedContents.list; the default is unspecified there, so Files' 10 is used).
 */
export const DEFAULT_CACHED_CONTENTS_PAGE_SIZE = 10;
export const MAX_CACHED_CONTENTS_PAGE_SIZE = 1000;
const PAGE_SIZES = { defaultSize: DEFAULT_CACHED_CONTENTS_PAGE_SIZE, maxSize: MAX_CACHED_CONTENTS_PAGE_SIZE };
/** Tags this list's page tokens, so another list's token is refused. */
const PAGE_TAG = 'c';

/** Fields `updateMask` may name: "only expiration is updatable" (cachedContents.patch). */
const UPDATABLE = new Set(['ttl', 'expireTime', 'expire_time', 'expiration']);

/**
 * Context caching's resource (ai.google.dev/api/caching), each call on the caller's own caches
 * only (`request.caller.id`, as the Files API); someone else's, a missing and an expired cache
 * all get Google's 403 "CachedContent not found (or permission denied)":
 * - `POST /{version}/cachedContents` → CachedContent (generation/cached-contents/create-cached-content.ts);
 * - `GET /{version}/cachedContents?pageSize=&pageToken=` → `{cachedContents, nextPageToken?}`, newest first;
 * - `GET /{version}/cachedContents/{id}` → CachedContent;
 * - `PATCH /{version}/cachedContents/{id}[?updateMask=ttl]` with `{ttl}` or `{expireTime}` → CachedContent
 *   (the JS SDK sends no mask; a mask naming anything but the expiration is a 400);
 * - `DELETE /{version}/cachedContents/{id}` → `{}`, and the engine frees what it kept for it.
 */
export function registerCachedContents(app: FastifyInstance, service: GenerationService, config: CachedContentsConfig): void {
  const { catalog } = service;
  const { store } = config;
  const clock = config.clock ?? systemClock;
  for (const version of API_VERSIONS) {
    app.post(`/${version}/cachedContents`, async (request, reply): Promise<CachedContent> => {
      const watch = watchRequest(request, reply);
      try {
        return convertToGeminiCachedContent(await service.createCachedContent({ caller: request.caller, body: request.body, apiVersion: version, signal: watch.signal }));
      } finally {
        watch.dispose();
      }
    });
    app.get(`/${version}/cachedContents`, async (request): Promise<ListCachedContentsResponse> => {
      const q = request.query as Record<string, unknown>;
      const size = pageSizeOf(queryValue(q.pageSize ?? q.page_size), PAGE_SIZES);
      const all = await store.list(request.caller.id);
      const start = pageStartOf(queryValue(q.pageToken ?? q.page_token), PAGE_TAG, all);
      const page = all.slice(start, start + size);
      const body: ListCachedContentsResponse = { cachedContents: page.map(convertToGeminiCachedContent) };
      // No nextPageToken on the last page: the SDK pager follows it until absent.
      if (start + size < all.length) body.nextPageToken = pageTokenAfter(PAGE_TAG, page[page.length - 1]);
      return body;
    });
    app.get(`/${version}/cachedContents/:id`, async (request): Promise<CachedContent> => {
      const record = await store.get(request.caller.id, idOf(request));
      if (!record) throw Errors.cachedContentNotFound();
      return convertToGeminiCachedContent(record);
    });
    app.patch(`/${version}/cachedContents/:id`, async (request): Promise<CachedContent> => {
      const id = idOf(request);
      const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
      applyUnknownFieldPolicy(body, 'CachedContent', service.unknownFields);
      const mask = queryValue((request.query as Record<string, unknown>).updateMask ?? (request.query as Record<string, unknown>).update_mask);
      if (typeof mask === 'string' && mask !== '' && mask.split(',').some((f) => !UPDATABLE.has(f.trim()))) {
        throw Errors.invalidArgument(`Only the expiration (ttl or expire_time) of a CachedContent can be updated; update_mask was ${JSON.stringify(mask)}.`, 'update_mask');
      }
      const expiry = parseCachedContentExpiry(body, clock.now());
      // Checked after the body, as Google parses the request before it looks the cache up.
      if (!expiry) throw Errors.invalidArgument('ttl or expire_time is required to update a CachedContent.', 'cached_content.expiration');
      const record = await store.updateExpiry(request.caller.id, id, expiry);
      if (!record) throw Errors.cachedContentNotFound();
      return convertToGeminiCachedContent(record);
    });
    app.delete(`/${version}/cachedContents/:id`, async (request) => {
      const record = await store.delete(request.caller.id, idOf(request));
      if (!record) throw Errors.cachedContentNotFound();
      await releaseCachedPrefixes(catalog, [record], (e) => request.log.warn({ err: e }, `releasing cachedContents/${record.id} in its engine failed`));
      return {};
    });
  }
}

/** The path's id; a `:method` suffix names no method of this resource. */
function idOf(request: FastifyRequest): string {
  const id = (request.params as { id: string }).id;
  if (id.includes(':')) throw Errors.notFound(request.url.split('?')[0]);
  return id;
}
