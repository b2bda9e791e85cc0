import type { GenerateContentResponse } from '../api/gemini/types.js';
import { Errors } from '../core/errors.js';
import { abortReason } from './abort-reason.js';
import type { CallEnd, CallMeter } from './meter-call.js';

/**
 * The chunks as the transport takes them, metered: each counted as sent; at the end the record
 * is written with the call's failure, if any: before the first chunk, a failure of the call; after
 * it, in-band. An engine that ends without any output is an internal error.
 */
export async function* meteredChunks(
  chunks: AsyncGenerator<GenerateContentResponse>, meter: CallMeter, signal: AbortSignal,
  reported: () => unknown, end: () => CallEnd,
): AsyncGenerator<GenerateContentResponse, void, undefined> {
  let sent = 0;
  let failure: unknown;
  try {
    for await (const chunk of chunks) {
      meter.sent(chunk);
      sent++;
      yield chunk;
    }
    failure = abortReason(signal);
    if (failure === undefined && sent === 0) failure = Errors.internal(new Error('engine ended without any output'));
    if (failure !== undefined) throw failure;
  } catch (e) {
    failure = abortReason(signal) ?? e;
    throw failure;
  } finally {
    // Stopped by the transport (a write failed, the client left): what it reported, else the abort.
    failure ??= reported() ?? abortReason(signal);
    if (failure !== undefined) {
      if (sent > 0) meter.failedInBand(failure);
      else meter.failed(failure);
    }
    meter.record(end());
  }
}
