import type { IncomingHttpHeaders } from 'node:http';
import type { CreateFileRequest } from '../api/gemini/types.js';
import { Errors } from '../core/errors.js';
import type { StartUploadInput } from '../storage/uploads/upload-service.js';

/** A media type `type/subtype[; params]`, printable ASCII only: it is echoed as Content-Type on download. */
const MIME_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;[\x20-\x7e]{0,200})?$/;

/** Used when neither the body nor the headers give a type. */
export const DEFAULT_UPLOAD_MIME_TYPE = 'application/octet-stream';

/**
 * Reads the resumable upload's `start` request (as the SDKs send it: `uploadFile` in js-genai
 * src/_api_client.ts, `files.upload` in python-genai google/genai/files.py): the body
 * `{"file":{displayName?, mimeType?, sizeBytes?, name?}}` (snake_case accepted, as proto3 JSON
 * parsers do, protobuf.dev/programming-guides/json;
 * `sizeBytes` a string from JS, a number from Python) and the headers
 * `X-Goog-Upload-Header-Content-Length` / `-Content-Type`. Body values win over headers for the
 * type; two different sizes are an error. `name` may be `files/<id>` or a bare id.
 * `displayName` is only ever a display name: it is stored, never used in a path.
 */
export function parseUploadStart(headers: IncomingHttpHeaders, body: unknown, owner: string): StartUploadInput {
  const req = (typeof body === 'object' && body !== null ? body : {}) as CreateFileRequest & Record<string, unknown>;
  const file = req.file ?? {};
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw Errors.invalidArgument('Invalid value at \'file\': expected a File object.', 'file');
  }
  const f = file as Record<string, unknown>;
  const name = optionalString(f.name, 'file.name');
  const displayName = optionalString(f.displayName ?? f.display_name, 'file.display_name');
  const bodyType = optionalString(f.mimeType ?? f.mime_type, 'file.mime_type');
  const bodySize = sizeOf(f.sizeBytes ?? f.size_bytes, 'file.size_bytes');
  const headerSize = sizeOf(header(headers, 'x-goog-upload-header-content-length'), 'X-Goog-Upload-Header-Content-Length');
  if (bodySize !== undefined && headerSize !== undefined && bodySize !== headerSize) {
    throw Errors.invalidArgument(
      `file.size_bytes (${bodySize}) and X-Goog-Upload-Header-Content-Length (${headerSize}) disagree.`, 'file.size_bytes');
  }
  const mimeType = bodyType || header(headers, 'x-goog-upload-header-content-type') || DEFAULT_UPLOAD_MIME_TYPE;
  if (!MIME_TYPE.test(mimeType)) {
    throw Errors.invalidArgument(`Invalid MIME type ${JSON.stringify(mimeType.slice(0, 100))}.`, 'file.mime_type');
  }
  const declaredSize = headerSize ?? bodySize;
  const fileId = name === undefined || name === '' ? undefined : name.startsWith('files/') ? name.slice('files/'.length) : name;
  return {
    owner,
    ...(displayName !== undefined && displayName !== '' ? { displayName } : {}),
    ...(fileId !== undefined ? { fileId } : {}),
    mimeType,
    ...(declaredSize !== undefined ? { declaredSize } : {}),
  };
}

/** One request header's value (the first, if repeated), trimmed; undefined when absent. */
export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined ? undefined : s.trim();
}

function optionalString(v: unknown, field: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw Errors.invalidArgument(`Invalid value at '${field}' (TYPE_STRING), ${JSON.stringify(v)}`, field);
  return v;
}

/** An int64 as a JSON number or a decimal string (proto3 JSON), non-negative. */
function sizeOf(v: unknown, field: string): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw Errors.invalidArgument(`Invalid value at '${field}' (TYPE_INT64), ${JSON.stringify(v)}`, field);
  }
  return n;
}
