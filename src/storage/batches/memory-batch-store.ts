import { FINAL_BATCH_STATES, type BatchCounts, type BatchFinish, type BatchItem, type BatchJob, type BatchOutcome, type NewBatchItem } from './batch-record.js';
import type { BatchStore, ClaimedItem } from './batch-store.js';

/** Jobs in a Map (insertion order is creation order): for tests and servers without a data dir. Forgets on restart. */
export class MemoryBatchStore implements BatchStore {
  readonly #jobs = new Map<string, { job: BatchJob; items: BatchItem[]; position: number }>();
  #created = 0;

  async create(job: BatchJob, items: readonly NewBatchItem[]): Promise<void> {
    if (this.#jobs.has(job.id)) throw new Error(`batch ${job.id} already exists`);
    this.#jobs.set(job.id, {
      job: structuredClone(job),
      items: items.map((it, index) => ({ ...structuredClone(it), jobId: job.id, index, state: 'pending' as const })),
      position: ++this.#created,
    });
  }

  async get(id: string): Promise<BatchJob | undefined> {
    const entry = this.#jobs.get(id);
    return entry ? structuredClone(entry.job) : undefined;
  }

  async list(owner: string, page: { after?: number; limit: number }): Promise<Array<{ job: BatchJob; position: number }>> {
    const mine = [...this.#jobs.values()].filter((e) => e.job.owner === owner && (page.after === undefined || e.position < page.after)).reverse();
    return mine.slice(0, page.limit).map((e) => ({ job: structuredClone(e.job), position: e.position }));
  }

  async counts(id: string): Promise<BatchCounts> {
    const items = this.#jobs.get(id)?.items ?? [];
    const count = (s: BatchItem['state']) => items.filter((i) => i.state === s).length;
    return { total: items.length, succeeded: count('done'), failed: count('failed'), pending: count('pending') + count('running') };
  }

  async isFinished(id: string): Promise<boolean> {
    return (this.#jobs.get(id)?.items ?? []).every((i) => i.state === 'done' || i.state === 'failed');
  }

  async items(id: string): Promise<BatchItem[]> {
    return structuredClone(this.#jobs.get(id)?.items ?? []);
  }

  async claim(now: number): Promise<ClaimedItem | undefined> {
    for (const entry of this.#active()) {
      const item = entry.items.find((i) => i.state === 'pending');
      if (!item) continue;
      item.state = 'running';
      if (entry.job.state === 'pending') {
        entry.job.state = 'running';
        entry.job.updateTime = now;
      }
      return { job: structuredClone(entry.job), item: structuredClone(item) };
    }
    return undefined;
  }

  async complete(jobId: string, index: number, outcome: BatchOutcome, now: number): Promise<boolean> {
    const entry = this.#jobs.get(jobId);
    const item = entry?.items[index];
    if (!entry || !item || item.state !== 'running') return false;
    if ('response' in outcome) {
      item.state = 'done';
      item.response = structuredClone(outcome.response);
    } else {
      item.state = 'failed';
      item.error = structuredClone(outcome.error);
    }
    entry.job.updateTime = now;
    return true;
  }

  async release(jobId: string, index: number): Promise<void> {
    const item = this.#jobs.get(jobId)?.items[index];
    if (item?.state === 'running') item.state = 'pending';
  }

  async requeueRunning(): Promise<number> {
    let n = 0;
    for (const entry of this.#jobs.values()) {
      for (const item of entry.items) {
        if (item.state === 'running') {
          item.state = 'pending';
          n++;
        }
      }
    }
    return n;
  }

  async pendingRequests(owner: string): Promise<number> {
    let n = 0;
    for (const e of this.#active()) if (e.job.owner === owner) n += e.items.filter((i) => i.state === 'pending' || i.state === 'running').length;
    return n;
  }

  async activeJobs(): Promise<BatchJob[]> {
    return this.#active().map((e) => structuredClone(e.job));
  }

  /** Active jobs in run order: highest priority first, then creation (a stable sort keeps Map order). */
  #active(): Array<{ job: BatchJob; items: BatchItem[] }> {
    return [...this.#jobs.values()]
      .filter((e) => !FINAL_BATCH_STATES.has(e.job.state))
      .sort((a, b) => (b.job.priority ?? 0) - (a.job.priority ?? 0));
  }

  async finish(id: string, finish: BatchFinish): Promise<boolean> {
    const job = this.#jobs.get(id)?.job;
    if (!job || FINAL_BATCH_STATES.has(job.state)) return false;
    job.state = finish.state;
    job.updateTime = finish.at;
    job.endTime = finish.at;
    if (finish.responsesFile !== undefined) job.responsesFile = finish.responsesFile;
    if (finish.error !== undefined) job.error = { ...finish.error };
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return this.#jobs.delete(id);
  }

  async close(): Promise<void> {}
}
