import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { randomToken } from './random-id.js';

const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Temp files of writes in flight in this process, by path: `readAll` runs while requests write
 * (files.list, the storage quota's sum of upload sessions), and must not take a temp file from
 * under a write about to rename it. Any other temp file was left by a crash (one process owns a
 * data dir: its serve.pid lock).
 */
const WRITING = new Set<string>();

/**
 * A folder of JSON records, one file `<id>.json` per record: the disk form of the metadata
 * stores until they move to SQLite. Writes go to a dot-prefixed temp file that is synced and
 * then renamed over the record, so a reader or a crash sees the old record or the new one,
 * never a torn one. Ids are validated, so a record path never leaves the folder.
 */
export class JsonRecordDir<T> {
  constructor(readonly dir: string) {}

  /** Writes the record atomically. */
  async write(id: string, record: T): Promise<void> {
    const path = this.#path(id);
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.tmp-${randomToken(12)}`);
    WRITING.add(tmp);
    try {
      const fh = await open(tmp, 'wx');
      try {
        await fh.writeFile(JSON.stringify(record));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, path);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    } finally {
      WRITING.delete(tmp);
    }
  }

  /** The record, or undefined when there is none. */
  async read(id: string): Promise<T | undefined> {
    const text = await readFile(this.#path(id), 'utf8').catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return undefined;
      throw e;
    });
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  /** Deletes the record; no error when there is none. */
  async delete(id: string): Promise<void> {
    await unlink(this.#path(id)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  /**
   * Every record, with its id. Removes temp files left by a crash (not those of writes in flight); a record that is not valid
   * JSON (a disk fault, a hand edit) is skipped and reported through `onBad`, not fatal.
   */
  async readAll(onBad: (id: string, error: unknown) => void = () => undefined): Promise<Array<{ id: string; record: T }>> {
    const names = await readdir(this.dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [] as string[];
      throw e;
    });
    const out: Array<{ id: string; record: T }> = [];
    for (const name of names) {
      if (name.startsWith('.tmp-')) {
        if (!WRITING.has(join(this.dir, name))) await unlink(join(this.dir, name)).catch(() => undefined);
        continue;
      }
      if (!name.endsWith('.json') || !ID.test(name.slice(0, -5))) continue;
      const id = name.slice(0, -5);
      try {
        out.push({ id, record: JSON.parse(await readFile(join(this.dir, name), 'utf8')) as T });
      } catch (e) {
        onBad(id, e);
      }
    }
    return out;
  }

  #path(id: string): string {
    if (!ID.test(id)) throw new TypeError(`invalid record id ${JSON.stringify(id)}`);
    return join(this.dir, `${id}.json`);
  }
}
