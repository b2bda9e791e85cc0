/**
 * Keeps one llama-server child alive: starts it, restarts it with backoff when it dies, and
 * gives up when it keeps dying (a crash loop would otherwise burn the CPU forever and hide the
 * reason). Requests ask `ready()` for the current child; while a restart is under way they
 * wait for it, after giving up they fail with the reason.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, LlamaServerStartError, startLlamaServer, type ChildExit, type LlamaServerChild, type LlamaServerLaunch } from './start-llama-server.js';

/** When to restart and when to give up. */
export interface RestartPolicy {
  /** More crashes than this within `windowMs` is a crash loop: give up. */
  maxCrashes: number;
  windowMs: number;
  /** Wait before restart number `n` (1-based) of the current window. */
  backoffMs(n: number): number;
}

/** Default policy: 5 crashes in a minute give up; waits 0.25 s, 0.5 s, 1 s, 2 s, 4 s. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 60_000,
  backoffMs: (n) => Math.min(250 * 2 ** (n - 1), 8_000),
};

/** Lifecycle events, for logs. */
export type SupervisorEvent =
  | { type: 'crashed'; exit: ChildExit; output: string }
  | { type: 'restarted'; pid: number; restarts: number }
  | { type: 'gave-up'; reason: string };

/** Settings of a supervisor. */
export interface SupervisorOptions extends LlamaServerLaunch {
  restart?: RestartPolicy;
  onEvent?: (event: SupervisorEvent) => void;
}

/** The supervisor has given up or been disposed; `message` says why. */
export class LlamaServerUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LlamaServerUnavailable';
  }
}

/** Use `LlamaServerSupervisor.start`. */
export class LlamaServerSupervisor implements AsyncDisposable {
  readonly #opts: SupervisorOptions;
  readonly #policy: RestartPolicy;
  readonly #closing = new AbortController();
  #current: Promise<LlamaServerChild>;
  #child: LlamaServerChild | undefined;
  #failure: LlamaServerUnavailable | undefined;
  #crashes: number[] = [];
  #restarts = 0;
  #disposed: Promise<void> | undefined;

  private constructor(opts: SupervisorOptions, first: LlamaServerChild) {
    this.#opts = opts;
    this.#policy = opts.restart ?? DEFAULT_RESTART_POLICY;
    this.#current = Promise.resolve(first);
    this.#watch(first);
  }

  /**
   * Starts the first child; a failure here is not retried (a bad model or flag would fail
   * again) and rejects with LlamaServerStartError.
   */
  static async start(opts: SupervisorOptions): Promise<LlamaServerSupervisor> {
    return new LlamaServerSupervisor(opts, await startLlamaServer(opts));
  }

  /** The healthy child, or undefined while (re)starting or after giving up. */
  get child(): LlamaServerChild | undefined {
    return this.#child;
  }

  /** How many times the child has been restarted. */
  get restarts(): number {
    return this.#restarts;
  }

  /**
   * The healthy child, waiting for a restart in progress.
   * @throws LlamaServerUnavailable after giving up or dispose; `signal.reason` if it aborts first.
   */
  async ready(signal?: AbortSignal): Promise<LlamaServerChild> {
    if (this.#disposed) throw new LlamaServerUnavailable('llama-server has been shut down');
    if (this.#failure) throw this.#failure;
    if (!signal) return this.#current;
    signal.throwIfAborted();
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([this.#current, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  #watch(child: LlamaServerChild): void {
    this.#child = child;
    void child.exited.then((exit) => {
      if (this.#closing.signal.aborted) return;
      this.#child = undefined;
      this.#opts.onEvent?.({ type: 'crashed', exit, output: child.outputTail(15) });
      const restarted = this.#restart(`llama-server stopped unexpectedly (${describeExit(exit)})`, child.outputTail(15));
      // Nobody may be waiting right now: keep the rejection from being unhandled.
      restarted.catch(() => {});
      this.#current = restarted;
    });
  }

  /** Restarts with backoff until a child is healthy, or gives up on a crash loop. */
  async #restart(why: string, output: string): Promise<LlamaServerChild> {
    for (;;) {
      const now = Date.now();
      this.#crashes = [...this.#crashes.filter((t) => now - t < this.#policy.windowMs), now];
      if (this.#crashes.length > this.#policy.maxCrashes) {
        const secs = Math.round(this.#policy.windowMs / 1000);
        const reason = `llama-server crashed ${this.#crashes.length} times within ${secs} s; gave up restarting it. ` +
          `Last failure: ${why}${output ? `. Its last output:\n${output}` : ''}`;
        this.#failure = new LlamaServerUnavailable(reason);
        this.#opts.onEvent?.({ type: 'gave-up', reason });
        throw this.#failure;
      }
      try {
        await sleep(this.#policy.backoffMs(this.#crashes.length), undefined, { signal: this.#closing.signal });
        const child = await startLlamaServer(this.#opts, this.#closing.signal);
        this.#restarts++;
        this.#watch(child);
        this.#opts.onEvent?.({ type: 'restarted', pid: child.pid, restarts: this.#restarts });
        return child;
      } catch (e) {
        if (this.#closing.signal.aborted) throw new LlamaServerUnavailable('llama-server has been shut down');
        why = e instanceof LlamaServerStartError ? e.message.split('. Its last output')[0] : String(e);
        output = e instanceof LlamaServerStartError ? e.output : '';
      }
    }
  }

  /** Stops the child (SIGTERM, then SIGKILL) and any restart in progress; idempotent. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#closing.abort(new LlamaServerUnavailable('llama-server has been shut down'));
      const child = this.#child ?? await this.#current.catch(() => undefined);
      await child?.stop();
    })();
    return this.#disposed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
