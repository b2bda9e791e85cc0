/** The digits of the integral part gemserve's JSON grammars allow (as llama.cpp's `integral-part`). */
export const MAX_INTEGER_DIGITS = 16;

/**
 * GBNF for the JSON integers (no leading zeros, at most {@link MAX_INTEGER_DIGITS} digits)
 * between `min` and `max` inclusive; either may be undefined (unbounded on that side) but not
 * both. Bounds are safe integers with at most 16 digits, `min <= max`. `-0` may be written
 * where 0 is in the range (it is 0).
 *
 * A range is split into runs of numbers of one length, each written digit by digit as a prefix
 * both ends share and digit classes (`uniform_range` of `build_min_max_int` in llama.cpp's
 * common/json-schema-to-grammar.cpp, ported). A one-sided range is its numbers of the bound's
 * length from the bound on, then every longer number: llama.cpp's own one-sided case recurses on
 * the bound without its first digit and so loses a zero after it (its grammar for `>= 101` also
 * writes 11), which this does not.
 */
export function integerRangeGbnf(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return between(min, max);
  if (min !== undefined) return atLeast(min);
  if (max !== undefined) return atMost(max);
  throw new Error('integerRangeGbnf needs a bound');
}

const LONGEST = MAX_INTEGER_DIGITS;

function between(min: number, max: number): string {
  if (max < 0) return `"-" ( ${nonNegative(String(-max), String(-min))} )`;
  if (min < 0) return `"-" ( ${nonNegative('0', String(-min))} ) | ${nonNegative('0', String(max))}`;
  return nonNegative(String(min), String(max));
}

function atLeast(min: number): string {
  if (min <= 0) {
    const negative = min < 0 ? `"-" ( ${nonNegative('1', String(-min))} ) | ` : '';
    return `${negative}[0] | [1-9] [0-9]{0,${LONGEST - 1}}`;
  }
  const digits = String(min).length;
  const sameLength = nonNegative(String(min), '9'.repeat(digits));
  return digits < LONGEST ? `${sameLength} | [1-9] [0-9]{${digits},${LONGEST - 1}}` : sameLength;
}

function atMost(max: number): string {
  if (max >= 0) return `"-" [1-9] [0-9]{0,${LONGEST - 1}} | ${nonNegative('0', String(max))}`;
  return `"-" ( ${atLeast(-max)} )`;
}

/** Non-negative integers from `minS` to `maxS` (decimal strings, no leading zeros, minS <= maxS). */
function nonNegative(minS: string, maxS: string): string {
  const out: string[] = [];
  let from = minS;
  for (let digits = minS.length; digits < maxS.length; digits++) {
    uniformRange(from, '9'.repeat(digits), out);
    from = `1${'0'.repeat(digits)}`;
    out.push(' | ');
  }
  uniformRange(from, maxS, out);
  return out.join('');
}

/** The numbers from `from` to `to`, two digit strings of one length (llama.cpp's `uniform_range`). */
function uniformRange(from: string, to: string, out: string[]): void {
  const digitRange = (a: string, b: string) => out.push('[', a === b ? a : `${a}-${b}`, ']');
  const moreDigits = (n: number) => out.push(n === 1 ? '[0-9]' : `[0-9]{${n}}`);
  const step = (c: string, d: number) => String.fromCharCode(c.charCodeAt(0) + d);
  let i = 0;
  while (i < from.length && i < to.length && from[i] === to[i]) i++;
  if (i > 0) out.push('"', from.slice(0, i), '"');
  if (i >= from.length || i >= to.length) return;
  if (i > 0) out.push(' ');
  const subLen = from.length - i - 1;
  if (subLen === 0) {
    out.push('[', from[i], '-', to[i], ']');
    return;
  }
  const fromSub = from.slice(i + 1);
  const toSub = to.slice(i + 1);
  const zeros = '0'.repeat(subLen);
  const nines = '9'.repeat(subLen);
  let toReached = false;
  out.push('(');
  if (fromSub === zeros) {
    digitRange(from[i], step(to[i], -1));
    out.push(' ');
    moreDigits(subLen);
  } else {
    out.push('[', from[i], '] (');
    uniformRange(fromSub, nines, out);
    out.push(')');
    if (from[i] < step(to[i], -1)) {
      out.push(' | ');
      if (toSub === nines) {
        digitRange(step(from[i], 1), to[i]);
        toReached = true;
      } else {
        digitRange(step(from[i], 1), step(to[i], -1));
      }
      out.push(' ');
      moreDigits(subLen);
    }
  }
  if (!toReached) {
    out.push(' | ');
    digitRange(to[i], to[i]);
    out.push(' ');
    uniformRange(zeros, toSub, out);
  }
  out.push(')');
}
