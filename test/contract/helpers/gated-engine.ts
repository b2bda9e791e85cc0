/**
 * An engine the test drives step by step, so tests about in-flight requests (client abort,
 * overload, concurrency) synchronise on events instead of sleeping.
 *
 * Each `stream` call reports a 3-token prompt, emits the text `first` (1 token), then waits until
 * the test calls `release()` on that call (it then emits ` last` and finishes with `stop`) or
 * until the request's signal aborts (it then returns at once, as the engine spec requires).
 */
import type {
  CountTokensInput, Engine, EngineCapabilities, GenerateEvent, GenerateInput, PromptTokenCount,
} from '../../../src/core/engine.js';
import { deferred, type Deferred } from './recording-engine.js';

export const GATED_PROMPT_TOKENS = 3;
export const GATED_FIRST_TEXT = 'first';
export const GATED_LAST_TEXT = ' last';

export interface GatedCall {
  input: GenerateInput;
  /** Resolves once the first text delta has been handed to the server. */
  firstTokenSent: Deferred<void>;
  /** Resolves when the request's signal aborts. */
  aborted: Deferred<void>;
  /** Resolves when the engine's stream is over, however it ended. */
  ended: Deferred<void>;
  /** Lets the generation finish normally. */
  release(): void;
}

export class GatedEngine implements Engine {
  readonly kind = 'gated';
  readonly label = 'gated';
  readonly capabilities: EngineCapabilities = { maxCandidates: 1, contextTokens: 4096 };
  readonly calls: GatedCall[] = [];
  readonly #waiters = new Map<number, Deferred<GatedCall>>();

  /** Resolves with the `index`-th call (0-based) once it has sent its first token. */
  async call(index: number): Promise<GatedCall> {
    let d = this.#waiters.get(index);
    if (!d) this.#waiters.set(index, (d = deferred<GatedCall>()));
    const c = await d.promise;
    await c.firstTokenSent.promise;
    return c;
  }

  async countTokens(_input: CountTokensInput): Promise<PromptTokenCount> {
    return { total: GATED_PROMPT_TOKENS };
  }

  async *stream(input: GenerateInput): AsyncGenerator<GenerateEvent> {
    const released = deferred<void>();
    const call: GatedCall = {
      input,
      firstTokenSent: deferred(),
      aborted: deferred(),
      ended: deferred(),
      release: () => released.resolve(),
    };
    const onAbort = () => call.aborted.resolve();
    if (input.signal.aborted) onAbort();
    else input.signal.addEventListener('abort', onAbort, { once: true });
    const index = this.calls.push(call) - 1;
    let d = this.#waiters.get(index);
    if (!d) this.#waiters.set(index, (d = deferred<GatedCall>()));
    d.resolve(call);
    try {
      yield { type: 'prompt', promptTokens: GATED_PROMPT_TOKENS };
      yield { type: 'text-delta', candidate: 0, text: GATED_FIRST_TEXT, tokens: 1 };
      call.firstTokenSent.resolve();
      await Promise.race([released.promise, call.aborted.promise]);
      if (input.signal.aborted) return;
      yield { type: 'text-delta', candidate: 0, text: GATED_LAST_TEXT, tokens: 1 };
      yield { type: 'finish', candidate: 0, reason: 'stop' };
    } finally {
      input.signal.removeEventListener('abort', onAbort);
      call.ended.resolve();
    }
  }

  async dispose(): Promise<void> {
    for (const c of this.calls) c.release();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}
