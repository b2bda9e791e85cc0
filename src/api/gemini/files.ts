import { defineMessage, field, type MessageType } from './define-message.js';
import type { Status } from './status.js';

/** The Files API (file.proto and file_service.proto in googleapis/googleapis). */

/**
 * A File as it goes on the wire, in proto3 JSON: int64 `sizeBytes` is a string, timestamps are
 * RFC 3339 with `Z`, `sha256Hash` (bytes) is base64.
 * Named `File` as in Google's API; import it under another name where the DOM `File` is used.
 */
export interface File {
  name: string;
  displayName?: string;
  mimeType: string;
  sizeBytes: string;
  createTime: string;
  updateTime: string;
  expirationTime?: string;
  sha256Hash: string;
  uri: string;
  downloadUri?: string;
  state: 'STATE_UNSPECIFIED' | 'PROCESSING' | 'ACTIVE' | 'FAILED';
  source?: 'SOURCE_UNSPECIFIED' | 'UPLOADED' | 'GENERATED' | 'REGISTERED';
  error?: Status;
}

/** `files.list` response; no `nextPageToken` on the last page. */
export interface ListFilesResponse {
  files: File[];
  nextPageToken?: string;
}

/**
 * A File as a request carries it (the upload start's metadata): every field of the resource,
 * as both SDKs' `File` type has them, since a client may send back a File it read; gemserve
 * reads `name`, `displayName`, `mimeType` and `sizeBytes`.
 */
export const FILE_METADATA = defineMessage('File', {
  name: field.string(),
  displayName: field.string(),
  mimeType: field.string(),
  /**
   * int64: a string from the JS SDK, a number from others; proto3 JSON parsers accept both
   * (protobuf.dev/programming-guides/json).
   */
  sizeBytes: field.int64(),
  createTime: field.string(),
  updateTime: field.string(),
  expirationTime: field.string(),
  sha256Hash: field.string(),
  uri: field.string(),
  downloadUri: field.string(),
  state: field.string(),
  source: field.string(),
  videoMetadata: field.struct(),
  error: field.struct(),
});

/** Body of the resumable upload's `start` request and of `media.upload` (`{file:{…}}`). */
export const CREATE_FILE_REQUEST = defineMessage('CreateFileRequest', {
  file: field.message(FILE_METADATA),
});
export interface CreateFileRequest extends MessageType<typeof CREATE_FILE_REQUEST> {}

/** The final upload response: `{"file":{…}}`. */
export interface CreateFileResponse {
  file: File;
}
