import { isGemserveError } from '../core/errors.js';
import type { Caller } from '../gateway/caller.js';
import type { ModelCall } from '../generation/generation-call.js';
import type { GenerationService } from '../generation/generation-service.js';
import type { Clock } from '../storage/clock.js';
import type { BatchStore, ClaimedItem } from '../storage/batches/batch-store.js';
import type { BatchFinish, BatchJob, BatchOutcome } from '../storage/batches/batch-record.js';
import type { FileService } from '../storage/files/file-service.js';
import { batchExpiredError, DEFAULT_BATCH_MAX_AGE_MS, isBatchOverdue } from './batch-expiry.js';
import { toRpcStatus } from './to-rpc-status.js';
import { writeBatchOutputFile } from './write-batch-output-file.js';

/** What the worker runs on. */
export interface BatchWorkerOptions {
  /** The generation service that runs each request, exactly as interactive calls run. */
  service: GenerationService;
  store: BatchStore;
  /** For file jobs' output Files. */
  files?: FileService;
  /** Requests run at once (`batchConcurrency`). */
  concurrency: number;
  clock: Clock;
  onError: (e: unknown) => void;
  /** Told how many requests a previous run left running (a crash) and that now run again. */
  onResume?: (requeued: number) => void;
  /** How often an idle worker looks for work it was not told about. */
  pollMs?: number;
  /**
   * How long a job may stay pending or running before it expires (BATCH_STATE_EXPIRED);
   * default {@link DEFAULT_BATCH_MAX_AGE_MS}, Google's 48 hours.
   */
  maxJobAgeMs?: number;
}

/**
 * How often (in clock time) the lanes look for jobs past their age. A job is also checked when
 * one of its requests is claimed and when it is read (`expireIfOverdue`), so this sweep only
 * decides how soon an idle, unread job is marked: minutes against a 48-hour age.
 */
const EXPIRY_SWEEP_MS = 60_000;

/** The model method each kind of job runs per request. */
const METHOD = { generate: 'generateContent', embed: 'embedContent' } as const;

/**
 * Runs the Batch API's requests: `concurrency` lanes, each claiming the next pending request of
 * the oldest active job (store order), running it through the generation service exactly as an
 * interactive call of the model's `generateContent` or `embedContent` (media, the owner's Files,
 * cachedContent, code execution, metering, Google's errors) and writing the outcome. The call
 * acts for the job's owner and is marked as a batch call (`ModelCall.batch`): exempt from rate
 * limits, queued behind interactive traffic, billed at the batch rate under a fixed usage id.
 *
 * Crash safety is the store's claim → complete protocol (batch-store.ts): on start, requests a
 * crash left running go back to pending, and jobs whose requests are all finished are finished.
 * On stop, requests in flight are aborted and released, never recorded as failed.
 *
 * Expiry: a job still pending or running more than `maxJobAgeMs` after its creation ends as
 * `expired`, exactly as a cancel ends it (its pending requests never run, results already
 * produced are kept, a file job's go to its output File), found by a sweep on start and every
 * {@link EXPIRY_SWEEP_MS} of clock time, when a lane claims one of its requests, and when the
 * routes read it.
 */
export class BatchWorker {
  readonly #o: BatchWorkerOptions;
  readonly #inFlight = new Set<AbortController>();
  readonly #finishing = new Set<string>();
  /** Jobs being ended (cancel, expiry): one ending per job, shared by whoever asks. */
  readonly #ending = new Map<string, Promise<boolean>>();
  readonly #maxJobAgeMs: number;
  /** Clock time of the next expiry sweep. */
  #nextSweep = 0;
  #lanes: Promise<void>[] = [];
  #stopping = false;
  #wake: (() => void) | undefined;
  #wakeup: Promise<void> | undefined;

  constructor(options: BatchWorkerOptions) {
    this.#o = options;
    this.#maxJobAgeMs = options.maxJobAgeMs ?? DEFAULT_BATCH_MAX_AGE_MS;
  }

