import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { File, ListFilesResponse } from '../../api/gemini/types.js';
import { Errors } from '../../core/errors.js';
import type { FileRecord } from '../../storage/files/file-record.js';
import type { FileService } from '../../storage/files/file-service.js';
import { API_VERSIONS } from '../api-versions.js';
import { convertToGeminiFile } from '../convert-to-gemini-file.js';
import { requestOrigin } from '../request-origin.js';

/**
 * files.list page size when none is asked for, and the most it returns: "If unspecified,
 * defaults to 10. Maximum pageSize is 100." (ai.google.dev/api/files, method files.list).
 */
export const DEFAULT_FILES_PAGE_SIZE = 10;
export const MAX_FILES_PAGE_SIZE = 100;

/**
 * The Files API (GEMINI-API.md §1.2), each call on the caller's own Files only
 * (`request.callerId`); someone else's File gets the same 403 as a missing one:
 * - `GET /{version}/files?pageSize=&pageToken=` → `{files, nextPageToken?}`, newest first;
 * - `GET /{version}/files/{id}` → File;
 * - `GET /{version}/files/{id}:download?alt=media` → the bytes, with the File's MIME type.
 *   Google serves downloads only for generated files; gemserve serves uploads to their owner too,
 *   which is what `ai.files.download` users expect of a local server and reveals nothing new;
 * - `DELETE /{version}/files/{id}` → `{}` (always a JSON body, TL;DR 5).
 */
export function registerFiles(app: FastifyInstance, files: FileService): void {
  const apiBase = (request: FastifyRequest) => `${requestOrigin(request)}${app.prefix}`;
  for (const version of API_VERSIONS) {
    app.get(`/${version}/files`, async (request): Promise<ListFilesResponse> => {
      const q = request.query as Record<string, unknown>;
      const size = pageSizeOf(first(q.pageSize ?? q.page_size));
      const all = await files.list(request.callerId);
      const start = startOf(first(q.pageToken ?? q.page_token), all);
      const page = all.slice(start, start + size);
      const body: ListFilesResponse = { files: page.map((r): File => convertToGeminiFile(r, apiBase(request))) };
      // No nextPageToken on the last page: the SDK pager follows it until absent (§1.2).
      if (start + size < all.length) body.nextPageToken = tokenOf(page[page.length - 1]);
      return body;
    });
    app.get(`/${version}/files/:file`, async (request, reply) => {
      const { id, method } = splitMethod((request.params as { file: string }).file, request);
      if (method === 'download') return download(files, id, request, reply);
      return convertToGeminiFile(await files.get(request.callerId, id), apiBase(request));
    });
    app.delete(`/${version}/files/:file`, async (request) => {
      const { id, method } = splitMethod((request.params as { file: string }).file, request);
      if (method !== undefined) throw Errors.notFound(request.url.split('?')[0]);
      await files.delete(request.callerId, id);
      return {};
    });
  }
}

async function download(files: FileService, id: string, request: FastifyRequest, reply: FastifyReply) {
  const { record, stream } = await files.open(request.callerId, id);
  request.raw.once('close', () => stream.destroy());
  return reply
    .code(200)
    .type(record.mimeType)
    .header('content-length', String(record.sizeBytes))
    // Uploaded bytes are served from the API's own origin: never let a browser run them.
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(stream);
}

/** `abc:download` → id `abc`, method `download`; any other `:method` is an unknown path. */
function splitMethod(segment: string, request: FastifyRequest): { id: string; method?: 'download' } {
  const colon = segment.indexOf(':');
  if (colon === -1) return { id: segment };
  if (segment.slice(colon + 1) === 'download') return { id: segment.slice(0, colon), method: 'download' };
  throw Errors.notFound(request.url.split('?')[0]);
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

function pageSizeOf(v: unknown): number {
  if (v === undefined || v === '') return DEFAULT_FILES_PAGE_SIZE;
  if (typeof v !== 'string' || !/^-?\d{1,10}$/.test(v)) {
    throw Errors.invalidArgument(`Invalid value at 'page_size' (TYPE_INT32), ${JSON.stringify(v)}`, 'page_size');
  }
  const n = Number(v);
  if (n < 0) throw Errors.invalidArgument('page_size must be non-negative.', 'page_size');
  return n === 0 ? DEFAULT_FILES_PAGE_SIZE : Math.min(n, MAX_FILES_PAGE_SIZE);
}

/**
 * Page tokens are opaque to clients: base64url of the last File on the page (create time and
 * id). The next page starts after it in newest-first order, so files uploaded or deleted
 * between two pages neither repeat nor skip the others.
 */
function tokenOf(last: FileRecord): string {
  return Buffer.from(`f${last.createTime}.${last.id}`).toString('base64url');
}

function startOf(v: unknown, all: FileRecord[]): number {
  if (v === undefined || v === '') return 0;
  const m = typeof v === 'string' ? /^f(\d{1,16})\.([a-z0-9-]{1,40})$/.exec(Buffer.from(v, 'base64url').toString('latin1')) : null;
  if (!m) throw Errors.invalidArgument('Invalid page token.', 'page_token');
  const time = Number(m[1]);
  const id = m[2];
  // The first record that sorts after the cursor (newest first, then by id).
  const i = all.findIndex((r) => r.createTime < time || (r.createTime === time && r.id > id));
  return i === -1 ? all.length : i;
}
