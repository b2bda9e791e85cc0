import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import type { CreateFileResponse } from '../../api/gemini/types.js';
import { Errors } from '../../core/errors.js';
import { applyUnknownFieldPolicy, type UnknownFieldPolicy } from '../../generation/unknown-field-policy.js';
import type { FileService } from '../../storage/files/file-service.js';
import { UPLOAD_ID_PATTERN } from '../../storage/uploads/upload-session.js';
import { convertToGeminiFile } from '../convert-to-gemini-file.js';
import { parseJsonBody } from '../parse-json-body.js';
import { header, parseUploadStart } from '../parse-upload-start.js';
import { readBodyText } from '../read-body-text.js';
import { requestOrigin } from '../request-origin.js';

/**
 * `X-Goog-Upload-Chunk-Granularity` as Google sends it (8 MiB, in the recorded `start` answer
 * of google/test-server `test_image_jpg_upload.json`). The SDKs send chunks of exactly this size
 * but for the last (`MAX_CHUNK_SIZE` in js-genai src/cross/_cross_uploader.ts, `CHUNK_SIZE` in
 * python-genai google/genai/_api_client.py).
 */
export const UPLOAD_CHUNK_GRANULARITY = 8 * 1024 * 1024;

/** The `start` request carries only metadata; anything bigger is not a File description. */
export const MAX_START_BODY_BYTES = 64 * 1024;

/**
 * The upload path: hard-coded `upload/v1beta/files` in both SDKs, whatever the API version
 * (js-genai src/_api_client.ts `uploadFile`, python-genai google/genai/files.py).
 */
const UPLOAD_PATH = '/upload/v1beta/files';

type Command = 'start' | 'upload' | 'finalize' | 'query' | 'cancel';

/**
 * `POST {prefix}/upload/v1beta/files`: the resumable upload protocol, byte-exact as the SDKs
 * speak it (js-genai src/cross/_cross_uploader.ts, python-genai google/genai/_api_client.py) and
 * Google answers it (google/test-server recordings).
 * - Without `upload_id`: `start` (needs an API key like any call) → 200, empty body, the upload
 *   URL in `X-Goog-Upload-URL` / `-Control-URL`, its path including the mount prefix (the SDKs
 *   keep the path and replace scheme, host and port).
 * - With `upload_id` (the capability: no API key needed, as Python sends chunks without one,
 *   `_upload_fd` in python-genai google/genai/_api_client.py): `upload` / `upload, finalize`
 *   / `finalize` with `X-Goog-Upload-Offset` and the raw bytes as body, `query`, `cancel`.
 *
 * Registered in a context of its own whose only body parser hands the raw request stream to the
 * handler, whatever its Content-Type: the SDKs label binary chunks `application/json` (their
 * default header, js-genai src/_api_client.ts, python-genai google/genai/_extra_utils.py),
 * and a chunk must reach the disk without being buffered. The size limit is the File's (2 GB,
 * checked against the declared size), not the server's JSON body limit.
 */
export async function registerUpload(app: FastifyInstance, files: FileService, unknownFields?: UnknownFieldPolicy): Promise<void> {
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    const prefix = upload.prefix;
    upload.post(UPLOAD_PATH, { config: { uploadCapability: true, largeBody: true } }, async (request, reply) => {
      const uploadId = queryValue(request, 'upload_id');
      if (uploadId === undefined) return start(files, prefix, request, reply, unknownFields);
      return chunk(files, prefix, uploadId, request, reply);
    });
  });
}

