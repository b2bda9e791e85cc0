import { createHmac } from 'node:crypto';
import {
  createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify,
  type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions,
} from 'jose';
import type { Caller, Quotas } from '../caller.js';
import { ASYMMETRIC_JWT_ALGORITHMS } from './parse-jwt-public-keys.js';
import { createRemoteJwtKeys, JwtKeysUnavailable, type RemoteJwtKeysOptions } from './remote-jwt-keys.js';

/**
 * Tolerance for clocks that disagree, applied to `exp`, `nbf` and `iat` as jose's
 * `clockTolerance` (RFC 7519 §4.1.4-6 allow "some small leeway").
 */
export const JWT_CLOCK_TOLERANCE_S = 30;

/** The claims gemserve reads from a token; others are ignored. */
export interface GatewayClaims {
  /** The caller: `jwt:<sub>`. Required. */
  sub: string;
  /** Seconds since the epoch (RFC 7519 NumericDate). */
  exp?: number;
  nbf?: number;
  iat?: number;
  /** Models the token may use; absent = all. */
  models?: string[];
  quotas?: Quotas;
  labels?: Record<string, string>;
}

/** A compact JWS: three base64url segments (RFC 7515 §7.1). */
export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * Signs claims as an HS256 JWT, synchronously (tests, and tools that mint tokens for gemserve's
 * `--jwt-secret`). Verification is jose's; this only produces what jose's `SignJWT` would.
 */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Where accepted tokens' signatures are checked, and what their claims must say. */
export interface JwtConfig {
  /** Shared secret of HS256 tokens (`--jwt-secret`). */
  secret?: string;
  /** Public keys (`--jwt-public-key`, read by parseJwtPublicKeys). */
  publicKeys?: JSONWebKeySet;
  /** An OIDC provider's JWKS URL (`--jwt-jwks-url`). */
  jwksUrl?: string;
  /** Fetching and caching of `jwksUrl`. */
  jwks?: RemoteJwtKeysOptions;
  /** Algorithms accepted with `publicKeys` and `jwksUrl` (`--jwt-algorithms`); default every one of ASYMMETRIC_JWT_ALGORITHMS. */
  algorithms?: readonly string[];
  /** When set, a token's `iss` must be one of these (`--jwt-issuer`; RFC 7519 §4.1.1). */
  issuer?: readonly string[];
  /** When set, a token's `aud` must name one of these (`--jwt-audience`; RFC 7519 §4.1.3). */
  audience?: readonly string[];
}

/** The claims of a good token; why a token is refused (for logs: clients see API_KEY_INVALID); or that its keys could not be fetched. */
export type JwtVerdict = { claims: GatewayClaims } | { invalid: string } | { unavailable: string; retryAfterMs: number };

/** Checks a token at a time (ms since the epoch). */
export type JwtVerifier = (token: string, nowMs: number) => Promise<JwtVerdict>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);
const nonEmpty = (list: readonly string[] | undefined) => (list && list.length > 0 ? [...list] : undefined);

/**
 * Builds the verifier of the configured keys on jose, or undefined when none is configured.
 * Algorithms are an allowlist (RFC 8725 §3.1): HS256 with the secret only, the asymmetric ones
 * (`algorithms`) with public keys only, never `none`; a token's `alg` outside it is refused before
 * any key is looked at, and the key for an `alg` is taken only from its family, so no public key
 * is ever used as an HMAC secret (RFC 8725 §2.1). Keys from `publicKeys` are tried before the
 * JWKS URL's. Then jose checks `exp` and `nbf` with {@link JWT_CLOCK_TOLERANCE_S}, `iss` and
 * `aud` when configured; gemserve checks that `iat` is not in the future and the claims it reads.
 */
