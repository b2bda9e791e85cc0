import type { GenerationEvent } from '../../core/engine.js';
import type { CachedGeneration } from './response-cache.js';
import type { ResponseCaching } from './response-caching.js';

/** Where a generation is stored once it completes, and what it was answered with. */
export interface RecordTarget {
  key: string;
  responseId: string;
  modelVersion: string;
  /** Candidates the request asked for: each must have finished for the generation to be stored. */
  candidateCount: number;
  /** The request's signal: a generation it aborted is never stored, even if it ended cleanly. */
  signal: AbortSignal;
}

/**
 * Passes a generation's events through unchanged and stores them once it has completed: the
 * engine's stream ended without throwing, the request was not aborted (client gone, deadline),
 * and every candidate got its `finish`. Errors and partial generations are never stored. A
 * consumer that stops early (a stream whose client left) never reaches the end, so nothing is
 * stored then either.
 *
 * Two identical requests racing both run the engine (no coalescing): the later one to finish
 * replaces the earlier's entry. Coalescing would make the second wait for the whole first
 * generation before its first chunk, which for a stream costs more than the duplicate work.
 */
export async function* recordGeneration(
  caching: ResponseCaching, target: RecordTarget, events: AsyncIterable<GenerationEvent>,
): AsyncGenerator<GenerationEvent> {
  const seen: GenerationEvent[] = [];
  for await (const ev of events) {
    seen.push(ev);
    yield ev;
  }
  if (target.signal.aborted) return;
  const finished = new Set(seen.filter((e) => e.type === 'finish').map((e) => e.candidate));
  for (let c = 0; c < target.candidateCount; c++) if (!finished.has(c)) return;
  const value: CachedGeneration = { events: seen, responseId: target.responseId, modelVersion: target.modelVersion };
  try {
    await caching.cache.set(target.key, value);
  } catch (e) {
    caching.onError?.(e);
  }
}

/** A cached generation's events, as a stream again. */
export async function* replayGeneration(cached: CachedGeneration): AsyncGenerator<GenerationEvent> {
  yield* cached.events;
}
