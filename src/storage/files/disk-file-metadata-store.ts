import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { JsonRecordDir } from '../json-record-dir.js';
import type { FileRecord } from './file-record.js';
import type { FileMetadataStore } from './file-metadata-store.js';
import { MemoryFileMetadataStore } from './memory-file-metadata-store.js';

const OWNER = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * A {@link FileMetadataStore} on disk: `<root>/<owner>/<id>.json`, one JSON file per record,
 * each written atomically (temp file, sync, rename). All records are read once at open and
 * kept in memory, so reads and listings cost no I/O; every change is written through before it
 * resolves. One server process per data dir.
 */
export class DiskFileMetadataStore implements FileMetadataStore {
  readonly #cache = new MemoryFileMetadataStore();

  private constructor(readonly root: string) {}

  /** Loads every record below `root` (which need not exist yet). */
  static async open(root: string, onBad?: (path: string, error: unknown) => void): Promise<DiskFileMetadataStore> {
    const store = new DiskFileMetadataStore(root);
    const owners = await readdir(root).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    for (const owner of owners.filter((o) => OWNER.test(o))) {
      const records = await store.#dir(owner).readAll((id, e) => onBad?.(join(root, owner, `${id}.json`), e));
      for (const { id, record } of records) {
        // A record is trusted only where it is filed: its own id and owner must match its path.
        if (record.id === id && record.owner === owner) await store.#cache.create(record);
        else onBad?.(join(root, owner, `${id}.json`), new Error('record does not match its path'));
      }
    }
    return store;
  }

  get(owner: string, id: string): Promise<FileRecord | undefined> {
    return this.#cache.get(owner, id);
  }

  async create(record: FileRecord): Promise<boolean> {
    // Claimed in memory first (synchronously, before any await), so two concurrent creates
    // of one id cannot both win; released again if the disk write fails.
    if (!(await this.#cache.create(record))) return false;
    try {
      await this.#dir(record.owner).write(record.id, record);
    } catch (e) {
      await this.#cache.delete(record.owner, record.id);
      throw e;
    }
    return true;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    if (!(await this.#cache.get(owner, id))) return false;
    await this.#dir(owner).delete(id);
    return this.#cache.delete(owner, id);
  }

  list(owner: string): Promise<FileRecord[]> {
    return this.#cache.list(owner);
  }

  listAll(): Promise<FileRecord[]> {
    return this.#cache.listAll();
  }

  #dir(owner: string): JsonRecordDir<FileRecord> {
    if (!OWNER.test(owner)) throw new TypeError(`invalid owner id ${JSON.stringify(owner)}`);
    return new JsonRecordDir<FileRecord>(join(this.root, owner));
  }
}
