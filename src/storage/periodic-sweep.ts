/**
 * A sweep run every interval until closed, never two at once: the Files API's expired files and
 * abandoned uploads, expired cached contents. Errors go to `onError` (the server keeps going),
 * and the timer alone never keeps the process alive.
 */
export class PeriodicSweep {
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<unknown> | undefined;

  /** Starts sweeping with `sweep` every `intervalMs`; a no-op when already started. */
  start(intervalMs: number, sweep: () => Promise<unknown>, onError: (e: unknown) => void = () => undefined): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      // A slow sweep is not overlapped: the tick finds it still running and lets it be.
      if (this.#sweeping) return;
      this.#sweeping = sweep().catch(onError).finally(() => (this.#sweeping = undefined));
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a sweep in progress. Idempotent. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#sweeping;
  }
}
