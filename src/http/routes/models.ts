import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ListModelsResponse, Model } from '../../api/gemini/types.js';
import type { ModelCatalog } from '../../core/catalog/model-catalog.js';
import { Errors } from '../../core/errors.js';
import { convertToGeminiModel } from '../../convert/convert-to-gemini-model.js';
import { API_VERSIONS } from '../api-versions.js';

/** ListModels page size when none is asked for, and the most it returns (models.list docs). */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

/**
 * `GET /{version}/models` (paged) and `GET /{version}/models/{id}` (ids may contain `/`;
 * `tunedModels/{id}` resolves the same way).
 */
export function registerModels(app: FastifyInstance, catalog: ModelCatalog): void {
  for (const version of API_VERSIONS) {
    app.get(`/${version}/models`, async (request) => listModels(catalog, request));
    for (const collection of ['models', 'tunedModels']) {
      app.get(`/${version}/${collection}/*`, async (request) => {
        const id = (request.params as { '*': string })['*'];
        const entry = catalog.get(id);
        // Google's GET text differs from the generate 404 (observed).
        if (!entry) throw Errors.modelGetNotFound(id, version);
        return convertToGeminiModel(entry.definition) satisfies Model;
      });
    }
  }
}

function listModels(catalog: ModelCatalog, request: FastifyRequest): ListModelsResponse {
  const q = request.query as Record<string, unknown>;
  const size = pageSizeOf(q.pageSize ?? q.page_size);
  const all = catalog.list();
  const offset = offsetOf(q.pageToken ?? q.page_token, all.length);
  const page = all.slice(offset, offset + size).map((e) => convertToGeminiModel(e.definition));
  const next = offset + size;
  // No nextPageToken on the last page ("If this field is omitted, there are no more pages",
  // model_service.proto): the SDK pager follows it until absent (js-genai src/pagers.ts).
  return next < all.length ? { models: page, nextPageToken: tokenOf(next) } : { models: page };
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function pageSizeOf(raw: unknown): number {
  const v = first(raw);
  if (v === undefined || v === '') return DEFAULT_PAGE_SIZE;
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw Errors.invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), ${JSON.stringify(v)}`, 'page_size');
  }
  const n = Number(v);
  if (n < 0) throw Errors.invalidArgument('* ListModelsRequest.page_size: page_size must be non-negative.\n', 'page_size');
  return n === 0 ? DEFAULT_PAGE_SIZE : Math.min(n, MAX_PAGE_SIZE);
}

/** Page tokens are opaque to clients: base64url of the offset into the listing. */
function tokenOf(offset: number): string {
  return Buffer.from(`o${offset}`).toString('base64url');
}

function offsetOf(raw: unknown, total: number): number {
  const v = first(raw);
  if (v === undefined || v === '') return 0;
  const m = typeof v === 'string' ? /^o(\d+)$/.exec(Buffer.from(v, 'base64url').toString('latin1')) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= total)) throw Errors.invalidArgument('Invalid page token.', 'page_token');
  return n;
}
