import type { UploadSession } from './upload-session.js';
import type { UploadSessionStore } from './upload-session-store.js';

/** An {@link UploadSessionStore} in memory. */
export class MemoryUploadSessionStore implements UploadSessionStore {
  readonly #sessions = new Map<string, UploadSession>();

  async get(id: string): Promise<UploadSession | undefined> {
    const s = this.#sessions.get(id);
    return s && { ...s };
  }

  async put(session: UploadSession): Promise<void> {
    this.#sessions.set(session.id, { ...session });
  }

  async delete(id: string): Promise<void> {
    this.#sessions.delete(id);
  }

  async listAll(): Promise<UploadSession[]> {
    return [...this.#sessions.values()].map((s) => ({ ...s }));
  }
}
