import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { Errors } from '../core/errors.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * An `onRequest` hook admitting only `Authorization: Bearer <admin key>`, compared as SHA-256
 * digests in constant time; anything else is 401 UNAUTHENTICATED (`Errors.adminUnauthenticated`).
 * For the admin API's routes, which are `public` to the API-key hook and check this instead.
 */
export function requireAdmin(adminKey: string): onRequestHookHandler {
  const expected = sha256(adminKey);
  return async (request) => {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!m || !timingSafeEqual(sha256(m[1]), expected)) throw Errors.adminUnauthenticated();
  };
}
