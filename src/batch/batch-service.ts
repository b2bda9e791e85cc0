import type { Clock } from '../storage/clock.js';
import type { BatchStore } from '../storage/batches/batch-store.js';
import type { FileService } from '../storage/files/file-service.js';
import type { BatchWorker } from './batch-worker.js';

/** What the batch routes (routes/batches.ts) work with: the jobs, the worker that runs them, time, and Files. */
export interface BatchService {
  store: BatchStore;
  worker: BatchWorker;
  clock: Clock;
  /** For JSONL input Files and output Files; absent, file batches are refused. */
  files?: FileService;
}
