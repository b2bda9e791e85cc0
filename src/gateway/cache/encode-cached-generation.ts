import type { CachedGeneration } from './response-cache.js';

/**
 * A cached generation ⇄ JSON text, the form both stores keep (and measure for `maxBytes`).
 * Plain JSON would lose two things events can hold: bytes (a figure from the code-execution
 * tool, `Uint8Array`) and non-finite numbers (a log probability of -Infinity); both are tagged.
 * Text is also what isolates an entry from the objects a caller goes on to use.
 */
export function encodeCachedGeneration(value: CachedGeneration): string {
  return JSON.stringify(value, function replace(this: Record<string, unknown>, key, v: unknown) {
    const original = this[key];
    if (original instanceof Uint8Array) return { $bytes: Buffer.from(original).toString('base64') };
    if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
    return v;
  });
}

export function decodeCachedGeneration(text: string): CachedGeneration {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1 && typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
      if (keys.length === 1 && typeof o.$number === 'string') return Number(o.$number);
    }
    return v;
  }) as CachedGeneration;
}
