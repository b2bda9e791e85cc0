import type { FileRecord } from './file-record.js';

/**
 * Where File records live, one namespace per owner: two API keys may each have `files/abc`,
 * and one key can neither read nor detect the other's. Memory and disk (one JSON file per
 * record) implementations; SQLite later, behind this same interface.
 */
export interface FileMetadataStore {
  /** The owner's record with this id, expired or not (expiry is the service's business). */
  get(owner: string, id: string): Promise<FileRecord | undefined>;
  /** Inserts the record unless its owner already has one with that id; false then. */
  create(record: FileRecord): Promise<boolean>;
  /** Deletes the owner's record; false when there was none. */
  delete(owner: string, id: string): Promise<boolean>;
  /** The owner's records, newest first (then by id, so pages are stable). */
  list(owner: string): Promise<FileRecord[]>;
  /** Every owner's records (for the sweeper), in no particular order. */
  listAll(): Promise<FileRecord[]>;
}

/** Newest first, then by id: the order of `list`. */
export function newestFirst(a: FileRecord, b: FileRecord): number {
  return b.createTime - a.createTime || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
