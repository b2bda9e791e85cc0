import type { BatchItem, CustomBatchingPrioritizationStrategy, LlamaContext, PrioritizedBatchItem } from 'node-llama-cpp';

/**
 * Turns of node-llama-cpp's batch loop (each a microtask) waited for a generating sequence's next
 * token before decoding without it. Measured: every sequence of LlamaChat had queued after 3 or 4
 * turns; a slot that holds no generation (tokenizing, between candidates) costs this many empty
 * turns, microseconds.
 */
export const MAX_WAIT_TURNS = 16;

/** The part of node-llama-cpp's LlamaContext (3.22.1, not public) read to learn each item's sequence. */
interface QueuedDecodes { _queuedDecodes?: readonly { sequenceId: number }[] }

/**
 * node-llama-cpp's batching as llama.cpp needs it, as an `itemPrioritizationStrategy`
 * (https://node-llama-cpp.withcat.ai/api/type-aliases/BatchingOptions):
 *
 * - **Every generating sequence in one decode.** node-llama-cpp's batch loop
 *   (`LlamaContext.dispatchPendingBatch`) decodes whatever is queued the moment the previous
 *   decode and its sampling end, before the other sequences have queued their next token: with 4
 *   sequences generating, ~169 of ~171 decodes held 3 tokens, one sequence always a decode late.
 *   Until `generating()` sequences have queued, this returns no item, which makes the loop turn
 *   again on a microtask, at most {@link MAX_WAIT_TURNS} times.
 * - **In ascending sequence order.** With a KV cache per sequence (node-llama-cpp sets
 *   `kv_unified = false`), llama.cpp puts into one micro-batch only sequences whose ids follow
 *   each other in the batch (`llama_batch_allocr::split_equal`, "accept only increasing sequence
 *   ids", src/llama-batch.cpp in ggml-org/llama.cpp): a batch of sequences 2, 3, 0, 1 is computed
 *   as two graphs. Measured on 4 sequences, one thread: 22 ms a decode in order, 30 ms rotated.
 *
 * Together they took 4 LlamaChat streams from 96-106 to 162 tokens/s (bench100m, 1 thread).
 * Tokens are shared out as node-llama-cpp's default `maximumParallelism` does (an even share
 * each, the rest to those with more).
 */
export function batchInSequenceOrder(
  context: () => LlamaContext | undefined,
  generating: () => number,
): CustomBatchingPrioritizationStrategy {
  let turns = 0;
  return ({ items, size }) => {
    if (items.length < generating() && turns < MAX_WAIT_TURNS) {
      turns++;
      return [];
    }
    turns = 0;
    // Items are built from the queue in its order (LlamaContext.js, getOrderedQueuedDecodes).
    const queued = (context() as unknown as QueuedDecodes | undefined)?._queuedDecodes;
    const ids = queued?.length === items.length ? queued.map((q) => q.sequenceId) : undefined;
    const ordered = ids
      ? items.map((item, i) => ({ item, id: ids[i] })).sort((a, b) => a.id - b.id).map((x) => x.item)
      : [...items];
    return shareTokens(ordered, size);
  };
}

/** An even share of `size` to each item in order, then what is left to those that want more. */
function shareTokens(items: readonly BatchItem[], size: number): PrioritizedBatchItem[] {
  const even = Math.max(1, Math.floor(size / Math.max(1, items.length)));
  let left = size;
  const out: PrioritizedBatchItem[] = [];
  for (const item of items) {
    if (left <= 0) break;
    const processAmount = Math.min(item.tokens.length, even, left);
    out.push({ item, processAmount });
    left -= processAmount;
  }
  for (const p of out) {
    if (left <= 0) break;
    const more = Math.min(p.item.tokens.length - p.processAmount, left);
    p.processAmount += more;
    left -= more;
  }
  return out;
}
