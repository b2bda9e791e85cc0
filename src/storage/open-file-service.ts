import { join } from 'node:path';
import { LocalBlobStore } from './blobs/local-blob-store.js';
import { MemoryBlobStore } from './blobs/memory-blob-store.js';
import { systemClock, type Clock } from './clock.js';
import { DiskFileMetadataStore } from './files/disk-file-metadata-store.js';
import { FileService } from './files/file-service.js';
import { MemoryFileMetadataStore } from './files/memory-file-metadata-store.js';
import { DiskUploadSessionStore } from './uploads/disk-upload-session-store.js';
import { MemoryUploadSessionStore } from './uploads/memory-upload-session-store.js';

/** How often the server sweeps expired files and abandoned uploads. */
export const SWEEP_INTERVAL_MS = 60 * 1000;

/** Options of {@link openLocalFileService}. */
export interface LocalFileServiceOptions {
  /** The data dir (setting `dataDir`); the Files API keeps everything below `<dataDir>/files`. */
  dataDir: string;
  clock?: Clock;
  /** Told about unreadable records, which are skipped. */
  onBadRecord?: (path: string, error: unknown) => void;
}

/**
 * The Files API on local disk, below `<dataDir>/files`: `blobs/` (bytes; partial uploads and
 * temp files too), `records/<owner>/<id>.json` (File records), `uploads/<id>.json` (sessions).
 * Cleans up after a crash before returning. Creates nothing until the first upload.
 */
export async function openLocalFileService(opts: LocalFileServiceOptions): Promise<FileService> {
  const root = join(opts.dataDir, 'files');
  const service = new FileService({
    blobs: await LocalBlobStore.open(join(root, 'blobs')),
    metadata: await DiskFileMetadataStore.open(join(root, 'records'), opts.onBadRecord),
    sessions: new DiskUploadSessionStore(join(root, 'uploads')),
    clock: opts.clock ?? systemClock,
  });
  await service.reconcile();
  return service;
}

/** The Files API in memory: for tests, and servers that should keep nothing on disk. */
export function createMemoryFileService(opts: { clock?: Clock } = {}): FileService {
  return new FileService({
    blobs: new MemoryBlobStore(),
    metadata: new MemoryFileMetadataStore(),
    sessions: new MemoryUploadSessionStore(),
    clock: opts.clock ?? systemClock,
  });
}
