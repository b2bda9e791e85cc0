/**
 * At most `maxRuns` sandbox runs at once over the whole server, and at most `maxQueued` waiting
 * for one in arrival order: the per-run memory budget times `maxRuns` is then the most code
 * execution can take from the host. A run that finds the queue full is not run at all.
 */
export class SandboxRunGate {
  #running = 0;
  readonly #waiting: Array<{ start: () => void; onAbort: () => void }> = [];

  constructor(readonly maxRuns: number, readonly maxQueued: number) {}

  /** Runs now, and how many wait. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  /**
   * Waits for a turn; resolves to a release function (call it once, when the run is over), or to
   * `undefined` when the queue is full. Rejects with `signal.reason` if it aborts while waiting.
   */
  async enter(signal?: AbortSignal): Promise<(() => void) | undefined> {
    signal?.throwIfAborted();
    if (this.#running < this.maxRuns) {
      this.#running++;
      return this.#releaser();
    }
    if (this.#waiting.length >= this.maxQueued) return undefined;
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          this.#running++;
          resolve(this.#releaser());
        },
        onAbort: () => {
          const i = this.#waiting.indexOf(entry);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener('abort', entry.onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#waiting.shift()?.start();
    };
  }
}
