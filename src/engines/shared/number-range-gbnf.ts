import { integerRangeGbnf } from './integer-range-gbnf.js';

/** JSON Schema's numeric bounds (draft 2020-12 §6.2), each optional. */
export interface NumberBounds {
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
}

/** Fraction digits gemserve's number grammars allow (as llama.cpp's `decimal-part`). */
const FRACTION = '( "." [0-9]{1,16} )?';
const ZERO_FRACTION = '( "." "0"{1,16} )?';
/** A fraction above zero; written with a last digit that is not 0 (a narrower grammar is still sound). */
const NONZERO_FRACTION = '"." [0-9]{0,15} [1-9]';

/**
 * GBNF for the JSON numbers (no exponent) within `bounds`, or undefined when no number is. Each
 * bound must be an integer here (a fractional one is rounded outwards by the caller, which then
 * validates the output): the number `I.F` is split on its integral part I, so for
 * `1 <= x <= 10` it is `"1" fraction | [2-9] fraction | "10" (".0"...)?`, and an exclusive
 * bound takes the fraction or the end value away. Negative numbers are `-` and the magnitude
 * range mirrored. Integral parts come from {@link integerRangeGbnf} (at most 16 digits).
 */
export function numberRangeGbnf(bounds: NumberBounds): string | undefined {
  const lo = bound(bounds.minimum, bounds.exclusiveMinimum, Math.max);
  const hi = bound(bounds.maximum, bounds.exclusiveMaximum, Math.min);
  const alternatives: string[] = [];
  // x >= 0
  if (!hi || hi.value > 0 || (hi.value === 0 && !hi.exclusive)) {
    const from = lo && lo.value >= 0 ? lo : { value: 0, exclusive: false };
    const m = magnitude(from.value, from.exclusive, hi?.value ?? Infinity, hi?.exclusive ?? false);
    if (m) alternatives.push(m);
  }
  // x < 0, written as "-" and its magnitude
  if (!lo || lo.value < 0) {
    const from = !hi || hi.value >= 0 ? { value: 0, exclusive: true } : { value: -hi.value, exclusive: hi.exclusive };
    const m = magnitude(from.value, from.exclusive, lo ? -lo.value : Infinity, lo?.exclusive ?? false);
    if (m) alternatives.push(`"-" ( ${m} )`);
  }
  return alternatives.length ? alternatives.join(' | ') : undefined;
}

/** The tighter of an inclusive and an exclusive bound (`pick` is max for lower bounds, min for upper). */
function bound(inclusive: number | undefined, exclusive: number | undefined, pick: (a: number, b: number) => number) {
  if (inclusive === undefined && exclusive === undefined) return undefined;
  if (inclusive === undefined) return { value: exclusive!, exclusive: true };
  if (exclusive === undefined) return { value: inclusive, exclusive: false };
  const v = pick(inclusive, exclusive);
  // Equal values: the exclusive one is the tighter.
  return { value: v, exclusive: v === exclusive };
}

/** Unsigned `I.F` with `a (<|<=) value (<|<=) b`, a and b non-negative integers (b may be Infinity). */
function magnitude(a: number, aExclusive: boolean, b: number, bExclusive: boolean): string | undefined {
  if (b < a) return undefined;
  if (a === b) return aExclusive || bExclusive ? undefined : `"${a}" ${ZERO_FRACTION}`;
  const parts = [`"${a}" ${aExclusive ? NONZERO_FRACTION : FRACTION}`];
  if (b === Infinity) parts.push(`( ${integerRangeGbnf(a + 1, undefined)} ) ${FRACTION}`);
  else {
    if (b - a >= 2) parts.push(`( ${integerRangeGbnf(a + 1, b - 1)} ) ${FRACTION}`);
    if (!bExclusive) parts.push(`"${b}" ${ZERO_FRACTION}`);
  }
  return parts.join(' | ');
}
