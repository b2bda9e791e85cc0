import { setImmediate } from 'node:timers/promises';
import { SpecialToken, type LlamaModel, type LlamaText } from 'node-llama-cpp';

/**
 * The most UTF-8 bytes of input one token of `model`'s vocabulary can stand for, when llama.cpp's
 * tokenizer for it provably never lets a byte of input vanish; else undefined (no bound is
 * applied and every prompt is tokenized). Read once from the GGUF's `tokenizer.ggml.tokens`.
 *
 * Sound for the two tokenizers chat models use (llama.cpp src/llama-vocab.cpp,
 * github.com/ggml-org/llama.cpp):
 * - `spm` (SentencePiece, `llm_tokenizer_spm`): the text is only escaped (a space becomes `▁`,
 *   3 bytes for 1) and every symbol that forms no token is emitted as byte tokens (`<0xNN>`,
 *   6 bytes for 1), so each token's text is at least as long as the input it covers;
 * - `bpe` (`llm_tokenizer_bpe`): every byte is first mapped to one character of GPT-2's
 *   byte-to-unicode table (1 or 2 bytes for 1), then merged; a final symbol that is not a token is
 *   looked up byte by byte and the bytes that are not tokens are dropped. So it is sound only when
 *   all 256 byte characters are tokens and every merge yields a token, which is checked here.
 * `wpm` and `ugm` normalise (lowercasing, accents stripped, whitespace collapsed) and emit one
 * unknown token for a whole unknown word: no bound there.
 */
export function readMaxTokenBytes(model: LlamaModel): number | undefined {
  const ggml = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown; merges?: unknown } } } | undefined)?.tokenizer?.ggml;
  const tokens = ggml?.tokens;
  if (!Array.isArray(tokens) || tokens.length === 0 || !tokens.every((t) => typeof t === 'string')) return undefined;
  const type: string = model.vocabularyType;
  if (type !== 'spm' && type !== 'bpe') return undefined;
  if (type === 'bpe' && !isClosedByteLevelVocab(tokens as string[], ggml?.merges)) return undefined;
  let longest = 0;
  for (const t of tokens as string[]) longest = Math.max(longest, Buffer.byteLength(t, 'utf8'));
  return longest > 0 ? longest : undefined;
}

/**
 * Whether a byte-level BPE vocabulary has a token for each of GPT-2's 256 byte characters
 * (`bytes_to_unicode` in openai/gpt-2 src/encoder.py, `unicode_byte_to_utf8` in llama.cpp
 * src/unicode.cpp) and for the result of every merge, so no input byte is ever dropped.
 */
function isClosedByteLevelVocab(tokens: readonly string[], merges: unknown): boolean {
  const vocab = new Set(tokens);
  for (const c of BYTE_LEVEL_CHARS) if (!vocab.has(c)) return false;
  if (merges === undefined) return true;
  if (!Array.isArray(merges)) return false;
  for (const m of merges) {
    if (typeof m !== 'string') return false;
    const space = m.indexOf(' ', 1);
    if (space < 0 || !vocab.has(m.slice(0, space) + m.slice(space + 1))) return false;
  }
  return true;
}

/** GPT-2's byte-to-unicode map: printable Latin-1 bytes stand for themselves, the others for U+0100 onwards, in order. */
const BYTE_LEVEL_CHARS: readonly string[] = (() => {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 0x100;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : next++));
})();

/** Characters scanned between two yields to the event loop: about a millisecond's work. */
const SCAN_SLICE_CHARS = 1 << 20;

/**
 * A number of tokens `text` cannot tokenize into fewer of, without tokenizing it: for each run
 * that `LlamaText.tokenize` hands the tokenizer in one call (node-llama-cpp's LlamaText.js: the
 * strings between special tokens, and each special-tokens text), its bytes other than ASCII
 * whitespace over `maxTokenBytes`, less one. Whitespace is left out because llama.cpp strips it
 * next to special tokens with the lstrip/rstrip attribute (`tokenizer_st_partition`), so those
 * bytes may have no token at all; the one token less per run is for node-llama-cpp's
 * `trimLeadingSpace`, which tokenizes a run behind a `\n` and drops that `\n`'s tokens.
 * Every other byte is covered by a token whose text is at least as long as what it covers
 * (see {@link readMaxTokenBytes}), so the prompt has at least this many tokens.
 *
 * Scanning 50 MB takes a few hundred milliseconds, so it yields to the event loop before every
 * {@link SCAN_SLICE_CHARS} characters.
 */
export async function promptTokensAtLeast(text: LlamaText, maxTokenBytes: number): Promise<number> {
  let total = 0;
  let run = 0;
  const endRun = () => {
    total += Math.max(0, Math.ceil(run / maxTokenBytes) - 1);
    run = 0;
  };
  for (const value of text.values) {
    if (value instanceof SpecialToken) {
      endRun();
    } else if (typeof value === 'string') {
      run += await countSignificantBytes(value);
    } else {
      endRun();
      run = await countSignificantBytes(value.value);
      endRun();
    }
  }
  endRun();
  return total;
}

/**
 * UTF-8 bytes of `s` other than ASCII whitespace (C's `isspace`: space, \t, \n, \v, \f, \r),
 * as node-llama-cpp hands `s` to llama.cpp (N-API's UTF-8: a lone surrogate becomes U+FFFD, 3 bytes).
 */
export async function countSignificantBytes(s: string): Promise<number> {
  let bytes = 0;
  const n = s.length;
  let i = 0;
  // The first slice waits too: the request's parsing and rendering have just held the loop.
  let yieldAt = 0;
  while (i < n) {
    if (i >= yieldAt) {
      await setImmediate();
      yieldAt = i + SCAN_SLICE_CHARS;
    }
    const end = Math.min(n, yieldAt);
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (c !== 0x20 && (c < 0x09 || c > 0x0d)) bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
  }
  return bytes;
}
