import { randomBytes, randomInt } from 'node:crypto';

const FILE_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A generated File id: 12 lowercase letters and digits, the shape of Google's
 * (`files/29zm2ddgh73v`, googleapis/js-genai#381). Only `[a-z0-9]` on purpose: the JS SDK
 * extracts the id from an `https://…/files/<id>` URI with `/[a-z0-9]+/` (`tFileName`), so a
 * dash would cut it short. ~62 bits: ids are names, not secrets (access is checked by owner).
 */
export function randomFileId(): string {
  let id = '';
  for (let i = 0; i < 12; i++) id += FILE_ID_ALPHABET[randomInt(FILE_ID_ALPHABET.length)];
  return id;
}

/** An unguessable token: `bytes` random bytes as base64url (24 bytes → 32 characters, 192 bits). */
export function randomToken(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
