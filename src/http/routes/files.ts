import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { File, ListFilesResponse } from '../../api/gemini/types.js';
import { Errors } from '../../core/errors.js';
import type { FileService } from '../../storage/files/file-service.js';
import { API_VERSIONS } from '../api-versions.js';
import { convertToGeminiFile } from '../convert-to-gemini-file.js';
import { requestOrigin } from '../request-origin.js';
import { pageSizeOf, pageStartOf, pageTokenAfter, queryValue } from '../list-paging.js';

/**
 * files.list page size when none is asked for, and the most it returns: "If unspecified,
 * defaults to 10. Maximum pageSize is 100." (ai.google.dev/api/files, method files.list).
 */
export const DEFAULT_FILES_PAGE_SIZE = 10;
export const MAX_FILES_PAGE_SIZE = 100;
const PAGE_SIZES = { defaultSize: DEFAULT_FILES_PAGE_SIZE, maxSize: MAX_FILES_PAGE_SIZE };
/** Tags this list's page tokens, so another list's token is refused. */
const PAGE_TAG = 'f';

/**
 * The Files API (ai.google.dev/api/files), each call on the caller's own Files only
 * (`request.caller.id`); someone else's File gets the same 403 as a missing one:
 * - `GET /{version}/files?pageSize=&pageToken=` → `{files, nextPageToken?}`, newest first;
 * - `GET /{version}/files/{id}` → File;
 * - `GET /{version}/files/{id}:download?alt=media` → the bytes, with the File's MIME type.
 *   Google serves downloads only for generated files; gemserve serves uploads to their owner too,
 *   which is what `ai.files.download` users expect of a local server and reveals nothing new;
 * - `DELETE /{version}/files/{id}` → `{}` (always a JSON body: the JS SDK's `files.delete` calls
 *   `response.json()`, js-genai src/files.ts).
 */
export function registerFiles(app: FastifyInstance, files: FileService): void {
  const apiBase = (request: FastifyRequest) => `${requestOrigin(request)}${app.prefix}`;
  for (const version of API_VERSIONS) {
    app.get(`/${version}/files`, async (request): Promise<ListFilesResponse> => {
      const q = request.query as Record<string, unknown>;
      const size = pageSizeOf(queryValue(q.pageSize ?? q.page_size), PAGE_SIZES);
      const all = await files.list(request.caller.id);
      const start = pageStartOf(queryValue(q.pageToken ?? q.page_token), PAGE_TAG, all);
      const page = all.slice(start, start + size);
      const body: ListFilesResponse = { files: page.map((r): File => convertToGeminiFile(r, apiBase(request))) };
      // No nextPageToken on the last page: the SDK pager follows it until absent (js-genai src/pagers.ts).
      if (start + size < all.length) body.nextPageToken = pageTokenAfter(PAGE_TAG, page[page.length - 1]);
      return body;
    });
    app.get(`/${version}/files/:file`, async (request, reply) => {
      const { id, method } = splitMethod((request.params as { file: string }).file, request);
      if (method === 'download') return download(files, id, request, reply);
      return convertToGeminiFile(await files.get(request.caller.id, id), apiBase(request));
    });
    app.delete(`/${version}/files/:file`, async (request) => {
      const { id, method } = splitMethod((request.params as { file: string }).file, request);
      if (method !== undefined) throw Errors.notFound(request.url.split('?')[0]);
      await files.delete(request.caller.id, id);
      return {};
    });
  }
}

async function download(files: FileService, id: string, request: FastifyRequest, reply: FastifyReply) {
  const { record, stream } = await files.open(request.caller.id, id);
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
