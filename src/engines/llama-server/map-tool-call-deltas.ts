/**
 * Streamed `delta.tool_calls` of `/v1/chat/completions` → complete calls. llama-server sends a
 * call's `id` and `name` first, then its `arguments` JSON in string fragments, all under the
 * call's `index`; a name (or id) sent again replaces the earlier one (common/chat.cpp
 * `common_chat_msg_diff::compute_diffs`: names may grow while parsing). A call is complete when
 * a later call starts, when other output follows it, or when the stream ends.
 *
 * Each call also collects the tokens that produced it (its markup included), so the events
 * account for every generated token (stream-candidate.ts).
 */
import type { GenerateEvent } from '../../core/engine.js';

/** One entry of `delta.tool_calls`. */
export interface OpenAiToolCallDelta {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

type FunctionCallEvent = Extract<GenerateEvent, { type: 'function-call' }>;

interface OpenCall { index: number; name: string; args: string; tokens: number }

/** Assembles the calls of one candidate. */
export class ToolCallAssembler {
  readonly #candidate: number;
  #open: OpenCall | undefined;

  constructor(candidate: number) {
    this.#candidate = candidate;
  }

  /** Whether a call is being assembled. */
  get open(): boolean {
    return this.#open !== undefined;
  }

  /** Adds a fragment; returns the call it completed, if it starts a new one. */
  add(delta: OpenAiToolCallDelta): FunctionCallEvent | undefined {
    const index = delta.index ?? this.#open?.index ?? 0;
    let done: FunctionCallEvent | undefined;
    if (this.#open && this.#open.index !== index) done = this.complete();
    this.#open ??= { index, name: '', args: '', tokens: 0 };
    if (delta.function?.name) this.#open.name = delta.function.name;
    if (delta.function?.arguments) this.#open.args += delta.function.arguments;
    return done;
  }

  /** Counts tokens towards the call being assembled (there must be one). */
  addTokens(n: number): void {
    if (this.#open) this.#open.tokens += n;
  }

  /** Drops an unfinished call (cut short by the token limit); returns the tokens it had. */
  discard(): number {
    const tokens = this.#open?.tokens ?? 0;
    this.#open = undefined;
    return tokens;
  }

  /**
   * Completes the call being assembled, if any.
   * @throws Error when its arguments are not a JSON object (llama.cpp's grammar and parser
   *   make that a server bug, not the model's).
   */
  complete(): FunctionCallEvent | undefined {
    const call = this.#open;
    if (!call) return undefined;
    this.#open = undefined;
    let args: unknown;
    try {
      args = call.args.trim() ? JSON.parse(call.args) : {};
    } catch {
      throw new Error(`llama-server streamed a call of ${call.name} whose arguments are not JSON: ${call.args.slice(0, 200)}`);
    }
    if (typeof args !== 'object' || args === null || Array.isArray(args)) {
      throw new Error(`llama-server streamed a call of ${call.name} whose arguments are not an object: ${call.args.slice(0, 200)}`);
    }
    return { type: 'function-call', candidate: this.#candidate, name: call.name, args: args as Record<string, unknown>, tokens: call.tokens };
  }
}
