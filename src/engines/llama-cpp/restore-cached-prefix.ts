import type { LlamaContextSequence, Token } from 'node-llama-cpp';
import type { PrefixStateStore } from './prefix-state-store.js';
import { commonPrefixLength } from './render-prefix-tokens.js';

/** What `restoreCachedPrefix` did to the slot's sequence. */
export type PrefixRestore =
  /** The sequence already held at least as much of the prompt as the saved state (e.g. this slot served the cache last). */
  | 'kept'
  /** The saved state was loaded into the sequence. */
  | 'loaded'
  /**
   * No state was kept for the id (evicted, or the server restarted): the prefix (what of it this
   * prompt shares) was evaluated and saved now.
   */
  | 'evaluated'
  /** The state could not be used (failed to load, or to save); the generation evaluates what it needs. */
  | 'skipped';

/** A request's cached prefix, on the slot it was given. */
export interface RestoreRun {
  sequence: LlamaContextSequence;
  store: PrefixStateStore;
  id: string;
  /** The request's whole prompt, as the generation will evaluate it. */
  prompt: Token[];
  /** The prefix's tokens (render-prefix-tokens.ts), for a lazy warm: rendered only when needed. */
  prefixTokens: () => Promise<Token[]>;
  signal: AbortSignal;
}

/**
 * Readies a slot's sequence so the generation that follows reuses the cached prefix: LlamaChat
 * and generate-with-logprobs.ts both keep the longest common prefix of the sequence and the
 * prompt (`adaptStateToTokens`) and evaluate only the rest. So a saved state is loaded only when
 * it shares more of the prompt than the sequence already does; with none saved the prefix is
 * evaluated here and saved for the next request (the cache's warm-up, late). Failures of the
 * cache itself never fail the request: the generation then simply evaluates more.
 */
export async function restoreCachedPrefix(run: RestoreRun): Promise<PrefixRestore> {
  const { sequence, store, id, prompt } = run;
  const held = sequence.compareContextTokens(prompt).firstDifferentIndex;
  const saved = store.tokens(id);
  if (saved) {
    if (commonPrefixLength(saved, prompt) <= held) return 'kept';
    try {
      return (await store.loadInto(id, sequence)) ? 'loaded' : 'skipped';
    } catch {
      return 'skipped'; // the sequence is empty then (see loadInto): the generation evaluates it all
    }
  }
  // Only what this prompt shares is evaluated: nothing is spent on tokens this request drops.
  const rendered = await run.prefixTokens();
  const tokens = rendered.slice(0, commonPrefixLength(rendered, prompt));
  // The prompt's last token stays out: the generation evaluates it, for its logits.
  if (tokens.length === 0 || tokens.length >= prompt.length) return 'skipped';
  // The slot holds more of the prompt already: keeping that beats saving (a request elsewhere will).
  if (held > tokens.length) return 'kept';
  if (!(await evaluatePrefix(sequence, tokens, run.signal))) return 'skipped';
  try {
    await store.save(id, sequence);
  } catch {
    return 'skipped';
  }
  return 'evaluated';
}

/**
 * Makes `sequence` hold exactly `tokens`: keeps the common prefix it already holds, erases the
 * rest, evaluates what is missing, a batch at a time so an abort stops it between batches.
 * Returns false when aborted (the sequence then holds a prefix of `tokens`).
 */
export async function evaluatePrefix(sequence: LlamaContextSequence, tokens: Token[], signal: AbortSignal): Promise<boolean> {
  await sequence.adaptStateToTokens(tokens, false);
  const step = Math.max(1, sequence.context.batchSize);
  for (let at = sequence.nextTokenIndex; at < tokens.length; at += step) {
    if (signal.aborted) return false;
    await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(at, at + step));
  }
  return !signal.aborted;
}
