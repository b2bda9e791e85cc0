import type { TokenLogprob } from '../../core/engine.js';

/**
 * Generated tokens whose text is complete: one token, or a few whose bytes only make whole
 * UTF-8 characters together. `logprobs` has one entry per token.
 */
export interface OutputUnit {
  text: string;
  tokens: number[];
  logprobs: TokenLogprob[];
}

/** What ends the output before end-of-generation: texts, and token sequences (special tokens). */
export interface OutputStops {
  texts: string[];
  tokenSequences: number[][];
}

/** What a pushed unit released: units safe to stream, and whether a stop sequence ended the output. */
export interface BufferStep {
  emit: OutputUnit[];
  stopped: boolean;
}

/**
 * The output of the logprobs path between the sampler and the stream: it holds back units that
 * may be the start of a stop sequence, cuts the output where one completes, and (for grammars
 * that ask for it) trims trailing whitespace, the way LlamaChat treats its stop triggers and
 * `trimWhitespaceSuffix` (node-llama-cpp's LlamaChat.js). Units are never split, since each
 * carries its tokens' probabilities; hence the accounting rules:
 *
 * - A stop sequence never reaches the output. Units wholly inside or after it are dropped, and
 *   so are their tokens (not counted, no logprobs). A unit whose text begins before the stop
 *   keeps that beginning and is counted, with its whole token in `logprobs` (LlamaChat instead
 *   re-tokenizes that leftover text; its count can be off by one either way).
 * - Held text that never became a stop is released at the end (EOG or max tokens), so at max
 *   tokens every generated token is counted and its text is in the output.
 * - Trimmed whitespace keeps its tokens: such units are released with empty text.
 */
export class LogprobsOutputBuffer {
  readonly #stops: OutputStops;
  readonly #trimWhitespaceSuffix: boolean;
  #held: OutputUnit[] = [];

  constructor(stops: OutputStops, opts: { trimWhitespaceSuffix?: boolean } = {}) {
    this.#stops = {
      texts: stops.texts.filter((s) => s.length > 0),
      tokenSequences: stops.tokenSequences.filter((s) => s.length > 0),
    };
    this.#trimWhitespaceSuffix = opts.trimWhitespaceSuffix ?? false;
  }

  /** Adds the next unit; returns what may be streamed now, and whether the output has ended. */
  push(unit: OutputUnit): BufferStep {
    this.#held.push(unit);
    const cut = this.#stopPosition();
    if (cut !== undefined) return { emit: this.#cutAt(cut), stopped: true };
    const release = this.#releasableCount();
    return { emit: this.#held.splice(0, release), stopped: false };
  }

  /** The output ended without a stop sequence (end-of-generation, max tokens): everything held. */
  finish(): OutputUnit[] {
    const rest = this.#held;
    this.#held = [];
    return this.#trim(rest);
  }

  /** Character offset in the held text where a completed stop begins, if one did. */
  #stopPosition(): number | undefined {
    const text = this.#heldText();
    let cut: number | undefined;
    for (const s of this.#stops.texts) {
      const i = text.indexOf(s);
      if (i >= 0 && (cut === undefined || i < cut)) cut = i;
    }
    const tokens = this.#held.flatMap((u) => u.tokens);
    for (const seq of this.#stops.tokenSequences) {
      if (!endsWith(tokens, seq)) continue;
      // The stop's tokens are the last ones: cut before the first unit holding any of them.
      let first = tokens.length - seq.length;
      let chars = 0;
      for (const u of this.#held) {
        if (first < u.tokens.length) break;
        first -= u.tokens.length;
        chars += u.text.length;
      }
      if (cut === undefined || chars < cut) cut = chars;
    }
    return cut;
  }

  /** Units before `cut` (the one straddling it shortened), trimmed; the rest is dropped. */
  #cutAt(cut: number): OutputUnit[] {
    const out: OutputUnit[] = [];
    let start = 0;
    for (const u of this.#held) {
      if (start >= cut) break;
      out.push(start + u.text.length <= cut ? u : { ...u, text: u.text.slice(0, cut - start) });
      start += u.text.length;
    }
    this.#held = [];
    return this.#trim(out);
  }

  /** How many leading held units cannot be part of a stop sequence or of trimmed whitespace. */
  #releasableCount(): number {
    const text = this.#heldText();
    const tokens = this.#held.flatMap((u) => u.tokens);
    const textLimit = text.length - Math.max(0, ...this.#stops.texts.map((s) => overlap(text, s)));
    const tokenLimit = tokens.length - Math.max(0, ...this.#stops.tokenSequences.map((s) => overlap(tokens, s)));
    let unitLimit = this.#held.length;
    if (this.#trimWhitespaceSuffix) while (unitLimit > 0 && isBlank(this.#held[unitLimit - 1].text)) unitLimit--;
    let n = 0;
    let chars = 0;
    let count = 0;
    for (const u of this.#held) {
      chars += u.text.length;
      count += u.tokens.length;
      if (n >= unitLimit || chars > textLimit || count > tokenLimit) break;
      n++;
    }
    return n;
  }

  /** With `trimWhitespaceSuffix`, the final units' trailing whitespace is dropped (tokens kept). */
  #trim(units: OutputUnit[]): OutputUnit[] {
    if (!this.#trimWhitespaceSuffix) return units;
    const out = [...units];
    for (let i = out.length - 1; i >= 0; i--) {
      const text = out[i].text.trimEnd();
      if (text !== out[i].text) out[i] = { ...out[i], text };
      if (text) break;
    }
    return out;
  }

  #heldText(): string {
    return this.#held.map((u) => u.text).join('');
  }
}

const isBlank = (text: string) => text.trim() === '';

function endsWith(tokens: readonly number[], seq: readonly number[]): boolean {
  if (seq.length > tokens.length) return false;
  const offset = tokens.length - seq.length;
  return seq.every((t, i) => tokens[offset + i] === t);
}

/** Length of the longest suffix of `have` that is a proper prefix of `stop` (a stop in progress). */
function overlap<T extends string | readonly number[]>(have: T, stop: T): number {
  for (let n = Math.min(have.length, stop.length - 1); n > 0; n--) {
    let match = true;
    for (let i = 0; i < n && match; i++) match = have[have.length - n + i] === stop[i];
    if (match) return n;
  }
  return 0;
}