  /** Recovers from a previous run, then starts the lanes. */
  async start(): Promise<void> {
    const { store } = this.#o;
    const requeued = await store.requeueRunning();
    if (requeued > 0) this.#o.onResume?.(requeued);
    for (const job of await store.activeJobs()) await this.#finishIfDone(job.id);
    // Jobs that grew too old while the server was down expire before anything of theirs runs.
    await this.#sweepIfDue();
    for (let i = 0; i < Math.max(1, this.#o.concurrency); i++) this.#lanes.push(this.#lane());
  }

  /** New work (a job was created): wake idle lanes now rather than at the next poll. */
  notify(): void {
    this.#wake?.();
  }

  /**
   * Cancels an active job: its pending requests never run; requests in flight finish and are
   * kept. A file job's finished results are written to its output File first.
   */
  async cancel(job: BatchJob): Promise<void> {
    await this.#end(job, { state: 'cancelled' });
  }

  /**
   * Expires `job` if it is active and past the maximum age, ending it as {@link cancel} does, with
   * the expiry error; true if the job ended now (by this call, or by a cancel or expiry it joined).
   * A failure to write a file job's output File is reported and leaves the job active, to be tried
   * again by the next sweep.
   */
  async expireIfOverdue(job: BatchJob): Promise<boolean> {
    if (!isBatchOverdue(job, this.#o.clock.now(), this.#maxJobAgeMs)) return false;
    try {
      return await this.#end(job, { state: 'expired', error: batchExpiredError(this.#maxJobAgeMs) });
    } catch (e) {
      this.#o.onError(e);
      return false;
    }
  }

  /** Expires every active job past the maximum age; returns how many it ended. */
  async expireOverdue(): Promise<number> {
    let n = 0;
    for (const job of await this.#o.store.activeJobs()) if (await this.expireIfOverdue(job)) n++;
    return n;
  }

  /** Stops the lanes, aborting and releasing the requests in flight. Idempotent. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const c of this.#inFlight) c.abort();
    this.#wake?.();
    await Promise.allSettled(this.#lanes);
  }

  async #lane(): Promise<void> {
    const { store, clock, onError } = this.#o;
    while (!this.#stopping) {
      await this.#sweepIfDue();
      let claimed: ClaimedItem | undefined;
      try {
        claimed = await store.claim(clock.now());
      } catch (e) {
        onError(e);
      }
      if (!claimed) {
        await this.#idle();
        continue;
      }
      try {
        await this.#run(claimed);
      } catch (e) {
        onError(e);
      }
    }
  }

  /** Runs the expiry sweep when {@link EXPIRY_SWEEP_MS} of clock time has passed since the last (one lane at a time). */
  async #sweepIfDue(): Promise<void> {
    const now = this.#o.clock.now();
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + EXPIRY_SWEEP_MS;
    try {
      await this.expireOverdue();
    } catch (e) {
      this.#o.onError(e);
    }
  }

  /**
   * Ends an active job as `finish` says, after writing a file job's finished results to its
   * output File. Concurrent calls for one job share the first (a cancel racing an expiry ends it
   * once, and the File is not written twice at the same time); false if the job was already final.
   */
  #end(job: BatchJob, finish: Omit<BatchFinish, 'at' | 'responsesFile'>): Promise<boolean> {
    let ending = this.#ending.get(job.id);
    if (!ending) {
      const { store, files, clock } = this.#o;
      ending = (async () => {
        let responsesFile: string | undefined;
        if (job.input.kind === 'file' && files) responsesFile = await writeBatchOutputFile(files, job, await store.items(job.id));
        return store.finish(job.id, { ...finish, at: clock.now(), ...(responsesFile ? { responsesFile } : {}) });
      })().finally(() => this.#ending.delete(job.id));
      this.#ending.set(job.id, ending);
    }
    return ending;
  }

  /** Waits for `notify`, `stop` or the poll interval. */
  #idle(): Promise<void> {
    // One wake-up shared by every idle lane.
    this.#wakeup ??= new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#wakeup = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.#o.pollMs ?? 1000);
      timer.unref();
      this.#wake = done;
    });
    return this.#wakeup;
  }

  async #run({ job, item }: ClaimedItem): Promise<void> {
    const { store, clock } = this.#o;
    // Claimed just as the worker stopped: leave it for the next start.
    if (this.#stopping) {
      await store.release(job.id, item.index);
      return;
    }
    // Its job passed its age since the last sweep: the job expires and the request stays unrun
    // (released once the job is final, so no lane claims it again). Should expiring fail, it runs.
    if (await this.expireIfOverdue(job)) {
      await store.release(job.id, item.index);
      return;
    }
    const controller = new AbortController();
    this.#inFlight.add(controller);
    let outcome: BatchOutcome;
    try {
      outcome = await this.#execute(job, item.index, item.request, controller.signal);
    } catch (e) {
      // Stopping: the request goes back to pending and runs again on the next start.
      if (controller.signal.aborted) {
        await store.release(job.id, item.index);
        return;
      }
      throw e;
    } finally {
      this.#inFlight.delete(controller);
    }
    if (await store.complete(job.id, item.index, outcome, clock.now())) await this.#finishIfDone(job.id);
  }

  /**
   * One request of a job through the service, as its owner: the response, or the error an
   * interactive call would have answered, as a google.rpc.Status. An abort (the worker stopping)
   * is thrown, never recorded.
   */
  async #execute(job: BatchJob, index: number, request: unknown, signal: AbortSignal): Promise<BatchOutcome> {
    const { service } = this.#o;
    const method = METHOD[job.kind];
    // The job names the model; a `model` inside the request is the same one (Google requires it).
    const { model: _model, ...body } = request as Record<string, unknown>;
    try {
      const caller = job.caller as Caller;
      const call: ModelCall = {
        caller, model: service.resolveModel(caller, job.model, 'v1beta', method), requestedModel: job.model, method,
        signal, body, batch: { jobId: job.id, index },
      };
      if (job.kind === 'generate') return { response: (await service.generate(call)).response };
      const [embedding] = await service.embed(call);
      return { response: { embedding } };
    } catch (e) {
      if (signal.aborted) throw e;
      if (!isGemserveError(e)) this.#o.onError(e);
      const error = isGemserveError(e) ? e : { status: 'INTERNAL', message: 'An internal error has occurred.' };
      return { error: toRpcStatus(error) };
    }
  }

  /** A job whose requests all finished: its output File (file jobs), then `succeeded`; `failed` if the File cannot be written. */
  async #finishIfDone(jobId: string): Promise<void> {
    const { store, files, clock } = this.#o;
    if (this.#finishing.has(jobId)) return;
    this.#finishing.add(jobId);
    try {
      if (!(await store.isFinished(jobId))) return;
      const job = await store.get(jobId);
      if (!job || (job.state !== 'pending' && job.state !== 'running')) return;
      if (job.input.kind !== 'file') {
        await store.finish(jobId, { state: 'succeeded', at: clock.now() });
        return;
      }
      try {
        if (!files) throw new Error('the server has no Files API');
        const responsesFile = await writeBatchOutputFile(files, job, await store.items(jobId));
        await store.finish(jobId, { state: 'succeeded', at: clock.now(), responsesFile });
      } catch (e) {
        this.#o.onError(e);
        await store.finish(jobId, { state: 'failed', at: clock.now(), error: { status: 'INTERNAL', message: 'Writing the batch output file failed.' } });
      }
    } finally {
      this.#finishing.delete(jobId);
    }
  }
}
