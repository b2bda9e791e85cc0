import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The key file's name in the data dir. */
export const THOUGHT_SIGNATURE_KEY_FILE = 'thought-signature.key';

/** The key's length in bytes (HMAC-SHA256 takes any; 32 is its block-size-safe strength). */
const KEY_BYTES = 32;

/**
 * The key gemserve signs thought signatures with, kept in `<dataDir>/thought-signature.key`
 * (created on first use, readable by its owner only), so that a function-calling loop spanning
 * a restart, or replicas sharing a data dir, still verify the signatures they issued: Gemini 3
 * clients send them back on every turn (ai.google.dev/gemini-api/docs/thought-signatures).
 */
export async function loadThoughtSignatureKey(dataDir: string): Promise<Uint8Array> {
  const file = join(dataDir, THOUGHT_SIGNATURE_KEY_FILE);
  try {
    const key = await readFile(file);
    if (key.length === KEY_BYTES) return key;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const key = randomBytes(KEY_BYTES);
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, key, { mode: 0o600 });
  return key;
}
