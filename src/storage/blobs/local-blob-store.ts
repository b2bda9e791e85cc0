import { mkdir, open, readdir, readFile, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomToken } from '../random-id.js';
import {
  assertBlobKey, BlobMissingError, BlobOffsetError, BlobTooLargeError, chunksOf,
  type AppendOptions, type BlobSource, type BlobStore,
} from './blob-store.js';

/**
 * A {@link BlobStore} on the local disk, everything below `root`:
 * `data/<key>` committed blobs, `partial/<key>` uploads in progress, `tmp/` files being written.
 *
 * `put` writes to a temp file, syncs it and renames it into place, so a crash leaves the old
 * blob or the new one, never half of one; leftover temp files are removed by {@link open}.
 * Paths are built only from validated keys and generated temp names: nothing is written outside
 * `root`. Directories are created on first write, so a server that never stores a file never
 * touches the disk.
 */
export class LocalBlobStore implements BlobStore {
  readonly #data: string;
  readonly #partial: string;
  readonly #tmp: string;

  private constructor(readonly root: string) {
    this.#data = join(root, 'data');
    this.#partial = join(root, 'partial');
    this.#tmp = join(root, 'tmp');
  }

  /** Opens the store rooted at `root` and deletes temp files left by a crash. */
  static async open(root: string): Promise<LocalBlobStore> {
    const store = new LocalBlobStore(root);
    for (const name of await listDir(store.#tmp)) await unlink(join(store.#tmp, name)).catch(ignoreMissing);
    return store;
  }

  async put(key: string, data: BlobSource): Promise<number> {
    assertBlobKey(key);
    await mkdir(this.#tmp, { recursive: true });
    await mkdir(this.#data, { recursive: true });
    const tmp = join(this.#tmp, randomToken(12));
    let size = 0;
    try {
      const fh = await open(tmp, 'wx');
      try {
        for await (const chunk of chunksOf(data)) {
          await writeAll(fh, chunk, size);
          size += chunk.length;
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, join(this.#data, key));
    } catch (e) {
      await unlink(tmp).catch(ignoreMissing);
      throw e;
    }
    return size;
  }

  async stream(key: string): Promise<Readable | undefined> {
    assertBlobKey(key);
    return openStream(join(this.#data, key));
  }

  async read(key: string): Promise<Uint8Array | undefined> {
    assertBlobKey(key);
    return readFile(join(this.#data, key)).catch(undefinedIfMissing);
  }

  async size(key: string): Promise<number | undefined> {
    assertBlobKey(key);
    return sizeOf(join(this.#data, key));
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await unlink(join(this.#data, key)).catch(ignoreMissing);
  }

  async keys(): Promise<string[]> {
    return listDir(this.#data);
  }

  async createPartial(key: string): Promise<void> {
    assertBlobKey(key);
    await mkdir(this.#partial, { recursive: true });
    const fh = await open(join(this.#partial, key), 'w');
    await fh.close();
  }

  async appendPartial(key: string, offset: number, data: BlobSource, opts: AppendOptions = {}): Promise<number> {
    assertBlobKey(key);
    const fh = await open(join(this.#partial, key), 'r+').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new BlobMissingError(key) : e;
    });
    try {
      const { size } = await fh.stat();
      if (size !== offset) throw new BlobOffsetError(key, offset, size);
      const max = opts.maxBytes ?? Infinity;
      let added = 0;
      try {
        for await (const chunk of chunksOf(data)) {
          if (added + chunk.length > max) throw new BlobTooLargeError(key, max);
          await writeAll(fh, chunk, offset + added);
          added += chunk.length;
          opts.onData?.(chunk);
        }
        await fh.sync();
      } catch (e) {
        // All or nothing: a chunk cut off mid-way is not "received" (the client resends it whole).
        await fh.truncate(offset).catch(() => undefined);
        throw e;
      }
      return offset + added;
    } finally {
      await fh.close();
    }
  }

  async partialSize(key: string): Promise<number | undefined> {
    assertBlobKey(key);
    return sizeOf(join(this.#partial, key));
  }

  async streamPartial(key: string): Promise<Readable | undefined> {
    assertBlobKey(key);
    return openStream(join(this.#partial, key));
  }

  async commitPartial(key: string): Promise<void> {
    assertBlobKey(key);
    await mkdir(this.#data, { recursive: true });
    await rename(join(this.#partial, key), join(this.#data, key)).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new BlobMissingError(key) : e;
    });
  }

  async deletePartial(key: string): Promise<void> {
    assertBlobKey(key);
    await unlink(join(this.#partial, key)).catch(ignoreMissing);
  }

  async partialKeys(): Promise<string[]> {
    return listDir(this.#partial);
  }
}

async function writeAll(fh: FileHandle, chunk: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    const { bytesWritten } = await fh.write(chunk, done, chunk.length - done, position + done);
    done += bytesWritten;
  }
}

async function openStream(path: string): Promise<Readable | undefined> {
  // Open first so that "missing" is an undefined result, not a stream that errors later.
  const fh = await open(path, 'r').catch(undefinedIfMissing);
  // autoClose (the default) closes the handle when the stream ends or is destroyed.
  return fh?.createReadStream();
}

async function sizeOf(path: string): Promise<number | undefined> {
  const s = await stat(path).catch(undefinedIfMissing);
  return s?.isFile() ? s.size : undefined;
}

/** Regular entries of a folder that exists, else none; dotfiles are never keys. */
async function listDir(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(undefinedIfMissing);
  return (names ?? []).filter((n) => !n.startsWith('.'));
}

function ignoreMissing(e: NodeJS.ErrnoException): void {
  if (e.code !== 'ENOENT') throw e;
}

function undefinedIfMissing(e: NodeJS.ErrnoException): undefined {
  if (e.code === 'ENOENT') return undefined;
  throw e;
}
