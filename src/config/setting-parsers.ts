/**
 * Parsers for setting values. One parser serves all three sources: flags and env vars give
 * strings, a JSON config file gives numbers, booleans and arrays, so each parser accepts
 * both. A parser throws {@link InvalidSettingValue} saying what it expected; the resolver adds
 * where the value came from (`--port`, `GEMSERVE_PORT`, `config.json: "port"`).
 */

/** Thrown by a parser; `message` completes the sentence "<source> must be ...". */
export class InvalidSettingValue extends Error {
  constructor(expected: string, value: unknown) {
    super(`${expected} (got ${JSON.stringify(value)})`);
    this.name = 'InvalidSettingValue';
  }
}

/** Turns a raw value (string from a flag/env var, or a JSON value) into a typed one. */
export type SettingParser<T> = (value: unknown) => T;

/** A non-empty string. */
export function text(): SettingParser<string> {
  return (v) => {
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidSettingValue('must be a non-empty string', v);
    return v.trim();
  };
}

/** An integer in `[min, max]`, given as a JSON number or a decimal string. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): SettingParser<number> {
  return (v) => {
    const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidSettingValue(`must be an integer from ${min} to ${max}`, v);
    }
    return n;
  };
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', '']);

/** A boolean; env vars may say 1/0, true/false, yes/no, on/off (as ollama's envconfig.Bool does). */
export function boolean(): SettingParser<boolean> {
  return (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const w = v.trim().toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
    }
    throw new InvalidSettingValue('must be true or false (or 1/0, yes/no, on/off)', v);
  };
}

/** A list of strings: a JSON array, repeated flags, or one comma-separated string (env vars). */
export function list(): SettingParser<string[]> {
  return (v) => {
    const items = typeof v === 'string' ? v.split(',') : v;
    if (!Array.isArray(items) || !items.every((s) => typeof s === 'string')) {
      throw new InvalidSettingValue('must be a list of strings', v);
    }
    return items.flatMap((s: string) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  };
}

/** One of a fixed set of words. */
export function oneOf<const W extends string>(words: readonly W[]): SettingParser<W> {
  return (v) => {
    const w = typeof v === 'string' ? v.trim().toLowerCase() : v;
    if (!words.includes(w as W)) throw new InvalidSettingValue(`must be one of ${words.join(', ')}`, v);
    return w as W;
  };
}

/** `auto`, or an integer in `[min, max]`. */
export function autoOrInteger(min: number, max?: number): SettingParser<'auto' | number> {
  const int = integer(min, max);
  return (v) => {
    if (typeof v === 'string' && v.trim().toLowerCase() === 'auto') return 'auto';
    try {
      return int(v);
    } catch {
      throw new InvalidSettingValue(`must be auto or an integer from ${min}${max === undefined ? ' up' : ` to ${max}`}`, v);
    }
  };
}

// Decimal units follow SI, the *iB ones IEC; a bare k/m/g is read as binary because that is
// what people mean by "100m" in nginx's client_max_body_size, the setting this mirrors.
const UNITS: Record<string, number> = {
  '': 1, b: 1,
  k: 1024, kb: 1e3, kib: 1024,
  m: 1024 ** 2, mb: 1e6, mib: 1024 ** 2,
  g: 1024 ** 3, gb: 1e9, gib: 1024 ** 3,
};

/** A size in bytes: a number, or a string like `100MiB`, `20MB`, `512k`. */
export function byteSize(min = 1): SettingParser<number> {
  return (v) => {
    const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v) : null;
    const n = typeof v === 'number' ? v : m && UNITS[m[2].toLowerCase()] !== undefined ? Number(m[1]) * UNITS[m[2].toLowerCase()] : NaN;
    if (!Number.isFinite(n) || n < min) {
      throw new InvalidSettingValue(`must be a size in bytes of at least ${min}, like 104857600, 100MiB or 20MB`, v);
    }
    return Math.floor(n);
  };
}

/** A URL path prefix: empty, or `/a/b` (a trailing slash is dropped; the leading one is required). */
export function pathPrefix(): SettingParser<string> {
  return (v) => {
    if (typeof v !== 'string' || (v !== '' && !/^\/[^\s?#]*$/.test(v))) {
      throw new InvalidSettingValue('must be empty or a path starting with "/", like /gemini', v);
    }
    return v.replace(/\/+$/, '');
  };
}

/** An absolute http(s) URL, without its trailing slash. */
export function httpUrl(): SettingParser<string> {
  return (v) => {
    let url: URL | undefined;
    try {
      url = typeof v === 'string' ? new URL(v) : undefined;
    } catch { /* reported below */ }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new InvalidSettingValue('must be an http(s) URL', v);
    }
    return url.href.replace(/\/+$/, '');
  };
}
