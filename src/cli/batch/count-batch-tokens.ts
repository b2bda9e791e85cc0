/**
 * The estimate's token counts: `:countTokens` for each sendable input, a few at a time. The
 * whole request is counted (`generateContentRequest`), so a system instruction or tools in a
 * JSONL request line are priced as the server will bill them. countTokens is free.
 */
import type { CountTokensResponse, GenerateContentRequest } from '../../api/gemini/types.js';
import type { BatchInput } from './batch-input.js';
import type { CallFailure, CallResult } from './call-gemini.js';
import type { RequestCount } from './estimate-batch-cost.js';

/** Counts one request. */
export type CountTokens = (req: GenerateContentRequest) => Promise<CallResult<CountTokensResponse>>;

/** The counts, and why some inputs could not be counted. */
export interface BatchTokenCounts {
  counts: RequestCount[];
  failures: Array<{ key: string; error: CallFailure }>;
}

/** Counts the inputs that are not refused, `concurrency` at a time. */
export async function countBatchTokens(inputs: readonly BatchInput[], countTokens: CountTokens, concurrency: number): Promise<BatchTokenCounts> {
  const todo = inputs.filter((i) => !i.refused);
  const counts: RequestCount[] = [];
  const failures: BatchTokenCounts['failures'] = [];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const input = todo[next++];
      let request: GenerateContentRequest;
      try {
        request = await input.load();
      } catch (e) {
        failures.push({ key: input.key, error: { message: `cannot read it: ${(e as Error).message}` } });
        continue;
      }
      const r = await countTokens(request);
      if (!r.ok) {
        failures.push({ key: input.key, error: r.error });
        continue;
      }
      const max = request.generationConfig?.maxOutputTokens;
      counts.push({
        promptTokens: r.body.totalTokens ?? 0,
        ...(r.body.promptTokensDetails ? { promptByModality: r.body.promptTokensDetails } : {}),
        ...(max !== undefined ? { maxOutputTokens: max } : {}),
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, todo.length)) }, worker));
  return { counts, failures };
}
