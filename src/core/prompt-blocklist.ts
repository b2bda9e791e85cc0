/**
 * The server's blocklist (`--blocklist FILE`): terms and regular expressions that block a prompt,
 * the local stand-in for the terminology blocklist behind Gemini's `blockReason: BLOCKLIST`
 * ("the terms which are included from the terminology blocklist", `BlockReason` in
 * generative_service.proto). Parsing and matching only; reading the file is the CLI's job.
 *
 * File format, one entry per line:
 * - `/pattern/flags`: a JavaScript regular expression (flags from `imsu`; always searched, never anchored);
 * - anything else: a term, matched case-insensitively as a whole word or phrase
 *   (`ban` blocks "Ban this" but not "banana"; inner whitespace matches any run of whitespace);
 * - blank lines and lines starting with `#` are ignored; surrounding whitespace is trimmed.
 */

/** A parsed blocklist: each entry as a regular expression, with the line it came from. */
export interface PromptBlocklist {
  readonly entries: ReadonlyArray<{ line: number; source: string; pattern: RegExp }>;
}

/** A line of a blocklist file that does not parse; `line` is 1-based. */
export class BlocklistSyntaxError extends Error {
  constructor(readonly line: number, reason: string) {
    super(`line ${line}: ${reason}`);
    this.name = 'BlocklistSyntaxError';
  }
}

const REGEX_LINE = /^\/(.+)\/([a-z]*)$/s;
const ALLOWED_FLAGS = /^[imsu]*$/;

/** Parses a blocklist file's text. Throws {@link BlocklistSyntaxError} on a bad regular expression. */
export function parsePromptBlocklist(text: string): PromptBlocklist {
  const entries: Array<{ line: number; source: string; pattern: RegExp }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const source = raw.trim();
    if (source === '' || source.startsWith('#')) return;
    const regex = REGEX_LINE.exec(source);
    if (regex) {
      const [, body, flags] = regex;
      if (!ALLOWED_FLAGS.test(flags)) throw new BlocklistSyntaxError(line, `unsupported regular expression flags "${flags}" (use i, m, s, u)`);
      try {
        entries.push({ line, source, pattern: new RegExp(body, flags) });
      } catch (e) {
        throw new BlocklistSyntaxError(line, (e as Error).message);
      }
      return;
    }
    entries.push({ line, source, pattern: termPattern(source) });
  });
  return { entries };
}

/**
 * A term as a case-insensitive regular expression: letters and digits at its ends must not
 * continue into the surrounding text (Unicode-aware, so "é" counts as a letter).
 */
function termPattern(term: string): RegExp {
  const escaped = term.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('\\s+');
  const word = /^[\p{L}\p{N}_]/u;
  const before = word.test(term) ? '(?<![\\p{L}\\p{N}_])' : '';
  const after = word.test([...term].at(-1) ?? '') ? '(?![\\p{L}\\p{N}_])' : '';
  return new RegExp(`${before}${escaped}${after}`, 'iu');
}

/** The first entry that matches `text`, or undefined. */
export function findBlocklistMatch(list: PromptBlocklist, text: string): PromptBlocklist['entries'][number] | undefined {
  return list.entries.find((e) => e.pattern.test(text));
}
