import type { Readable } from 'node:stream';

/** Bytes to store: all at once, or as a stream (an HTTP request body, a file read stream). */
export type BlobSource = Uint8Array | AsyncIterable<Uint8Array>;

/** Options of {@link BlobStore.appendPartial}. */
export interface AppendOptions {
  /** The most bytes this append may add; one more fails it with {@link BlobTooLargeError}. */
  maxBytes?: number;
  /** Sees every appended chunk in order, as it is written (to hash while streaming to disk). */
  onData?: (chunk: Uint8Array) => void;
}

/**
 * Opaque bytes under keys. Keys are generated ids (`[A-Za-z0-9_-]{1,128}`), never user input;
 * an implementation refuses any other key, so a key can never name a path outside the store.
 *
 * Two areas: committed blobs, which readers see whole or not at all (`put` and `commitPartial`
 * are atomic), and partial blobs, which grow by appends while an upload is in progress and
 * become a committed blob only when it completes.
 */
export interface BlobStore {
  /** Stores `data` under `key` atomically, replacing any blob there. Resolves to its size. */
  put(key: string, data: BlobSource): Promise<number>;
  /** A stream of the blob, or undefined when there is none. */
  stream(key: string): Promise<Readable | undefined>;
  /** The whole blob, or undefined when there is none. */
  read(key: string): Promise<Uint8Array | undefined>;
  /** The blob's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** Deletes the blob; no error when there is none. */
  delete(key: string): Promise<void>;
  /** Every committed key (for reconciling with metadata after a crash). */
  keys(): Promise<string[]>;

  /** Creates an empty partial blob (replacing any partial of that key). */
  createPartial(key: string): Promise<void>;
  /**
   * Appends `data` to the partial blob, which must be exactly `offset` bytes long (else
   * {@link BlobOffsetError}). All or nothing: if the source fails or exceeds `maxBytes`, the
   * partial is cut back to `offset`. Resolves to the new size.
   */
  appendPartial(key: string, offset: number, data: BlobSource, opts?: AppendOptions): Promise<number>;
  /** The partial blob's size, or undefined when there is none. */
  partialSize(key: string): Promise<number | undefined>;
  /** A stream of the partial blob, or undefined when there is none. */
  streamPartial(key: string): Promise<Readable | undefined>;
  /** Turns the partial blob into the committed blob `key`, atomically. */
  commitPartial(key: string): Promise<void>;
  /** Deletes the partial blob; no error when there is none. */
  deletePartial(key: string): Promise<void>;
  /** Every partial key. */
  partialKeys(): Promise<string[]>;
}

/** An append at an offset other than the partial blob's size. */
export class BlobOffsetError extends Error {
  constructor(readonly key: string, readonly expected: number, readonly actual: number) {
    super(`partial blob ${key} has ${actual} bytes, not ${expected}`);
    this.name = 'BlobOffsetError';
  }
}

/** An append that would add more than its `maxBytes`. */
export class BlobTooLargeError extends Error {
  constructor(readonly key: string, readonly maxBytes: number) {
    super(`append to partial blob ${key} exceeds ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** A partial blob that does not exist (appended to or committed without `createPartial`). */
export class BlobMissingError extends Error {
  constructor(readonly key: string) {
    super(`no partial blob ${key}`);
    this.name = 'BlobMissingError';
  }
}

const KEY = /^[A-Za-z0-9_-]{1,128}$/;

/** Throws unless `key` is a valid blob key. Implementations call it on every key they get. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) throw new TypeError(`invalid blob key ${JSON.stringify(key)}`);
}

/** Iterates a BlobSource as chunks. */
export async function* chunksOf(data: BlobSource): AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) {
    if (data.length > 0) yield data;
    return;
  }
  for await (const chunk of data) {
    // Node streams may yield strings when an encoding is set; blobs are bytes.
    yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
}
