/**
 * A resumable upload in progress (the SDKs' protocol, js-genai src/cross/_cross_uploader.ts):
 * created by the `start` command, grown by
 * `upload` chunks, turned into a File by `finalize`. Its id is the capability that authorises
 * the chunk requests (Python sends them without an API key), so it is random and unguessable.
 * Bytes received so far are the size of its partial blob, not a field: one source of truth.
 */
export interface UploadSession {
  /** 192 random bits, base64url: the `upload_id` of the upload URL. */
  id: string;
  /** The caller that started it; the File will be theirs. */
  owner: string;
  displayName?: string;
  /** The File id the client asked for (`name` minus `files/`), if any. */
  fileId?: string;
  mimeType: string;
  /** The size announced at start, if any; the finished file must have exactly this size. */
  declaredSize?: number;
  createTime: number;
  /** Last activity (start or chunk); the session expires {@link UPLOAD_SESSION_TTL_MS} after it. */
  updateTime: number;
  /** The partial blob receiving the bytes: a generated key, not the id. */
  blobKey: string;
}

/**
 * An upload with no activity for this long is abandoned: it stops answering and the sweeper
 * deletes its partial data. Google does not document its own session lifetime for this API;
 * one idle hour keeps slow uploads alive (every chunk renews it) and bounds abandoned disk use.
 */
export const UPLOAD_SESSION_TTL_MS = 60 * 60 * 1000;

/** The shape of a session id ({@link randomToken} of 24 bytes); anything else is not looked up. */
export const UPLOAD_ID_PATTERN = /^[A-Za-z0-9_-]{32}$/;

/** True once the session has been idle for the TTL. */
export function isSessionExpired(s: UploadSession, now: number): boolean {
  return s.updateTime + UPLOAD_SESSION_TTL_MS <= now;
}
