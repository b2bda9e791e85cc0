import { Errors } from '../../core/errors.js';
import type { BatchCounts, BatchFinish, BatchItem, BatchJob, BatchOutcome, NewBatchItem } from './batch-record.js';
import type { BatchStore, ClaimedItem } from './batch-store.js';

/** What a refusal asks the client to wait: enqueued work drains as the worker runs it, at no known rate. */
const RETRY_AFTER_MS = 60_000;

/**
 * A {@link BatchStore} that refuses a job which would take its owner's enqueued requests past
 * `max`, with Google's 429 RESOURCE_EXHAUSTED and a QuotaFailure naming the cap. Creations are
 * checked one at a time, so two jobs created at once cannot both slip under the cap. Google caps
 * a project's enqueued batch work per model and tier in tokens ("Batch Enqueued Tokens",
 * ai.google.dev/gemini-api/docs/rate-limits); gemserve counts requests, known at create time
 * without tokenising a whole JSONL File (the cap's default: settings.ts `batchMaxEnqueued`).
 */
export class CappedBatchStore implements BatchStore {
  readonly #store: BatchStore;
  readonly #max: number;
  #creating: Promise<unknown> = Promise.resolve();

  constructor(store: BatchStore, max: number) {
    this.#store = store;
    this.#max = max;
  }

  create(job: BatchJob, items: readonly NewBatchItem[]): Promise<void> {
    const created = this.#creating.then(async () => {
      const enqueued = await this.#store.pendingRequests(job.owner);
      if (enqueued + items.length > this.#max) {
        throw Errors.quotaExceeded([{
          quotaMetric: 'generativelanguage.googleapis.com/batch_enqueued_requests',
          quotaId: 'BatchEnqueuedRequestsPerKey',
          model: job.model,
          limit: this.#max,
        }], RETRY_AFTER_MS);
      }
      await this.#store.create(job, items);
    });
    this.#creating = created.catch(() => {});
    return created;
  }

  get(id: string): Promise<BatchJob | undefined> { return this.#store.get(id); }
  list(owner: string, page: { after?: number; limit: number }): Promise<Array<{ job: BatchJob; position: number }>> { return this.#store.list(owner, page); }
  counts(id: string): Promise<BatchCounts> { return this.#store.counts(id); }
  isFinished(id: string): Promise<boolean> { return this.#store.isFinished(id); }
  items(id: string): Promise<BatchItem[]> { return this.#store.items(id); }
  claim(now: number): Promise<ClaimedItem | undefined> { return this.#store.claim(now); }
  complete(jobId: string, index: number, outcome: BatchOutcome, now: number): Promise<boolean> { return this.#store.complete(jobId, index, outcome, now); }
  release(jobId: string, index: number): Promise<void> { return this.#store.release(jobId, index); }
  requeueRunning(): Promise<number> { return this.#store.requeueRunning(); }
  pendingRequests(owner: string): Promise<number> { return this.#store.pendingRequests(owner); }
  activeJobs(): Promise<BatchJob[]> { return this.#store.activeJobs(); }
  finish(id: string, finish: BatchFinish): Promise<boolean> { return this.#store.finish(id, finish); }
  delete(id: string): Promise<boolean> { return this.#store.delete(id); }
  close(): Promise<void> { return this.#store.close(); }
}
