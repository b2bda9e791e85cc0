/**
 * A stored File: what the Files API reports about an upload, plus who owns it and where its
 * bytes are. Times are epoch milliseconds; the HTTP layer renders them as RFC 3339.
 */
export interface FileRecord {
  /** The id: `name` without `files/`. */
  id: string;
  /** `files/<id>`. */
  name: string;
  displayName?: string;
  mimeType: string;
  sizeBytes: number;
  createTime: number;
  updateTime: number;
  /** When the file stops existing: {@link FILE_TTL_MS} after upload. */
  expirationTime: number;
  /** Google's format: base64 of the lowercase hex SHA-256 digest (see {@link googleSha256Hash}). */
  sha256Hash: string;
  state: 'ACTIVE';
  source: 'UPLOADED';
  /** The caller that uploaded it: a hash of its API key, never the key. */
  owner: string;
  /** Where the bytes are in the BlobStore (a generated key, unrelated to the id). */
  blobKey: string;
}

/**
 * How long an uploaded file is kept: "Files are stored for 48 hours"
 * (ai.google.dev/gemini-api/docs/files; the "Input method comparison" table of
 * ai.google.dev/gemini-api/docs/file-input-methods says "File API upload … 48 Hours").
 */
export const FILE_TTL_MS = 48 * 60 * 60 * 1000;

/**
 * The largest file: "2 GB per file" (same table; also ai.google.dev/gemini-api/docs/files). Taken as 2 GiB,
 * the reading that refuses nothing Google accepts.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/** "The display name must be no more than 512 characters in length" (v1beta file.proto). */
export const MAX_DISPLAY_NAME_LENGTH = 512;

/**
 * A File id: "up to 40 characters that are lowercase alphanumeric or dashes (-). The ID cannot
 * start or end with a dash." (v1beta file.proto, `File.name`).
 */
export const FILE_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * `sha256Hash` as Google sends it. The proto field is `bytes`, but Google puts the hex digest's
 * ASCII in it, so the JSON is base64 of the hex string: `MTgzNjUw…ZQ==` decodes to `183650…8e`
 * (a real File in googleapis/js-genai#381). Matching that keeps clients that compare hashes working.
 */
export function googleSha256Hash(hexDigest: string): string {
  return Buffer.from(hexDigest, 'ascii').toString('base64');
}