async function start(files: FileService, prefix: string, request: FastifyRequest, reply: FastifyReply, unknownFields?: UnknownFieldPolicy) {
  const protocol = header(request.headers, 'x-goog-upload-protocol')?.toLowerCase();
  const commands = commandsOf(request);
  if (protocol !== 'resumable' || commands.length !== 1 || commands[0] !== 'start') {
    throw Errors.invalidArgument(
      'Only the resumable upload protocol is supported: send X-Goog-Upload-Protocol: resumable and ' +
        'X-Goog-Upload-Command: start to begin an upload.');
  }
  const text = await readBodyText(request.body as Readable | undefined, MAX_START_BODY_BYTES);
  const body = await new Promise<unknown>((resolve, reject) =>
    parseJsonBody(request, text, (err, value) => (err ? reject(err) : resolve(value))));
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
    applyUnknownFieldPolicy(body as Record<string, unknown>, 'CreateFileRequest', unknownFields);
  }
  const session = await files.uploads.start(parseUploadStart(request.headers, body, request.caller.id));
  const url = `${requestOrigin(request)}${prefix}${UPLOAD_PATH}?upload_id=${session.id}&upload_protocol=resumable`;
  return reply
    .code(200)
    .header('x-goog-upload-status', 'active')
    .header('x-goog-upload-url', url)
    .header('x-goog-upload-control-url', url)
    .header('x-goog-upload-chunk-granularity', String(UPLOAD_CHUNK_GRANULARITY))
    .send();
}

async function chunk(files: FileService, prefix: string, uploadId: string, request: FastifyRequest, reply: FastifyReply) {
  // Not session-shaped: no lookup, same answer as an unknown id.
  if (!UPLOAD_ID_PATTERN.test(uploadId)) throw Errors.uploadNotFound();
  const commands = commandsOf(request);
  const has = (c: Command) => commands.includes(c);
  if (commands.length === 1 && has('query')) {
    const status = await files.uploads.status(uploadId);
    if (!status) throw Errors.uploadNotFound();
    return reply
      .code(200)
      .header('x-goog-upload-status', 'active')
      .header('x-goog-upload-size-received', String(status.receivedBytes))
      .header('x-goog-upload-chunk-granularity', String(UPLOAD_CHUNK_GRANULARITY))
      .send();
  }
  if (commands.length === 1 && has('cancel')) {
    await files.uploads.cancel(uploadId);
    // Always a JSON body (the JS SDK calls `response.json()` on answers, e.g. `files.delete` in js-genai src/files.ts).
    return reply.code(200).header('x-goog-upload-status', 'cancelled').send({});
  }
  const valid = commands.length > 0 && commands.every((c) => c === 'upload' || c === 'finalize') && new Set(commands).size === commands.length;
  if (!valid) {
    throw Errors.invalidArgument(
      `Unsupported X-Goog-Upload-Command ${JSON.stringify(header(request.headers, 'x-goog-upload-command') ?? '')}: ` +
        'expected upload, "upload, finalize", finalize, query or cancel.');
  }
  const finalize = has('finalize');
  let offset = offsetOf(request);
  if (offset === undefined) {
    // A bare finalize may omit the offset: it adds no bytes.
    if (has('upload')) throw Errors.invalidArgument('X-Goog-Upload-Offset is required with X-Goog-Upload-Command: upload.');
    const status = await files.uploads.status(uploadId);
    if (!status) throw Errors.uploadNotFound();
    offset = status.receivedBytes;
  }
  const result = await files.uploads.append(uploadId, offset, (request.body as Readable | undefined) ?? new Uint8Array(0), finalize);
  if (result.status === 'active') {
    return reply
      .code(200)
      .header('x-goog-upload-status', 'active')
      .header('x-goog-upload-size-received', String(result.receivedBytes))
      .send();
  }
  const body: CreateFileResponse = { file: convertToGeminiFile(result.file, `${requestOrigin(request)}${prefix}`) };
  return reply
    .code(200)
    .header('x-goog-upload-status', 'final')
    .header('x-goog-upload-size-received', String(result.receivedBytes))
    .type('application/json; charset=UTF-8')
    .send(body);
}

/** `X-Goog-Upload-Command` as a list: `upload, finalize` → ['upload', 'finalize']. */
function commandsOf(request: FastifyRequest): string[] {
  return (header(request.headers, 'x-goog-upload-command') ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
}

function offsetOf(request: FastifyRequest): number | undefined {
  const raw = header(request.headers, 'x-goog-upload-offset');
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw Errors.invalidArgument(`Invalid X-Goog-Upload-Offset ${JSON.stringify(raw.slice(0, 40))}: expected a byte offset.`);
  }
  return Number(raw);
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const v = (request.query as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s : undefined;
}

