import { Readable } from 'node:stream';
import {
  assertBlobKey, BlobMissingError, BlobOffsetError, BlobTooLargeError, chunksOf,
  type AppendOptions, type BlobSource, type BlobStore,
} from './blob-store.js';

/** A {@link BlobStore} in memory, for tests and embedders that keep nothing on disk. */
export class MemoryBlobStore implements BlobStore {
  readonly #data = new Map<string, Buffer>();
  readonly #partial = new Map<string, Buffer>();

  async put(key: string, data: BlobSource): Promise<number> {
    assertBlobKey(key);
    const bytes = await collect(data);
    this.#data.set(key, bytes);
    return bytes.length;
  }

  async stream(key: string): Promise<Readable | undefined> {
    assertBlobKey(key);
    const b = this.#data.get(key);
    return b ? Readable.from([b]) : undefined;
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    assertBlobKey(key);
    const b = this.#data.get(key);
    return b ? Buffer.from(b) : undefined;
  }

  async size(key: string): Promise<number | undefined> {
    assertBlobKey(key);
    return this.#data.get(key)?.length;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    this.#data.delete(key);
  }

  async keys(): Promise<string[]> {
    return [...this.#data.keys()];
  }

  async createPartial(key: string): Promise<void> {
    assertBlobKey(key);
    this.#partial.set(key, Buffer.alloc(0));
  }

  async appendPartial(key: string, offset: number, data: BlobSource, opts: AppendOptions = {}): Promise<number> {
    assertBlobKey(key);
    const before = this.#partial.get(key);
    if (!before) throw new BlobMissingError(key);
    if (before.length !== offset) throw new BlobOffsetError(key, offset, before.length);
    const max = opts.maxBytes ?? Infinity;
    const chunks: Buffer[] = [];
    let added = 0;
    for await (const chunk of chunksOf(data)) {
      if (added + chunk.length > max) throw new BlobTooLargeError(key, max);
      chunks.push(Buffer.from(chunk));
      added += chunk.length;
      opts.onData?.(chunk);
    }
    // Applied only once the whole source has arrived: all or nothing, as on disk.
    const now = this.#partial.get(key);
    if (!now) throw new BlobMissingError(key);
    if (now !== before) throw new BlobOffsetError(key, offset, now.length);
    const after = Buffer.concat([before, ...chunks]);
    this.#partial.set(key, after);
    return after.length;
  }

  async partialSize(key: string): Promise<number | undefined> {
    assertBlobKey(key);
    return this.#partial.get(key)?.length;
  }

  async streamPartial(key: string): Promise<Readable | undefined> {
    assertBlobKey(key);
    const b = this.#partial.get(key);
    return b ? Readable.from([b]) : undefined;
  }

  async commitPartial(key: string): Promise<void> {
    assertBlobKey(key);
    const b = this.#partial.get(key);
    if (!b) throw new BlobMissingError(key);
    this.#partial.delete(key);
    this.#data.set(key, b);
  }

  async deletePartial(key: string): Promise<void> {
    assertBlobKey(key);
    this.#partial.delete(key);
  }

  async partialKeys(): Promise<string[]> {
    return [...this.#partial.keys()];
  }
}

async function collect(data: BlobSource): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of chunksOf(data)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
