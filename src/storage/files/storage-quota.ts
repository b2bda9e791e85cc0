import { Errors } from '../../core/errors.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../clock.js';
import { isSessionExpired } from '../uploads/upload-session.js';
import type { UploadSessionStore } from '../uploads/upload-session-store.js';
import type { FileMetadataStore } from './file-metadata-store.js';

/**
 * Google's Files storage quota: "20 GB per project" (ai.google.dev/gemini-api/docs/files), sent
 * as `quota_value: 21474836480` in its 429 (googleapis/python-genai#1172): 20 GiB. gemserve's
 * project is the caller (one key, JWT subject or managed key).
 */
export const DEFAULT_FILES_QUOTA_BYTES = 20 * 1024 * 1024 * 1024;

/** How many bytes of Files an owner, and the server as a whole, may hold; absent: no bound. */
export interface StorageQuota {
  perOwnerBytes?: number;
  totalBytes?: number;
}

/** The room an upload has, and the refusal to throw when it needs more. */
export interface UploadRoom {
  bytes: number;
  refuse: () => Error;
}

/** What the upload protocol asks of a quota (storage/uploads/upload-service.ts). */
export interface UploadQuota {
  /** Bytes `owner` may still store, not counting the upload session `except` (the one asking). */
  room(owner: string, except?: string): Promise<UploadRoom>;
}

/**
 * Counts what Files hold against a {@link StorageQuota}: the sizes of live Files, plus every
 * live upload session at the larger of its declared size and the bytes it received (a declared
 * size is reserved from the start, so parallel uploads cannot each claim the same room). Expired
 * Files and sessions no longer count: they are invisible and the sweeper deletes them.
 */
export class StorageQuotaCounter implements UploadQuota {
  readonly #quota: StorageQuota;
  readonly #deps: { metadata: FileMetadataStore; sessions: UploadSessionStore; blobs: BlobStore; clock: Clock };

  constructor(quota: StorageQuota, deps: { metadata: FileMetadataStore; sessions: UploadSessionStore; blobs: BlobStore; clock: Clock }) {
    this.#quota = quota;
    this.#deps = deps;
  }

  async room(owner: string, except?: string): Promise<UploadRoom> {
    const { perOwnerBytes, totalBytes } = this.#quota;
    const { metadata, sessions, blobs, clock } = this.#deps;
    const now = clock.now();
    const files = totalBytes !== undefined ? await metadata.listAll() : await metadata.list(owner);
    let mine = 0;
    let all = 0;
    for (const f of files) {
      if (f.expirationTime <= now) continue;
      all += f.sizeBytes;
      if (f.owner === owner) mine += f.sizeBytes;
    }
    for (const s of await sessions.listAll()) {
      if (s.id === except || isSessionExpired(s, now) || (totalBytes === undefined && s.owner !== owner)) continue;
      const held = Math.max(s.declaredSize ?? 0, (await blobs.partialSize(s.blobKey)) ?? 0);
      all += held;
      if (s.owner === owner) mine += held;
    }
    const ownerRoom = perOwnerBytes !== undefined ? perOwnerBytes - mine : Infinity;
    const serverRoom = totalBytes !== undefined ? totalBytes - all : Infinity;
    return ownerRoom <= serverRoom
      ? { bytes: ownerRoom, refuse: () => Errors.storageQuotaExceeded(perOwnerBytes as number, 'FileStorageBytesPerProject') }
      : { bytes: serverRoom, refuse: () => Errors.storageQuotaExceeded(totalBytes as number, 'FileStorageBytesPerServer') };
  }
}
