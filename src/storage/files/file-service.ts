import type { Readable } from 'node:stream';
import { Errors } from '../../core/errors.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { Clock } from '../clock.js';
import { UploadService } from '../uploads/upload-service.js';
import type { UploadSessionStore } from '../uploads/upload-session-store.js';
import { fileIdOf } from './file-id-of.js';
import type { FileMetadataStore } from './file-metadata-store.js';
import { FILE_ID_PATTERN, type FileRecord } from './file-record.js';
import { PeriodicSweep } from '../periodic-sweep.js';
import { StorageQuotaCounter, type StorageQuota } from './storage-quota.js';

/** The stores and clock a FileService works on. */
export interface FileServiceDeps {
  metadata: FileMetadataStore;
  blobs: BlobStore;
  sessions: UploadSessionStore;
  clock: Clock;
}

/** A File and its bytes, for engines that need them whole (`fileData` parts). */
export interface FileContents {
  record: FileRecord;
  bytes: Uint8Array;
}

/** A File and a stream of its bytes (downloads; large media). */
export interface FileStream {
  record: FileRecord;
  stream: Readable;
}

/** What one sweep removed. */
export interface SweepResult {
  files: number;
  sessions: number;
}

/**
 * The Files API over its stores: the one object the HTTP routes and the media pipeline use.
 *
 * Every read takes the caller's owner id (`request.callerId`) and answers a File that does not
 * exist, has expired or belongs to someone else with the same 403 (`Errors.fileNotFound`), as
 * Google does. Expired files are invisible as soon as they expire; the sweeper deletes them
 * (and abandoned uploads) later.
 */
export class FileService implements AsyncDisposable {
  /** The resumable upload protocol (start, chunks, finalize). */
  readonly uploads: UploadService;
  readonly #deps: FileServiceDeps;
  readonly #periodic = new PeriodicSweep();

  constructor(deps: FileServiceDeps) {
    this.#deps = deps;
    this.uploads = new UploadService(deps);
  }

  /**
   * Bounds the bytes uploads may store per owner and for the server (storage-quota.ts): an upload
   * past either is Google's 429 at its start (declared size) or mid-stream, its bytes deleted.
   */
  limitStorage(quota: StorageQuota): void {
    if (quota.perOwnerBytes === undefined && quota.totalBytes === undefined) return;
    this.uploads.limitBy(new StorageQuotaCounter(quota, this.#deps));
  }

  /** The caller's File `id` (bare id). Throws 403 PERMISSION_DENIED if it is not theirs or not there. */
  async get(owner: string, id: string): Promise<FileRecord> {
    const record = FILE_ID_PATTERN.test(id) ? await this.#deps.metadata.get(owner, id) : undefined;
    if (!record || this.#expired(record)) throw Errors.fileNotFound(id);
    return record;
  }

  /** The caller's live Files, newest first. */
  async list(owner: string): Promise<FileRecord[]> {
    return (await this.#deps.metadata.list(owner)).filter((r) => !this.#expired(r));
  }

  /** Deletes the caller's File (record first, then bytes). Throws 403 as {@link get} does. */
  async delete(owner: string, id: string): Promise<void> {
    const record = await this.get(owner, id);
    if (await this.#deps.metadata.delete(owner, record.id)) await this.#deps.blobs.delete(record.blobKey);
  }

  /** The caller's File with a stream of its bytes. Throws 403 as {@link get} does. */
  async open(owner: string, id: string): Promise<FileStream> {
    const record = await this.get(owner, id);
    const stream = await this.#deps.blobs.stream(record.blobKey);
    // Bytes gone under a live record (deleted by hand, disk fault): a fault, not a 403.
    if (!stream) throw Errors.internal(new Error(`blob ${record.blobKey} of ${record.name} is missing`));
    return { record, stream };
  }

  /**
   * For `fileData` parts: the caller's File named by `fileUriOrName` (`files/<id>`, a bare id,
   * or a File `uri` of this server — see {@link fileIdOf}) and its bytes. Throws 403 with
   * Google's text if it is missing, expired or another caller's; INVALID_ARGUMENT if the string
   * names no File at all (callers that fetch foreign URLs should test {@link fileIdOf} first).
   */
  async readForOwner(fileUriOrName: string, owner: string): Promise<FileContents> {
    const { record, stream } = await this.openForOwner(fileUriOrName, owner);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { record, bytes: Buffer.concat(chunks) };
  }

  /** {@link readForOwner} as a stream, for media too large to hold in memory. */
  async openForOwner(fileUriOrName: string, owner: string): Promise<FileStream> {
    const id = fileIdOf(fileUriOrName);
    if (id === undefined) {
      throw Errors.invalidArgument(`Invalid file URI ${JSON.stringify(String(fileUriOrName).slice(0, 200))}: expected files/<id> or a File uri.`);
    }
    return this.open(owner, id);
  }

  /** Deletes expired Files (record, then bytes) and abandoned uploads (session, then partial data). */
  async sweep(): Promise<SweepResult> {
    const now = this.#deps.clock.now();
    let files = 0;
    for (const r of await this.#deps.metadata.listAll()) {
      if (r.expirationTime > now) continue;
      if (await this.#deps.metadata.delete(r.owner, r.id)) {
        await this.#deps.blobs.delete(r.blobKey);
        files++;
      }
    }
    const sessions = await this.uploads.sweep();
    return { files, sessions };
  }

  /**
   * Deletes what a crash can leave behind: committed bytes no File record points to (a crash
   * between the two commits of a finalize) and partial data no session points to. Run at open,
   * before serving; one server per data dir.
   */
  async reconcile(): Promise<void> {
    const { metadata, blobs, sessions } = this.#deps;
    const used = new Set((await metadata.listAll()).map((r) => r.blobKey));
    for (const key of await blobs.keys()) if (!used.has(key)) await blobs.delete(key);
    const live = new Set((await sessions.listAll()).map((s) => s.blobKey));
    for (const key of await blobs.partialKeys()) if (!live.has(key)) await blobs.deletePartial(key);
  }

  /** Sweeps every `intervalMs` until {@link close}; errors go to `onError` (the server keeps going). */
  startSweeper(intervalMs: number, onError: (e: unknown) => void = () => undefined): void {
    this.#periodic.start(intervalMs, () => this.sweep(), onError);
  }

  /** Stops the sweeper and waits for a sweep in progress. Idempotent. */
  close(): Promise<void> {
    return this.#periodic.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #expired(r: FileRecord): boolean {
    return r.expirationTime <= this.#deps.clock.now();
  }
}
