import { JsonRecordDir } from '../json-record-dir.js';
import { UPLOAD_ID_PATTERN, type UploadSession } from './upload-session.js';
import type { UploadSessionStore } from './upload-session-store.js';

/**
 * An {@link UploadSessionStore} on disk, `<root>/<id>.json` written atomically, so an upload
 * can resume after a server restart. Ids that are not session-shaped are never looked up.
 */
export class DiskUploadSessionStore implements UploadSessionStore {
  readonly #dir: JsonRecordDir<UploadSession>;

  constructor(readonly root: string) {
    this.#dir = new JsonRecordDir(root);
  }

  async get(id: string): Promise<UploadSession | undefined> {
    if (!UPLOAD_ID_PATTERN.test(id)) return undefined;
    const s = await this.#dir.read(id).catch((e: unknown) => {
      if (e instanceof SyntaxError) return undefined; // a torn hand edit: treat as gone
      throw e;
    });
    return s?.id === id ? s : undefined;
  }

  put(session: UploadSession): Promise<void> {
    return this.#dir.write(session.id, session);
  }

  delete(id: string): Promise<void> {
    return UPLOAD_ID_PATTERN.test(id) ? this.#dir.delete(id) : Promise.resolve();
  }

  async listAll(): Promise<UploadSession[]> {
    return (await this.#dir.readAll()).filter(({ id, record }) => record.id === id).map(({ record }) => record);
  }
}
