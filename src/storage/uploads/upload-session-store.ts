import type { UploadSession } from './upload-session.js';

/** Where upload sessions live between chunk requests. Memory and disk implementations. */
export interface UploadSessionStore {
  get(id: string): Promise<UploadSession | undefined>;
  /** Creates or replaces the session. */
  put(session: UploadSession): Promise<void>;
  delete(id: string): Promise<void>;
  /** Every session, expired or not (for the sweeper). */
  listAll(): Promise<UploadSession[]>;
}
