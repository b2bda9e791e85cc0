/**
 * The scheduler lets concurrent requests share one loaded model: a fixed number of slots (one
 * per context sequence of an engine) and a bounded FIFO queue of waiters in front of them.
 * Engine-neutral: it knows nothing about models, only slots.
 */
import { Errors, type GemserveError } from './errors.js';

/** Settings of a scheduler. */
export interface SchedulerOptions {
  /** How many holders at once (e.g. parallel sequences of a llama.cpp context). At least 1. */
  slots: number;
  /** How many waiters may queue when every slot is busy; one more is refused with 503. */
  maxQueue: number;
  /** The clock slot hold times are measured on, in ms; `performance.now` unless a test fakes it. */
  now?: () => number;
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
  /**
   * The moving mean of how long a slot is held, in ms (0 before the first release), so a caller
   * holding only `stats()` can estimate how long the queue takes to drain (`drainMsOf`).
   */
  meanHoldMs?: number;
}

/** The weight of the newest hold time in the moving mean (about the last 10 generations count). */
const HOLD_SMOOTHING = 0.1;

/**
 * How long the queue of `stats` takes to drain at its mean slot hold time, in ms: the waiters
 * (plus the one asking) times the mean hold, over the slots; 0 when the hold time is unknown.
 */
export function drainMsOf(stats: SchedulerStats): number {
  return ((stats.queued + 1) * (stats.meanHoldMs ?? 0)) / Math.max(1, stats.slots);
}

/**
 * Whether a new interactive request would be refused now (every slot busy, the queue full), and
 * if so the 503 to answer it with, `Retry-After` from the queue's drain time (`drainMsOf`, at
 * least 1 s). Lets a caller refuse before doing a request's expensive work (reading its body,
 * media, conversion, tokenising), so an overloaded server spends its time on the requests it
 * will serve.
 */
export function overloadOf(stats: SchedulerStats, drainMs = drainMsOf(stats)): GemserveError | undefined {
  if (stats.busy < stats.slots || stats.queued < stats.maxQueue) return undefined;
  return Errors.overloaded(drainMs);
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
 * waiter whose signal aborts leaves the queue and never takes a slot. The 503 carries
 * `Retry-After` (RFC 9110 §10.2.3), the time the queue takes to drain at the mean slot hold time
 * (at least 1 s), as Google asks clients to wait and retry on 503 UNAVAILABLE
 * (ai.google.dev/gemini-api/docs/troubleshooting).
 */
export class Scheduler implements Disposable {
  readonly #slots: number;
  readonly #maxQueue: number;
  /** Free slot indexes; lowest first so slot 0 stays warm under light load. */
  readonly #free: number[];
  readonly #queue: Waiter[] = [];
  readonly #now: () => number;
  /** The moving mean of how long a slot is held, in ms; 0 until the first release. */
  #holdMs = 0;
  #disposed = false;

  constructor(opts: SchedulerOptions) {
    if (!Number.isInteger(opts.slots) || opts.slots < 1) throw new RangeError(`slots must be an integer >= 1, got ${opts.slots}`);
    if (!Number.isInteger(opts.maxQueue) || opts.maxQueue < 0) throw new RangeError(`maxQueue must be an integer >= 0, got ${opts.maxQueue}`);
    this.#slots = opts.slots;
    this.#maxQueue = opts.maxQueue;
    this.#free = Array.from({ length: opts.slots }, (_, i) => i);
    this.#now = opts.now ?? (() => performance.now());
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
    if (this.#queue.length >= this.#maxQueue) return Promise.reject(Errors.overloaded(this.drainMs()));
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
      meanHoldMs: this.#holdMs,
    };
  }

  /**
   * How long the queue takes to drain at the current rate, in ms: the waiters (plus one) times
   * the mean time a slot is held (a moving mean), over the slots. 0 before any slot was released.
   */
  drainMs(): number {
    return drainMsOf(this.stats());
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
    const since = this.#now();
    const release = () => {
      if (released) return;
      released = true;
      const held = this.#now() - since;
      this.#holdMs = this.#holdMs === 0 ? held : this.#holdMs + HOLD_SMOOTHING * (held - this.#holdMs);
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
