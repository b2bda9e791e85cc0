/**
 * The scheduler lets concurrent requests share one loaded model: a fixed number of slots (one
 * per context sequence of an engine) and a bounded FIFO queue of waiters in front of them.
 * Engine-neutral: it knows nothing about models, only slots.
 */
import { Errors } from './errors.js';

/** Settings of a scheduler. */
export interface SchedulerOptions {
  /** How many holders at once (e.g. parallel sequences of a llama.cpp context). At least 1. */
  slots: number;
  /** How many waiters may queue when every slot is busy; one more is refused with 503. */
  maxQueue: number;
}

/** A held slot; give it back with `release()` (idempotent) or `using`. */
export interface Slot extends Disposable {
  /** Which slot, 0..slots-1: engines map it to their per-slot resources. */
  readonly index: number;
  release(): void;
}

/** A snapshot for metrics. */
export interface SchedulerStats {
  busy: number;
  queued: number;
  slots: number;
  maxQueue: number;
}

/** `batch` waiters queue behind every `interactive` one (the Batch API runs at low priority). */
export type SlotPriority = 'interactive' | 'batch';

interface Waiter {
  priority: SlotPriority;
  resolve(slot: Slot): void;
  reject(reason: unknown): void;
  signal: AbortSignal;
  onAbort(): void;
}

/**
 * Hands out `slots` slots first come, first served within a priority: an interactive waiter
 * goes ahead of every waiting batch one, so bulk work never delays a person at a prompt by more
 * than the generation already running.
 *
 * A released slot goes straight to the oldest waiter, so a burst of new arrivals cannot
 * overtake the queue. When all slots are busy and `maxQueue` requests already wait, `acquire`
 * fails at once with `Errors.overloaded()` (Google answers overload with 503 UNAVAILABLE); a
 * waiter whose signal aborts leaves the queue and never takes a slot.
 */
export class Scheduler implements Disposable {
  readonly #slots: number;
  readonly #maxQueue: number;
  /** Free slot indexes; lowest first so slot 0 stays warm under light load. */
  readonly #free: number[];
  readonly #queue: Waiter[] = [];
  #disposed = false;

  constructor(opts: SchedulerOptions) {
    if (!Number.isInteger(opts.slots) || opts.slots < 1) throw new RangeError(`slots must be an integer >= 1, got ${opts.slots}`);
    if (!Number.isInteger(opts.maxQueue) || opts.maxQueue < 0) throw new RangeError(`maxQueue must be an integer >= 0, got ${opts.maxQueue}`);
    this.#slots = opts.slots;
    this.#maxQueue = opts.maxQueue;
    this.#free = Array.from({ length: opts.slots }, (_, i) => i);
  }

  /**
   * Waits for a free slot. Rejects with `signal.reason` if the signal aborts first (or already
   * has), with `Errors.overloaded()` if the queue is full, and with an Error after dispose.
   */
  acquire(signal: AbortSignal, priority: SlotPriority = 'interactive'): Promise<Slot> {
    if (this.#disposed) return Promise.reject(new Error('Scheduler used after dispose'));
    if (signal.aborted) return Promise.reject(signal.reason);
    const free = this.#free.shift();
    if (free !== undefined) return Promise.resolve(this.#makeSlot(free));
    if (this.#queue.length >= this.#maxQueue) return Promise.reject(Errors.overloaded());
    return new Promise<Slot>((resolve, reject) => {
      const waiter: Waiter = {
        priority, resolve, reject, signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i !== -1) this.#queue.splice(i, 1);
          reject(signal.reason);
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      const firstBatch = priority === 'interactive' ? this.#queue.findIndex((w) => w.priority === 'batch') : -1;
      if (firstBatch === -1) this.#queue.push(waiter);
      else this.#queue.splice(firstBatch, 0, waiter);
    });
  }

  stats(): SchedulerStats {
    return {
      busy: this.#slots - this.#free.length,
      queued: this.#queue.length,
      slots: this.#slots,
      maxQueue: this.#maxQueue,
    };
  }

  /** Rejects every waiter; slots already held stay valid until released. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const w of this.#queue.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(new Error('Scheduler disposed'));
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  #makeSlot(index: number): Slot {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.#handOver(index);
    };
    return { index, release, [Symbol.dispose]: release };
  }

  /** Gives a released slot to the oldest waiter still waiting, else back to the free list. */
  #handOver(index: number): void {
    const next = this.#queue.shift();
    if (next) {
      next.signal.removeEventListener('abort', next.onAbort);
      next.resolve(this.#makeSlot(index));
      return;
    }
    this.#free.push(index);
    this.#free.sort((a, b) => a - b);
  }
}
