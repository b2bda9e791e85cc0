import { FINAL_BATCH_STATES, type BatchJob } from '../storage/batches/batch-record.js';

/**
 * How long a batch job may stay pending or running before it expires: Google's Batch API says a
 * job "expires if it is pending or running for more than 48 hours" and then reports
 * BATCH_STATE_EXPIRED (the SDKs' JOB_STATE_EXPIRED), a final state
 * (ai.google.dev/gemini-api/docs/batch-api). The worker's default `maxJobAgeMs`.
 */
export const DEFAULT_BATCH_MAX_AGE_MS = 48 * 60 * 60 * 1000;

/**
 * Whether `job` is still active at `now` but has been so for more than `maxAgeMs` since it was
 * created ("more than": a job exactly `maxAgeMs` old is not yet expired).
 */
export function isBatchOverdue(job: BatchJob, now: number, maxAgeMs: number): boolean {
  return !FINAL_BATCH_STATES.has(job.state) && now - job.createTime > maxAgeMs;
}

/**
 * The error an expired job's Operation carries, stored with the job so the text names the age
 * that applied. Not verified against Google (no recorded expired Operation): DEADLINE_EXCEEDED
 * (gRPC code 4) is google.rpc's code for "the deadline expired before the operation could
 * complete"; the message is gemserve's.
 */
export function batchExpiredError(maxAgeMs: number): { status: 'DEADLINE_EXCEEDED'; message: string } {
  return { status: 'DEADLINE_EXCEEDED', message: `The batch expired: it was pending or running for more than ${durationText(maxAgeMs)}.` };
}

/** `48 hours`, `90 minutes`, `5 seconds`: the largest whole unit. */
function durationText(ms: number): string {
  const units: Array<[string, number]> = [['hour', 3_600_000], ['minute', 60_000], ['second', 1000]];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return plural(ms / size, unit);
  }
  return plural(ms, 'millisecond');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
