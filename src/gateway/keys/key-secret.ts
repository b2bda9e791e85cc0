import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Google API keys are `AIza` followed by 35 URL-safe characters (39 in all); SDKs and tools that
 * sanity-check a key's shape (e.g. secret scanners, some IDE plugins) accept ours too.
 */
export const KEY_SECRET_PATTERN = /^AIza[0-9A-Za-z_-]{35}$/;

/** A new key secret: `AIza` + 35 characters of 6 random bits each (210 bits). */
export function newKeySecret(): string {
  // 256 is a multiple of 64, so `byte & 63` is uniform.
  const bytes = randomBytes(35);
  let s = 'AIza';
  for (const b of bytes) s += URL_SAFE[b & 63];
  return s;
}

/** A new key id: `key_` + 16 lowercase letters and digits (~82 bits; ids are names, not secrets). */
export function newKeyId(): string {
  let id = 'key_';
  for (let i = 0; i < 16; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/** What stores keep of a secret: its SHA-256, hex. Secrets have 210 random bits, so no salt or KDF is needed. */
export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares two hex digests in constant time (false for different lengths). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
