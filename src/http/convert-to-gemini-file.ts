import type { File } from '../api/gemini/types.js';
import type { FileRecord } from '../storage/files/file-record.js';

/**
 * A stored File → its wire form (v1beta `File`, ai.google.dev/api/files; proto3 JSON,
 * protobuf.dev/programming-guides/json). `sizeBytes` is
 * an int64 string; times are RFC 3339 in UTC with `Z` (3 fractional digits, one of the forms
 * Google's JSON uses); `uri` is `<origin><mount prefix>/v1beta/files/<id>`, like Google's
 * `https://generativelanguage.googleapis.com/v1beta/files/<id>`, built per request so it names
 * the host the client actually reached. `displayName` only when one was given, as Google does.
 */
export function convertToGeminiFile(record: FileRecord, apiBaseUrl: string): File {
  return {
    name: record.name,
    ...(record.displayName !== undefined ? { displayName: record.displayName } : {}),
    mimeType: record.mimeType,
    sizeBytes: String(record.sizeBytes),
    createTime: rfc3339(record.createTime),
    updateTime: rfc3339(record.updateTime),
    expirationTime: rfc3339(record.expirationTime),
    sha256Hash: record.sha256Hash,
    uri: `${apiBaseUrl}/v1beta/files/${record.id}`,
    state: record.state,
    source: record.source,
  };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
