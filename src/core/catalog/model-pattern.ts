/**
 * Model name patterns of the `aliases` setting: a model id in which `*` stands for any run of
 * characters (`gemini-*`, `gemini-3*`, `*-preview`). A pattern without `*` names one model.
 */

/** What a pattern may contain: the characters of a model id (ModelBinding ids may hold `/`), and `*`. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._\-/*]*$|^\*[A-Za-z0-9._\-/*]*$/;

/** A parsed pattern. */
export interface ModelPattern {
  /** As written, without `models/`. */
  pattern: string;
  /** True when it has no `*`: it names one model. */
  exact: boolean;
  /** Characters other than `*`: the longer, the more specific ("the longest pattern wins"). */
  literalLength: number;
  matches(id: string): boolean;
}

/** Parses `pattern` (a leading `models/` is dropped). Throws on characters a model id cannot hold. */
export function parseModelPattern(pattern: string): ModelPattern {
  const p = pattern.replace(/^models\//, '');
  if (!MODEL_PATTERN.test(p)) throw new Error(`invalid model pattern ${JSON.stringify(pattern)}`);
  const exact = !p.includes('*');
  const re = new RegExp(`^${p.split('*').map((s) => s.replace(/[.\-/]/g, '\\$&')).join('.*')}$`);
  return { pattern: p, exact, literalLength: p.replace(/\*/g, '').length, matches: (id) => (exact ? id === p : re.test(id)) };
}

/**
 * Orders patterns from most to least specific: exact names first, then by literal length, longest
 * first; equal ones keep their given order (stable sort).
 */
export function bySpecificity<T extends { pattern: ModelPattern }>(rules: readonly T[]): T[] {
  return [...rules].sort((a, b) =>
    Number(b.pattern.exact) - Number(a.pattern.exact) || b.pattern.literalLength - a.pattern.literalLength);
}
