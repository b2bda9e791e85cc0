import { createHash, timingSafeEqual } from 'node:crypto';
import { systemClock, type Clock } from '../../storage/clock.js';
import { ANONYMOUS_CALLER, type Caller } from '../caller.js';
import { callerIdOf } from './caller-id.js';
import { callerOfKey, keyRefusal } from './key-record.js';
import { hashKeySecret } from './key-secret.js';
import type { KeyStore } from './key-store.js';
import { callerOfJwt, createJwtVerifier, JWT_SHAPE, type JwtConfig } from './verify-jwt.js';

/** `lastUsedAt` is written at most this often per key, so busy keys do not write on every request. */
export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * The outcome of resolving a credential: the caller, or why not. `missing` becomes Google's 403
 * PERMISSION_DENIED, `invalid` its 400 API_KEY_INVALID, `unavailable` (a JWT whose keys could not
 * be fetched: it may be good) a 503 to retry after `retryAfterMs`; `why` is for logs only.
 */
export type Resolution =
  | { caller: Caller }
  | { rejected: 'missing' | 'invalid'; why: string }
  | { rejected: 'unavailable'; why: string; retryAfterMs: number };

/** Turns the credential a request presents into its {@link Caller}. */
export interface CallerResolver {
  (credential: string | undefined): Promise<Resolution>;
  /**
   * True while the server is open: no static key, no JWT secret and no managed key ever created,
   * so every request is admitted. Checks that only keyless servers need (the `Host` check against
   * DNS rebinding) ask this rather than repeat the rule.
   */
  isOpen(): Promise<boolean>;
}

/** The identities a server accepts. */
export interface CallerSources {
  /** Keys from `--api-key`: callers named `static:<first 8 hex of their SHA-256>`, with the id {@link callerIdOf} gives the key. */
  staticKeys?: readonly string[];
  /** Managed keys. */
  store?: KeyStore;
  /** How JWT bearer tokens are verified (`--jwt-secret`, `--jwt-public-key`, `--jwt-jwks-url`, ...). Absent or empty: no JWTs. */
  jwt?: JwtConfig;
  /** For key expiry and JWT times. */
  clock?: Clock;
  /** Receives failures to record `lastUsedAt` (never fails the request). */
  onError?: (e: unknown) => void;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

/**
 * The caller of a configured (`--api-key`) key: its id is the key's {@link callerIdOf} (which
 * owned its Files before callers had one identity), its name the short `static:<hash8>` reports show.
 */
export function staticCaller(key: string): Caller {
  return { id: callerIdOf(key), name: `static:${sha256(key).toString('hex').slice(0, 8)}` };
}

/**
 * The caller of a request on a server with no identity configured: anonymous by name (metrics and
 * reports), but each key presented is its own caller, so apps that share an open server with keys
 * of their own neither see each other's Files, caches and batches nor share limits; without a key,
 * {@link ANONYMOUS_CALLER}.
 */
export function openCaller(key: string | undefined): Caller {
  return key ? { id: callerIdOf(key), name: ANONYMOUS_CALLER.name } : ANONYMOUS_CALLER;
}

/**
 * Builds the resolver of a server. With no identity configured at all (no static keys, no JWT
 * key, no managed key ever created) every request is admitted, as {@link openCaller}. Otherwise a
 * credential is tried as, in turn: a JWT (when it has a JWT's shape and JWT keys are configured:
 * {@link createJwtVerifier}), a static key, a managed key (refused once revoked or expired, or
 * with an old secret past its rotation grace).
 *
 * Static keys are compared as SHA-256 digests with `timingSafeEqual` against every key without an
 * early exit; managed keys are looked up by the SHA-256 of the credential, which reveals nothing
 * about stored secrets through timing.
 */
export function createCallerResolver(sources: CallerSources): CallerResolver {
  const clock = sources.clock ?? systemClock;
  const statics = (sources.staticKeys ?? []).map((k) => ({ digest: sha256(k), caller: staticCaller(k) }));
  const { store } = sources;
  const verifyJwt = sources.jwt ? createJwtVerifier(sources.jwt) : undefined;
  // Keys are never deleted, so once the store has one it always will: no need to ask again.
  let storeHasKeys = false;
  const lastMarked = new Map<string, number>();

  const isOpen = async () => {
    if (statics.length > 0 || verifyJwt !== undefined || storeHasKeys) return false;
    if (!store) return true;
    storeHasKeys = await store.hasKeys();
    return !storeHasKeys;
  };

  const markUsed = (id: string) => {
    const now = clock.now();
    if (now - (lastMarked.get(id) ?? -Infinity) < LAST_USED_INTERVAL_MS) return;
    lastMarked.set(id, now);
    store?.markUsed(id).catch((e) => sources.onError?.(e));
  };

  const resolve = async (credential: string | undefined): Promise<Resolution> => {
    if (await isOpen()) return { caller: openCaller(credential) };
    if (credential === undefined || credential === '') return { rejected: 'missing', why: 'no API key' };

    if (verifyJwt !== undefined && JWT_SHAPE.test(credential)) {
      const verified = await verifyJwt(credential, clock.now());
      if ('claims' in verified) return { caller: callerOfJwt(verified.claims) };
      if ('unavailable' in verified) return { rejected: 'unavailable', why: `JWT: ${verified.unavailable}`, retryAfterMs: verified.retryAfterMs };
      return { rejected: 'invalid', why: `JWT: ${verified.invalid}` };
    }

    const digest = sha256(credential);
    let matched: Caller | undefined;
    for (const s of statics) if (timingSafeEqual(s.digest, digest) && !matched) matched = s.caller;
    if (matched) return { caller: matched };

    const record = store && (await store.getBySecretHash(hashKeySecret(credential)));
    if (!record) return { rejected: 'invalid', why: 'unknown API key' };
    const refusal = keyRefusal(record, clock.now());
    if (refusal) return { rejected: 'invalid', why: `API key ${record.id} is ${refusal}` };
    markUsed(record.id);
    return { caller: callerOfKey(record) };
  };
  return Object.assign(resolve, { isOpen });
}
