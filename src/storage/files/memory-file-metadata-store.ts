import type { FileRecord } from './file-record.js';
import { newestFirst, type FileMetadataStore } from './file-metadata-store.js';

/** A {@link FileMetadataStore} in memory (tests; servers that keep nothing across restarts). */
export class MemoryFileMetadataStore implements FileMetadataStore {
  readonly #byOwner = new Map<string, Map<string, FileRecord>>();

  async get(owner: string, id: string): Promise<FileRecord | undefined> {
    const r = this.#byOwner.get(owner)?.get(id);
    return r && { ...r };
  }

  async create(record: FileRecord): Promise<boolean> {
    let files = this.#byOwner.get(record.owner);
    if (!files) this.#byOwner.set(record.owner, (files = new Map()));
    if (files.has(record.id)) return false;
    files.set(record.id, { ...record });
    return true;
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const files = this.#byOwner.get(owner);
    const deleted = files?.delete(id) ?? false;
    if (files?.size === 0) this.#byOwner.delete(owner);
    return deleted;
  }

  async list(owner: string): Promise<FileRecord[]> {
    return [...(this.#byOwner.get(owner)?.values() ?? [])].map((r) => ({ ...r })).sort(newestFirst);
  }

  async listAll(): Promise<FileRecord[]> {
    return [...this.#byOwner.values()].flatMap((m) => [...m.values()]).map((r) => ({ ...r }));
  }
}
