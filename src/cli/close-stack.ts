/**
 * What a composition root opened, closed in reverse order (engines last, as they were opened
 * first), each close attempted even if an earlier one failed. Like TC39's AsyncDisposableStack,
 * which Node 20 does not have.
 */
export class CloseStack {
  readonly #closers: Array<() => Promise<unknown>> = [];
  #closed: Promise<void> | undefined;

  add(close: () => Promise<unknown>): void {
    this.#closers.push(close);
  }

  /** Closes everything added, newest first. Idempotent. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      for (const close of this.#closers.reverse()) {
        try {
          await close();
        } catch {
          // Keep closing the rest: one failed close must not leak the others.
        }
      }
    })();
    return this.#closed;
  }
}
