import { createHash, type Hash } from 'node:crypto';
import { Errors } from '../../core/errors.js';
import { BlobMissingError, BlobOffsetError, BlobTooLargeError, type BlobSource, type BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../clock.js';
import type { FileMetadataStore } from '../files/file-metadata-store.js';
import type { UploadQuota } from '../files/storage-quota.js';
import {
  FILE_ID_PATTERN, FILE_TTL_MS, googleSha256Hash, MAX_DISPLAY_NAME_LENGTH, MAX_FILE_BYTES, type FileRecord,
} from '../files/file-record.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { randomFileId, randomToken } from '../random-id.js';
import { isSessionExpired, type UploadSession } from './upload-session.js';
import type { UploadSessionStore } from './upload-session-store.js';

/** What the `start` command asks for, already read from headers and body. */
export interface StartUploadInput {
  owner: string;
  displayName?: string;
  /** A client-chosen id (`name` without `files/`); must match {@link FILE_ID_PATTERN}. */
  fileId?: string;
  mimeType: string;
  declaredSize?: number;
}

/** A live session and how many bytes it holds. */
export interface SessionStatus {
  session: UploadSession;
  receivedBytes: number;
}

/** The outcome of a chunk: still `active`, or `final` with the new File. */
export type ChunkResult =
  | { status: 'active'; receivedBytes: number }
  | { status: 'final'; receivedBytes: number; file: FileRecord };

/** The stores and clock an UploadService works on. */
export interface UploadServiceDeps {
  sessions: UploadSessionStore;
  blobs: BlobStore;
  metadata: FileMetadataStore;
  clock: Clock;
}

/** Running hash of a session's bytes, kept between chunks so finalize need not reread them. */
interface RunningHash {
  hash: Hash;
  bytes: number;
}

/**
 * The resumable upload protocol's state machine (as the SDKs drive it: js-genai
 * src/cross/_cross_uploader.ts, python-genai google/genai/_api_client.py), independent of HTTP:
 * start → chunks at exact offsets → finalize, which hashes, commits the bytes and only then
 * the File record, so a File is never visible before its bytes and digest are complete.
 *
 * Chunks of one session are applied one at a time, each all or nothing. A session that is
 * finished, cancelled or idle past its TTL answers NOT_FOUND, and the sweeper deletes its data.
 */
export class UploadService {
  readonly #deps: UploadServiceDeps;
  readonly #lock = new KeyedMutex();
  readonly #hashes = new Map<string, RunningHash>();
  #quota: UploadQuota | undefined;

  constructor(deps: UploadServiceDeps) {
    this.#deps = deps;
  }

  /** Bounds what uploads may store (storage/files/storage-quota.ts): checked at start and on every chunk. */
  limitBy(quota: UploadQuota): void {
    this.#quota = quota;
  }

  /** Opens a session. Throws INVALID_ARGUMENT for bad metadata, ALREADY_EXISTS for a taken name. */
  async start(input: StartUploadInput): Promise<UploadSession> {
    const { metadata, sessions, blobs, clock } = this.#deps;
    if (input.declaredSize !== undefined && !(Number.isSafeInteger(input.declaredSize) && input.declaredSize >= 0)) {
      throw Errors.invalidArgument(`Invalid file size ${input.declaredSize}: it must be a non-negative integer.`, 'file.size_bytes');
    }
    if (input.declaredSize !== undefined && input.declaredSize > MAX_FILE_BYTES) {
      throw Errors.invalidArgument(
        `File size ${input.declaredSize} bytes exceeds the limit of ${MAX_FILE_BYTES} bytes (2 GB) per file.`, 'file.size_bytes');
    }
    if (input.displayName !== undefined && input.displayName.length > MAX_DISPLAY_NAME_LENGTH) {
      throw Errors.invalidArgument(
        `The display name must be no more than ${MAX_DISPLAY_NAME_LENGTH} characters in length.`, 'file.display_name');
    }
    if (input.fileId !== undefined) {
      if (!FILE_ID_PATTERN.test(input.fileId)) throw invalidFileName(input.fileId);
      const existing = await metadata.get(input.owner, input.fileId);
      if (existing && existing.expirationTime > clock.now()) throw Errors.fileAlreadyExists(`files/${input.fileId}`);
    }
    if (this.#quota) {
      // The declared size is checked now; an upload without one needs at least a byte of room.
      const room = await this.#quota.room(input.owner);
      if ((input.declaredSize ?? 1) > room.bytes) throw room.refuse();
    }
    const now = clock.now();
    const session: UploadSession = {
      id: randomToken(24),
      owner: input.owner,
      ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
      ...(input.fileId !== undefined ? { fileId: input.fileId } : {}),
      mimeType: input.mimeType,
      ...(input.declaredSize !== undefined ? { declaredSize: input.declaredSize } : {}),
      createTime: now,
      updateTime: now,
      blobKey: randomToken(16),
    };
    // The partial blob exists from the start, so a zero-byte file can be finalized at once.
    await blobs.createPartial(session.blobKey);
    try {
      await sessions.put(session);
    } catch (e) {
      await blobs.deletePartial(session.blobKey);
      throw e;
    }
    this.#hashes.set(session.id, { hash: createHash('sha256'), bytes: 0 });
    return session;
  }

  /** The live session and its size, or undefined (unknown, finished or expired). */
  async status(id: string): Promise<SessionStatus | undefined> {
    const session = await this.#live(id);
    if (!session) return undefined;
    const receivedBytes = await this.#deps.blobs.partialSize(session.blobKey);
    return receivedBytes === undefined ? undefined : { session, receivedBytes };
  }

  /**
   * Appends `data` at `offset` and, with `finalize`, completes the upload. `data` may be empty
   * (a bare `finalize`). Throws NOT_FOUND for a dead session, INVALID_ARGUMENT (with the
   * received size in headers) for a wrong offset, bytes beyond the announced size or the 2 GB
   * limit, or a final size other than the announced one; ALREADY_EXISTS if the chosen name was
   * taken meanwhile.
   */
  async append(id: string, offset: number, data: BlobSource, finalize: boolean): Promise<ChunkResult> {
    return this.#lock.run(id, async () => {
      const { blobs, sessions, clock } = this.#deps;
      const current = await this.status(id);
      if (!current) throw Errors.uploadNotFound();
      const { session } = current;
      let received = current.receivedBytes;
      if (offset !== received) {
        throw Errors.uploadRejected(
          `Invalid X-Goog-Upload-Offset ${offset}: the server has received ${received} bytes of this upload; ` +
            `send the next chunk at offset ${received}.`, received);
      }
      const limit = session.declaredSize ?? MAX_FILE_BYTES;
      // A client may send more than it declared room for (or declare nothing): the quota is
      // enforced on the bytes as they arrive, and an upload that would pass it is discarded.
      const room = this.#quota ? await this.#quota.room(session.owner, session.id) : undefined;
      const quotaBound = room !== undefined && room.bytes < limit;
      if (room && quotaBound && room.bytes < offset) {
        await this.#discard(session);
        throw room.refuse();
      }
      // Hash a copy, so a chunk that fails half-way leaves the running hash as it was.
      const running = this.#hashes.get(id);
      const next = running && running.bytes === received ? running.hash.copy() : undefined;
      try {
        received = await blobs.appendPartial(session.blobKey, offset, data, {
          maxBytes: (quotaBound ? room.bytes : limit) - offset,
          onData: next ? (chunk) => next.update(chunk) : undefined,
        });
      } catch (e) {
        if (e instanceof BlobTooLargeError && quotaBound) {
          await this.#discard(session);
          throw room.refuse();
        }
        if (e instanceof BlobTooLargeError) {
          throw Errors.uploadRejected(session.declaredSize !== undefined
            ? `The upload exceeds its declared size of ${session.declaredSize} bytes (X-Goog-Upload-Header-Content-Length).`
            : `The upload exceeds the limit of ${MAX_FILE_BYTES} bytes (2 GB) per file.`, offset);
        }
        if (e instanceof BlobOffsetError) throw Errors.uploadRejected(`Invalid X-Goog-Upload-Offset ${offset}.`, e.actual);
        if (e instanceof BlobMissingError) throw Errors.uploadNotFound();
        throw e;
      }
      if (next) this.#hashes.set(id, { hash: next, bytes: received });
      else this.#hashes.delete(id);
      session.updateTime = clock.now();
      if (!finalize) {
        await sessions.put(session);
        return { status: 'active', receivedBytes: received };
      }
      if (session.declaredSize !== undefined && received !== session.declaredSize) {
        await sessions.put(session);
        throw Errors.uploadRejected(
          `Cannot finalize: ${received} bytes were uploaded but the declared size is ${session.declaredSize} bytes.`, received);
      }
      const file = await this.#commit(session, received);
      return { status: 'final', receivedBytes: received, file };
    });
  }

  /** Abandons the session and deletes its data. Throws NOT_FOUND for a dead session. */
  async cancel(id: string): Promise<void> {
    await this.#lock.run(id, async () => {
      const session = await this.#live(id);
      if (!session) throw Errors.uploadNotFound();
      await this.#discard(session);
    });
  }

  /** Deletes every expired session and its partial data; resolves to how many. */
  async sweep(): Promise<number> {
    const now = this.#deps.clock.now();
    let swept = 0;
    for (const s of await this.#deps.sessions.listAll()) {
      if (!isSessionExpired(s, now)) continue;
      await this.#lock.run(s.id, async () => {
        // Re-read under the lock: a chunk may have renewed it meanwhile.
        const again = await this.#deps.sessions.get(s.id);
        if (again && isSessionExpired(again, this.#deps.clock.now())) {
          await this.#discard(again);
          swept++;
        }
      });
    }
    return swept;
  }

  async #live(id: string): Promise<UploadSession | undefined> {
    const session = await this.#deps.sessions.get(id);
    // Expired sessions are dead at once, before the sweeper gets to them.
    return session && !isSessionExpired(session, this.#deps.clock.now()) ? session : undefined;
  }

  async #discard(session: UploadSession): Promise<void> {
    this.#hashes.delete(session.id);
    await this.#deps.sessions.delete(session.id);
    await this.#deps.blobs.deletePartial(session.blobKey);
  }

  /** Hash → commit the bytes → commit the record (last) → end the session. */
  async #commit(session: UploadSession, size: number): Promise<FileRecord> {
    const { blobs, metadata, sessions, clock } = this.#deps;
    const hex = await this.#digest(session, size);
    this.#hashes.delete(session.id);
    await blobs.commitPartial(session.blobKey);
    const now = clock.now();
    const base = {
      ...(session.displayName !== undefined ? { displayName: session.displayName } : {}),
      mimeType: session.mimeType,
      sizeBytes: size,
      createTime: now,
      updateTime: now,
      expirationTime: now + FILE_TTL_MS,
      sha256Hash: googleSha256Hash(hex),
      state: 'ACTIVE' as const,
      source: 'UPLOADED' as const,
      owner: session.owner,
      blobKey: session.blobKey,
    };
    let record: FileRecord | undefined;
    try {
      if (session.fileId !== undefined) {
        const id = session.fileId;
        // An expired file of that name is gone already as far as clients can tell: replace it.
        const old = await metadata.get(session.owner, id);
        if (old && old.expirationTime <= now && (await metadata.delete(session.owner, id))) await blobs.delete(old.blobKey);
        const candidate = { id, name: `files/${id}`, ...base };
        if (!(await metadata.create(candidate))) throw Errors.fileAlreadyExists(candidate.name);
        record = candidate;
      } else {
        // ~62 random bits: a collision is all but impossible, but cheap to survive.
        for (let i = 0; i < 5 && !record; i++) {
          const id = randomFileId();
          const candidate = { id, name: `files/${id}`, ...base };
          if (await metadata.create(candidate)) record = candidate;
        }
        if (!record) throw new Error('could not allocate a file id');
      }
    } catch (e) {
      await blobs.delete(session.blobKey);
      await sessions.delete(session.id);
      throw e;
    }
    await sessions.delete(session.id);
    return record;
  }

  /** The hex SHA-256 of the session's bytes: the running hash, or a reread after a restart. */
  async #digest(session: UploadSession, size: number): Promise<string> {
    const running = this.#hashes.get(session.id);
    if (running && running.bytes === size) return running.hash.digest('hex');
    const hash = createHash('sha256');
    const stream = await this.#deps.blobs.streamPartial(session.blobKey);
    if (!stream) throw Errors.uploadNotFound();
    for await (const chunk of stream) hash.update(chunk as Uint8Array);
    return hash.digest('hex');
  }
}

function invalidFileName(id: string): Error {
  return Errors.invalidArgument(
    `Invalid file name "files/${id}": the id after "files/" can contain up to 40 characters that are ` +
      'lowercase alphanumeric or dashes (-), and cannot start or end with a dash.', 'file.name');
}
