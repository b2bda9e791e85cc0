import { atMs, inWindow, type UsageEntry, type UsageFilter, type UsageStore } from './usage-store.js';

/** Usage entries in an array: for tests and servers that keep no data dir. Forgets on restart. */
export class MemoryUsageStore implements UsageStore {
  readonly #entries: UsageEntry[] = [];

  add(entry: UsageEntry): void {
    // An id already stored is the same request again (a batch request rerun after a crash): keep the first.
    if (this.#entries.some((e) => e.id === entry.id)) return;
    const ms = atMs(entry);
    // Records usually arrive in order; keep the array sorted when one finishes late.
    let i = this.#entries.length;
    while (i > 0 && atMs(this.#entries[i - 1]) > ms) i--;
    this.#entries.splice(i, 0, structuredClone(entry));
  }

  list(filter?: UsageFilter): UsageEntry[] {
    return this.#entries.filter((e) => inWindow(atMs(e), filter)).map((e) => structuredClone(e));
  }

  reassignCaller(from: string, to: string): number {
    const moved = this.#entries.filter((e) => e.callerId === from);
    for (const e of moved) e.callerId = to;
    return moved.length;
  }

  close(): void {}
}