export function createJwtVerifier(config: JwtConfig): JwtVerifier | undefined {
  const secret = config.secret !== undefined ? new TextEncoder().encode(config.secret) : undefined;
  const local = config.publicKeys ? createLocalJWKSet(config.publicKeys) : undefined;
  const remote = config.jwksUrl ? createRemoteJwtKeys(config.jwksUrl, config.jwks) : undefined;
  if (!secret && !local && !remote) return undefined;
  const asymmetric = local || remote ? [...(config.algorithms ?? ASYMMETRIC_JWT_ALGORITHMS)] : [];
  const unknown = asymmetric.filter((a) => !(ASYMMETRIC_JWT_ALGORITHMS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`JWT algorithms not supported with public keys: ${unknown.join(', ')} (supported: ${ASYMMETRIC_JWT_ALGORITHMS.join(', ')})`);
  if ((local || remote) && asymmetric.length === 0) throw new Error('no JWT algorithm is allowed for the public keys');

  // Imported once: given as bytes, jose would import the secret into WebCrypto on every token.
  let hmacKey: Promise<CryptoKey> | undefined;
  const getKey: JWTVerifyGetKey = async (header, token) => {
    // Reached only for algorithms in the allowlist: HS256 exactly when there is a secret.
    if (header.alg === 'HS256' && secret) {
      return (hmacKey ??= crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
    }
    if (local) {
      try {
        return await local(header, token);
      } catch (e) {
        if (!(remote && e instanceof errors.JWKSNoMatchingKey)) throw e;
      }
    }
    if (remote) return remote(header, token);
    throw new errors.JWKSNoMatchingKey();
  };
  const options: JWTVerifyOptions = {
    algorithms: [...(secret ? ['HS256'] : []), ...asymmetric],
    clockTolerance: JWT_CLOCK_TOLERANCE_S,
    ...(nonEmpty(config.issuer) ? { issuer: nonEmpty(config.issuer) } : {}),
    ...(nonEmpty(config.audience) ? { audience: nonEmpty(config.audience) } : {}),
  };

  return async (token, nowMs) => {
    if (!JWT_SHAPE.test(token)) return { invalid: 'not a JWT' };
    let payload: JWTPayload;
    try {
      payload = await verifyWithKeys(token, getKey, { ...options, currentDate: new Date(nowMs) });
    } catch (e) {
      return refusalOf(e, token);
    }
    return checkGatewayClaims(payload, nowMs);
  };
}

/**
 * jose's `jwtVerify`, and when a key set has several keys that fit the token (no `kid`, keys of the
 * same type), each of them in turn: jose leaves that to the caller (its JWKSMultipleMatchingKeys
 * is iterable for it, jose docs of `createLocalJWKSet`).
 */
async function verifyWithKeys(token: string, getKey: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(token, getKey, options)).payload;
  } catch (e) {
    if (!(e instanceof errors.JWKSMultipleMatchingKeys)) throw e;
    for await (const key of e as unknown as AsyncIterable<CryptoKey>) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

function algOf(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg);
  } catch {
    return 'unknown';
  }
}

const CLAIM_REFUSALS: Record<string, string> = { nbf: 'not valid yet (nbf)', iss: 'wrong issuer (iss)', aud: 'wrong audience (aud)' };

/** Why jose refused a token, in words for the log; never throws, so no token makes a 500. */
function refusalOf(e: unknown, token: string): JwtVerdict {
  if (e instanceof JwtKeysUnavailable) return { unavailable: e.message, retryAfterMs: e.retryAfterMs };
  if (e instanceof errors.JOSEAlgNotAllowed) return { invalid: `algorithm ${algOf(token)} is not accepted` };
  if (e instanceof errors.JWSSignatureVerificationFailed) return { invalid: 'bad signature' };
  if (e instanceof errors.JWTExpired) return { invalid: 'expired' };
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.reason === 'invalid') return { invalid: `${e.claim} is not a number` };
    if (e.reason === 'missing') return { invalid: `no ${e.claim} claim` };
    return { invalid: CLAIM_REFUSALS[e.claim] ?? e.message };
  }
  if (e instanceof errors.JWKSNoMatchingKey) return { invalid: 'no configured key fits its kid and alg' };
  return { invalid: `unverifiable: ${(e as Error)?.message ?? String(e)}` };
}

/** The claims gemserve reads, typed as it reads them; `iat` not in the future (jose checks `iat` only with `maxTokenAge`). */
function checkGatewayClaims(c: JWTPayload, nowMs: number): JwtVerdict {
  if (typeof c.sub !== 'string' || c.sub === '') return { invalid: 'no sub claim' };
  if (typeof c.iat === 'number' && nowMs / 1000 < c.iat - JWT_CLOCK_TOLERANCE_S) return { invalid: 'issued in the future (iat)' };
  if (c.models !== undefined && !(Array.isArray(c.models) && c.models.every((m) => typeof m === 'string'))) {
    return { invalid: 'models is not a list of strings' };
  }
  if (c.quotas !== undefined && !(isObject(c.quotas) && isCount(c.quotas.rpm) && isCount(c.quotas.tpm) && isCount(c.quotas.rpd))) {
    return { invalid: 'quotas is not {rpm, tpm, rpd} of non-negative integers' };
  }
  if (c.labels !== undefined && !(isObject(c.labels) && Object.values(c.labels).every((v) => typeof v === 'string'))) {
    return { invalid: 'labels is not an object of strings' };
  }
  return { claims: c as unknown as GatewayClaims };
}

/** The caller a verified token stands for: `jwt:<sub>`, with its models, quotas and labels. */
export function callerOfJwt(claims: GatewayClaims): Caller {
  const quotas: Quotas = {};
  for (const k of ['rpm', 'tpm', 'rpd'] as const) if (claims.quotas?.[k] !== undefined) quotas[k] = claims.quotas[k];
  return {
    id: `jwt:${claims.sub}`,
    name: claims.sub,
    ...(claims.models ? { allowedModels: [...claims.models] } : {}),
    ...(claims.quotas ? { quotas } : {}),
    ...(claims.labels ? { labels: { ...claims.labels } } : {}),
  };
}
