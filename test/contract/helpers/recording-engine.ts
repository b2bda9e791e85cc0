/**
 * Engine wrappers for contract tests: they let a test see what the server handed to the engine
 * (the converted messages, the clamped sampling options, the abort signal) without reaching
 * into the server. Middleware in the Vercel AI SDK sense: each wraps any `Engine`.
 */
import type {
  CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../../src/core/engine.js';
import type { GemserveError } from '../../../src/core/errors.js';
import { Scheduler } from '../../../src/core/scheduler.js';

/** A promise with its resolver exposed, for events a test waits on. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  settled: boolean;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const d: Deferred<T> = {
    promise: new Promise<T>((r) => { resolve = r; }),
    resolve: (v) => { d.settled = true; resolve(v); },
    settled: false,
  };
  return d;
}

/** One `stream` call as the engine received it. */
export interface RecordedGeneration {
  input: GenerateInput;
  /** Resolves when `input.signal` aborts. */
  aborted: Deferred<void>;
  /** Resolves when the engine's stream is over, however it ended (done, thrown or closed). */
  ended: Deferred<void>;
  /** Every event the engine produced, in order. */
  events: GenerateEvent[];
}

/** Base for wrappers: delegates everything to `inner`. */
abstract class EngineWrapper implements Engine {
  readonly kind: string;
  readonly label: string;
  readonly capabilities: EngineCapabilities;
  protected readonly inner: Engine;

  constructor(inner: Engine) {
    this.inner = inner;
    this.kind = inner.kind;
    this.label = inner.label;
    this.capabilities = inner.capabilities;
  }

  abstract stream(input: GenerateInput): AsyncIterable<GenerateEvent>;

  countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    return this.inner.countTokens(input);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Records every generation and token count, and notifies waiters when one starts. */
export class RecordingEngine extends EngineWrapper {
  readonly generations: RecordedGeneration[] = [];
  readonly countCalls: CountTokensInput[] = [];
  readonly #waiters: Array<{ index: number; d: Deferred<RecordedGeneration> }> = [];

  /** Forgets what was recorded so far (between tests sharing one server). */
  reset(): void {
    this.generations.length = 0;
    this.countCalls.length = 0;
  }

  /** The most recent generation; fails the test if there is none. */
  get last(): RecordedGeneration {
    const g = this.generations.at(-1);
    if (!g) throw new Error('the engine received no generation');
    return g;
  }

  /** Resolves with the `index`-th generation (0-based) once the engine has received it. */
  generation(index: number): Promise<RecordedGeneration> {
    const g = this.generations[index];
    if (g) return Promise.resolve(g);
    const d = deferred<RecordedGeneration>();
    this.#waiters.push({ index, d });
    return d.promise;
  }

  override countTokens(input: CountTokensInput): Promise<PromptTokenCount> {
    this.countCalls.push(structuredClone(input));
    return this.inner.countTokens(input);
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    const rec: RecordedGeneration = { input, aborted: deferred(), ended: deferred(), events: [] };
    if (input.signal.aborted) rec.aborted.resolve();
    else input.signal.addEventListener('abort', () => rec.aborted.resolve(), { once: true });
    this.generations.push(rec);
    for (const w of this.#waiters.filter((x) => x.index === this.generations.length - 1)) w.d.resolve(rec);
    try {
      for await (const ev of this.inner.stream(input)) {
        rec.events.push(ev);
        yield ev;
      }
    } finally {
      rec.ended.resolve();
    }
  }
}

/** Throws `makeError()` from the first `failures` streams, before any event; then delegates. */
export class FailFirstEngine extends EngineWrapper {
  calls = 0;
  readonly #failures: number;
  readonly #makeError: () => GemserveError | Error;

  constructor(inner: Engine, failures: number, makeError: () => GemserveError | Error) {
    super(inner);
    this.#failures = failures;
    this.#makeError = makeError;
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    this.calls++;
    if (this.calls <= this.#failures) throw this.#makeError();
    yield* this.inner.stream(input);
  }
}

/**
 * Puts the core `Scheduler` in front of an engine, as the llama-cpp engine does: a stream holds
 * a slot from its start to its end, and a full queue refuses at once with `Errors.overloaded()`.
 */
export class ScheduledEngine extends EngineWrapper {
  readonly scheduler: Scheduler;

  constructor(inner: Engine, opts: { slots: number; maxQueue: number }) {
    super(inner);
    this.scheduler = new Scheduler(opts);
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    const slot = await this.scheduler.acquire(input.signal);
    try {
      yield* this.inner.stream(input);
    } finally {
      slot.release();
    }
  }

  override async dispose(): Promise<void> {
    this.scheduler.dispose();
    await this.inner.dispose();
  }
}

/** The text candidate `c` produced, as the engine emitted it. */
export function emittedText(rec: RecordedGeneration, c = 0): string {
  return rec.events
    .filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta' && e.candidate === c)
    .map((e) => e.text)
    .join('');
}

/** Generated tokens the engine accounted for, over all candidates or for candidate `c`. */
export function emittedTokens(rec: RecordedGeneration, c?: number): number {
  return rec.events
    .filter((e): e is Extract<GenerateEvent, { type: 'text-delta' }> => e.type === 'text-delta' && (c === undefined || e.candidate === c))
    .reduce((n, e) => n + e.tokens, 0);
}

/** The prompt token count the engine reported. */
export function promptTokens(rec: RecordedGeneration): number {
  const p = rec.events.find((e) => e.type === 'prompt');
  if (!p || p.type !== 'prompt') throw new Error('the engine reported no prompt event');
  return p.promptTokens;
}

/** The sampling options without `undefined` members, for deepEqual. */
export function definedSampling(rec: RecordedGeneration): Record<string, unknown> {
  return JSON.parse(JSON.stringify(rec.input.sampling)) as Record<string, unknown>;
}

/** Messages as `role: text` pairs with each message's parts joined, for comparisons that do not care how text is split into parts. */
export function flatMessages(rec: RecordedGeneration | { input: { messages: GenerateInput['messages'] } }): Array<{ role: string; text: string }> {
  return rec.input.messages.map((m) => ({ role: m.role, text: m.parts.map((p) => (p.type === 'text' ? p.text : '')).join('') }));
}
