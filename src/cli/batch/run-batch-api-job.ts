/**
 * Batch API mode: the requests go as one job (`:batchGenerateContent`, inline), then the job is
 * polled (`GET /v1beta/batches/{id}`) until it reaches a final state, the progress fed by its
 * `batchStats`. Ctrl-C cancels the job (`POST …:cancel`) and collects what it answered so far.
 * Google keeps inline jobs for "smaller batches that keep the total request size under 20MB"
 * (ai.google.dev/gemini-api/docs/batch-mode); larger ones are sent anyway, with a warning, since
 * a gemserve server may take them.
 */
import type { GenerateContentRequest } from '../../api/gemini/types.js';
import type { PriceMicros } from '../../gateway/usage/price-table.js';
import type { BatchInput } from './batch-input.js';
import { buildBatchJobBody, matchResponses, parseBatchOperation, type BatchJobStatus, type KeyedRequest } from './batch-api-job.js';
import type { BatchCounts } from './batch-progress.js';
import { resultFromError, resultFromResponse, type BatchResult } from './batch-result.js';
import type { CallFailure, CallResult } from './call-gemini.js';

/** Google's suggested ceiling of an inline batch request, bytes. */
export const INLINE_BATCH_BYTES = 20 * 1000 * 1000;

/** Polls in a row that may fail (server restarting, network) before the job is given up on. */
const MAX_FAILED_POLLS = 10;

/** The HTTP calls the job needs, bound to a server, model and key by the caller. */
export interface BatchApiClient {
  create(body: unknown): Promise<CallResult<unknown>>;
  get(name: string): Promise<CallResult<unknown>>;
  cancel(name: string): Promise<CallResult<unknown>>;
}

/** Options of {@link runBatchApiJob}. */
export interface BatchApiOptions {
  inputs: readonly BatchInput[];
  client: BatchApiClient;
  price: PriceMicros | undefined;
  interrupt: AbortSignal;
  displayName: string;
  onProgress?: (counts: BatchCounts) => void;
  /** One line of news (job created, cancelled, a warning), for stderr. */
  onNote?: (line: string) => void;
  /** Waits between polls; default 1 s rising to 10 s. */
  pollDelayMs?: (poll: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** What ran: results in input order, whether Ctrl-C stopped it, the job's name and final state. */
export interface BatchApiOutcome {
  results: BatchResult[];
  interrupted: boolean;
  batchName?: string;
  state?: string;
}

const wait = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const done = () => {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  };
  const timer = setTimeout(done, ms);
  signal.addEventListener('abort', done, { once: true });
});

/** The Operation in `body`, or why it is not one (a server answering 200 with something else). */
function readOperation(body: unknown): BatchJobStatus | CallFailure {
  try {
    return parseBatchOperation(body);
  } catch (e) {
    return { message: (e as Error).message };
  }
}

/** Runs the job; request failures become failed results, a job that cannot be created fails them all. */
export async function runBatchApiJob(opts: BatchApiOptions): Promise<BatchApiOutcome> {
  const sleep = opts.sleep ?? wait;
  const pollDelay = opts.pollDelayMs ?? ((poll) => Math.min(10_000, 1000 * 1.5 ** poll));
  const total = opts.inputs.length;
  const refused = new Map<string, BatchResult>();
  const keyed: KeyedRequest[] = [];
  for (const input of opts.inputs) {
    if (input.refused) {
      refused.set(input.key, resultFromError(input, { message: input.refused }));
      continue;
    }
    try {
      keyed.push({ key: input.key, request: await input.load() as GenerateContentRequest });
    } catch (e) {
      refused.set(input.key, resultFromError(input, { message: `cannot read it: ${(e as Error).message}` }));
    }
  }
  const inOrder = (byKey: (input: BatchInput) => BatchResult | undefined) =>
    opts.inputs.map((i) => refused.get(i.key) ?? byKey(i)).filter((r): r is BatchResult => r !== undefined);
  const report = (sent: { succeeded: number; failed: number }) =>
    opts.onProgress?.({ done: refused.size + sent.succeeded + sent.failed, failed: refused.size + sent.failed, total });

  report({ succeeded: 0, failed: 0 });
  if (keyed.length === 0) return { results: inOrder(() => undefined), interrupted: false };
  const body = buildBatchJobBody(keyed, opts.displayName);
  const size = Buffer.byteLength(JSON.stringify(body));
  if (size > INLINE_BATCH_BYTES) {
    opts.onNote?.(`warning: the job is ${(size / 1e6).toFixed(1)} MB; Google takes inline batch jobs up to 20 MB (larger ones need a JSONL file upload)`);
  }
  const created = await opts.client.create(body);
  const first = created.ok ? readOperation(created.body) : created.error;
  if ('message' in first) {
    const message = `the batch job was not created: ${first.message}`;
    return { results: inOrder((i) => resultFromError(i, { ...first, message })), interrupted: false };
  }
  let status: BatchJobStatus = first;
  opts.onNote?.(`submitted ${status.name} (${keyed.length} requests)`);
  let cancelled = false;
  let failedPolls = 0;
  for (let poll = 0; !status.done; poll++) {
    report(status.stats);
    // After a cancel, one more look collects what was answered; no need to wait for the end.
    if (cancelled) break;
    if (opts.interrupt.aborted) {
      cancelled = true;
      const c = await opts.client.cancel(status.name);
      opts.onNote?.(c.ok ? `cancelled ${status.name}` : `could not cancel ${status.name}: ${c.error.message}`);
    } else {
      await sleep(pollDelay(poll), opts.interrupt);
    }
    const got = await opts.client.get(status.name);
    const next = got.ok ? readOperation(got.body) : got.error;
    if (!('message' in next)) {
      status = next;
      failedPolls = 0;
      continue;
    }
    const gone = next.httpStatus !== undefined && next.httpStatus < 500 && next.httpStatus !== 429;
    if (gone || ++failedPolls >= MAX_FAILED_POLLS) {
      // The job is gone, not ours, or the server is: nothing more will come of polling.
      const message = `lost track of ${status.name}: ${next.message}`;
      return { results: inOrder((i) => resultFromError(i, { ...next, message })), interrupted: opts.interrupt.aborted, batchName: status.name };
    }
  }
  report(status.stats);
  const answers = matchResponses(keyed.map((k) => k.key), status.responses ?? []);
  const ctx = { price: opts.price, batch: true };
  const results = inOrder((input) => {
    const a = answers.get(input.key);
    if (a?.response) return resultFromResponse(input, a.response, ctx);
    if (a?.error) return resultFromError(input, { httpStatus: a.error.code, status: a.error.status, message: a.error.message });
    if (cancelled) return undefined;
    const why = status.error?.message ? `: ${status.error.message}` : '';
    return resultFromError(input, { message: `no answer: the job ended ${status.state}${why}` });
  });
  return { results, interrupted: cancelled, batchName: status.name, state: status.state };
}
