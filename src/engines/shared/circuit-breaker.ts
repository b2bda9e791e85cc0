/**
 * A circuit breaker in front of one upstream (Nygard, "Release It!", ch. 5; the three states of
 * resilience4j's CircuitBreaker): `closed` lets calls through and counts consecutive upstream
 * faults; at `failureThreshold` it opens. `open` fails calls at once with a retryable 503
 * (`Errors.circuitOpen`, with Retry-After) until `coolDownMs` have passed; then it is
 * `half-open` and lets one probe through: its success closes the breaker, its failure opens it
 * for another cool-down. Other calls during the probe fail fast too.
 *
 * Callers take a ticket per call (`admit`) and report its outcome once: `success`, `failure`
 * (an upstream fault: 5xx, timeout, broken connection, malformed answer — a 4xx is about the
 * request and counts as a success) or `release` (neither: the caller gave up).
 */
import { Errors } from '../../core/errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Settings of a breaker. */
export interface CircuitBreakerOptions {
  /** Name of the upstream, for the 503's message. */
  name: string;
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long it stays open before a probe. Default 30 s. */
  coolDownMs?: number;
  /** Milliseconds clock; injectable for tests. Default Date.now. */
  now?: () => number;
}

export const DEFAULT_BREAKER = { failureThreshold: 5, coolDownMs: 30_000 } as const;

/** One admitted call; report its outcome once (later reports are ignored). */
export interface BreakerTicket {
  success(): void;
  failure(): void;
  release(): void;
}

export class CircuitBreaker {
  readonly name: string;
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  readonly #now: () => number;
  #state: CircuitState = 'closed';
  #failures = 0;
  #openedAt = 0;
  #probing = false;

  constructor(opts: CircuitBreakerOptions) {
    this.name = opts.name;
    this.failureThreshold = Math.max(1, opts.failureThreshold ?? DEFAULT_BREAKER.failureThreshold);
    this.coolDownMs = Math.max(0, opts.coolDownMs ?? DEFAULT_BREAKER.coolDownMs);
    this.#now = opts.now ?? Date.now;
  }

  /** The state now (an open breaker whose cool-down is over reads as half-open). */
  get state(): CircuitState {
    if (this.#state === 'open' && this.#now() - this.#openedAt >= this.coolDownMs) return 'half-open';
    return this.#state;
  }

  /**
   * Admits a call, or throws `Errors.circuitOpen` (503 UNAVAILABLE, retryable) when open or
   * when the half-open probe is already out.
   */
  admit(): BreakerTicket {
    const state = this.state;
    if (state === 'open') throw Errors.circuitOpen(this.name, this.#openedAt + this.coolDownMs - this.#now());
    if (state === 'half-open') {
      if (this.#probing) throw Errors.circuitOpen(this.name, this.coolDownMs);
      this.#state = 'half-open';
      this.#probing = true;
      return this.#ticket(true);
    }
    return this.#ticket(false);
  }

  #ticket(probe: boolean): BreakerTicket {
    let done = false;
    const once = (f: () => void) => () => {
      if (done) return;
      done = true;
      f();
    };
    return {
      success: once(() => {
        if (probe) this.#probing = false;
        if (probe || this.#state === 'closed') {
          this.#state = 'closed';
          this.#failures = 0;
        }
      }),
      failure: once(() => {
        if (probe) this.#probing = false;
        if (probe) return this.#open();
        if (this.#state !== 'closed') return;
        if (++this.#failures >= this.failureThreshold) this.#open();
      }),
      release: once(() => {
        if (probe) this.#probing = false;
      }),
    };
  }

  #open(): void {
    this.#state = 'open';
    this.#openedAt = this.#now();
    this.#failures = 0;
  }
}
