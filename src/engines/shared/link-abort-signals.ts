/** An AbortSignal that aborts when any of its sources does; dispose unhooks it from them. */
export interface LinkedSignal extends Disposable {
  readonly signal: AbortSignal;
  /** Aborts the linked signal itself (e.g. when the consumer stops listening). */
  abort(reason?: unknown): void;
}

/**
 * Like `AbortSignal.any`, but unhooks from its sources on dispose. The engine links every
 * request to its own long-lived "closing" signal, the pattern for which `AbortSignal.any`
 * has leaked in Node (nodejs/node#55351 "AbortSignal.any() leaks when any of the provided
 * signal is long-lived", and #54614), so the listeners are managed by hand.
 */
export function linkAbortSignals(...sources: AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const unhook = () => {
    for (const s of sources) s.removeEventListener('abort', onAbort);
  };
  function onAbort(this: AbortSignal) {
    unhook();
    controller.abort(this.reason);
  }
  const already = sources.find((s) => s.aborted);
  if (already) controller.abort(already.reason);
  else for (const s of sources) s.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    abort: (reason?: unknown) => { unhook(); controller.abort(reason); },
    [Symbol.dispose]: unhook,
  };
}
