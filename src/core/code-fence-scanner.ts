import { CLOSE_FENCE, OPEN_FENCE } from './code-execution-text.js';

/**
 * Finds the first ```python block in streamed model text. Text before the block is released as
 * it comes, except a tail that could still turn into the opening fence; the block's code is
 * returned once its closing fence arrives. Fences are the ones the model is told to write
 * (`CODE_EXECUTION_INSTRUCTIONS`) and that earlier turns are rendered with.
 */
export class CodeFenceScanner {
  #held = '';
  #code: string | undefined;
  /** Raw text consumed, up to and including the closing fence once found. */
  raw = '';

  /** Feeds a delta; returns the text safe to show and, once complete, the block's code. */
  push(delta: string): { text: string; code?: string } {
    if (this.#code !== undefined) {
      this.#code += delta;
      this.raw += delta;
      return this.#closed();
    }
    this.raw += delta;
    const buf = this.#held + delta;
    const open = buf.indexOf(OPEN_FENCE);
    if (open >= 0) {
      this.#held = '';
      this.#code = buf.slice(open + OPEN_FENCE.length);
      const res = this.#closed();
      return { ...res, text: buf.slice(0, open) };
    }
    const keep = partialSuffix(buf, OPEN_FENCE);
    this.#held = buf.slice(buf.length - keep);
    return { text: buf.slice(0, buf.length - keep) };
  }

  /** Text still held back (a possible fence start) when the model stopped. */
  flush(): string {
    const t = this.#held;
    this.#held = '';
    return t;
  }

  #closed(): { text: string; code?: string } {
    const code = this.#code!;
    const end = code.indexOf(CLOSE_FENCE);
    if (end < 0) return { text: '' };
    // Whatever the model wrote after the fence is dropped: the output block comes next.
    this.raw = this.raw.slice(0, this.raw.length - (code.length - end - CLOSE_FENCE.length));
    return { text: '', code: code.slice(0, end) };
  }
}

/** Length of the longest suffix of `s` that is a proper prefix of `pattern`. */
function partialSuffix(s: string, pattern: string): number {
  for (let n = Math.min(s.length, pattern.length - 1); n > 0; n--) {
    if (pattern.startsWith(s.slice(s.length - n))) return n;
  }
  return 0;
}
