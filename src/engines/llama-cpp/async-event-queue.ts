/**
 * Bridges node-llama-cpp's callbacks to an async iterator: the producer `push`es items and
 * ends with `close()` or `fail(error)`; one consumer drains it with `for await`. Unbounded:
 * a generation is capped by maxOutputTokens, so a slow consumer holds at most one reply.
 */
export class AsyncEventQueue<T> implements AsyncIterable<T> {
  #items: T[] = [];
  #done = false;
  #error: { error: unknown } | undefined;
  #wake: (() => void) | undefined;

  push(item: T): void {
    if (this.#done) return;
    this.#items.push(item);
    this.#notify();
  }

  /** Ends the stream after the queued items. */
  close(): void {
    this.#done = true;
    this.#notify();
  }

  /** Ends the stream after the queued items, then throws `error` to the consumer. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = { error };
    this.#done = true;
    this.#notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.#items.length) {
        yield this.#items.shift() as T;
        continue;
      }
      if (this.#done) {
        if (this.#error) throw this.#error.error;
        return;
      }
      await new Promise<void>((resolve) => { this.#wake = resolve; });
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
