import { setImmediate } from 'node:timers/promises';

/**
 * Parts above which a request's next stage runs in a turn of the event loop of its own. Checking
 * and converting 50,000 parts (a 50 MB prompt of 1,000-character parts) takes tens of
 * milliseconds per stage; run back to back in one turn they held /healthz for 150-230 ms
 * (issue 14: a large prompt must not freeze the server). A request of a few hundred parts costs
 * well under a millisecond per stage, so it is never delayed.
 */
export const LARGE_REQUEST_PARTS = 1_000;

/** Lets the event loop serve others before the next stage when `contents` is large. */
export async function yieldWhenLarge(contents: readonly { parts?: readonly unknown[] }[] | undefined): Promise<void> {
  let parts = 0;
  for (const c of contents ?? []) parts += c.parts?.length ?? 0;
  if (parts > LARGE_REQUEST_PARTS) await setImmediate();
}
