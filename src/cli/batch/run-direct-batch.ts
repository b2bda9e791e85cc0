/**
 * Direct mode: each input is one `:generateContent` call, at most `concurrency` at a time, in
 * input order. Latency is measured per request from sending to the last byte (retry waits
 * included: that is how long the answer took). When `interrupt` fires (Ctrl-C), no new request
 * starts and retry waits end, but requests already being answered are let finish: they are
 * paid for, and a second Ctrl-C exits at once (cli-context.ts).
 */
import type { GenerateContentRequest, GenerateContentResponse } from '../../api/gemini/types.js';
import type { PriceMicros } from '../../gateway/usage/price-table.js';
import type { BatchInput } from './batch-input.js';
import type { BatchCounts } from './batch-progress.js';
import { resultFromError, resultFromResponse, type BatchResult } from './batch-result.js';
import type { CallResult } from './call-gemini.js';

/** Sends one request; `stopRetrying` is the interrupt. */
export type Generate = (req: GenerateContentRequest, stopRetrying: AbortSignal) => Promise<CallResult<GenerateContentResponse>>;

/** Options of {@link runDirectBatch}. */
export interface DirectBatchOptions {
  inputs: readonly BatchInput[];
  concurrency: number;
  generate: Generate;
  price: PriceMicros | undefined;
  interrupt: AbortSignal;
  onProgress?: (counts: BatchCounts) => void;
  now?: () => number;
}

/** What ran: a result per input that finished, in input order, and whether Ctrl-C stopped it. */
export interface DirectBatchOutcome {
  results: BatchResult[];
  interrupted: boolean;
}

/** Runs the batch; never rejects for a failed request (it becomes a failed result). */
export async function runDirectBatch(opts: DirectBatchOptions): Promise<DirectBatchOutcome> {
  const now = opts.now ?? performance.now.bind(performance);
  const slots: Array<BatchResult | undefined> = new Array(opts.inputs.length);
  const total = opts.inputs.length;
  let done = 0;
  let failed = 0;
  let next = 0;
  const finish = (i: number, r: BatchResult) => {
    slots[i] = r;
    done++;
    if (!r.ok) failed++;
    opts.onProgress?.({ done, failed, total });
  };
  const runOne = async (i: number) => {
    const input = opts.inputs[i];
    let request: GenerateContentRequest;
    try {
      request = await input.load();
    } catch (e) {
      return finish(i, resultFromError(input, { message: `cannot read it: ${(e as Error).message}` }));
    }
    const started = now();
    const r = await opts.generate(request, opts.interrupt);
    const ctx = { price: opts.price, batch: false, latencyMs: now() - started, attempts: r.attempts };
    finish(i, r.ok ? resultFromResponse(input, r.body, ctx) : resultFromError(input, r.error, ctx));
  };
  // Refused inputs are settled first: an interrupted batch still reports every bad file.
  const sendable: number[] = [];
  opts.inputs.forEach((input, i) => {
    if (input.refused) {
      slots[i] = resultFromError(input, { message: input.refused });
      done++;
      failed++;
    } else sendable.push(i);
  });
  const worker = async () => {
    while (!opts.interrupt.aborted && next < sendable.length) await runOne(sendable[next++]);
  };
  opts.onProgress?.({ done, failed, total });
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, sendable.length)) }, worker));
  return { results: slots.filter((r): r is BatchResult => r !== undefined), interrupted: opts.interrupt.aborted && done < total };
}
