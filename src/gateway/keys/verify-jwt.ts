import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Caller, Quotas } from '../caller.js';

/**
 * Tolerance for clocks that disagree, applied to `exp`, `nbf` and `iat` as jose's
 * `clockTolerance` is (RFC 7519 §4.1.4-6 allow "some small leeway").
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

/** A compact JWS: three base64url segments (the signature may not be empty for HS256, but the shape check is lenient). */
export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const hmac = (secret: string, input: string) => createHmac('sha256', secret).update(input).digest();

/** Signs claims as an HS256 JWT (tests, and tools that mint tokens for gemserve). */
export function signJwt(claims: Record<string, unknown>, secret: string): string {
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${input}.${b64(hmac(secret, input))}`;
}

function parseSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isFinite(v));
const isCount = (v: unknown) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0);

/**
 * Verifies an HS256 token with `secret` at `nowMs`: only `alg: HS256` (never `none` or
 * another algorithm the header asks for: RFC 8725 §2.1), a constant-time signature check, then
 * `exp`, `nbf` and `iat` (not in the future) and the types of the claims gemserve reads.
 * Returns the claims, or why the token is refused (for logs; clients only see API_KEY_INVALID).
 */
export function verifyJwt(token: string, secret: string, nowMs: number): { claims: GatewayClaims } | { invalid: string } {
  if (!JWT_SHAPE.test(token)) return { invalid: 'not a JWT' };
  const [h, p, s] = token.split('.');
  const header = parseSegment(h);
  if (!isObject(header) || header.alg !== 'HS256') return { invalid: 'not an HS256 JWT' };
  const expected = hmac(secret, `${h}.${p}`);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { invalid: 'bad signature' };
  const c = parseSegment(p);
  if (!isObject(c)) return { invalid: 'claims are not a JSON object' };
  if (typeof c.sub !== 'string' || c.sub === '') return { invalid: 'no sub claim' };
  if (!isTime(c.exp) || !isTime(c.nbf) || !isTime(c.iat)) return { invalid: 'exp, nbf or iat is not a number' };
  const now = nowMs / 1000;
  if (typeof c.exp === 'number' && now >= c.exp + JWT_CLOCK_TOLERANCE_S) return { invalid: 'expired' };
  if (typeof c.nbf === 'number' && now < c.nbf - JWT_CLOCK_TOLERANCE_S) return { invalid: 'not valid yet (nbf)' };
  if (typeof c.iat === 'number' && now < c.iat - JWT_CLOCK_TOLERANCE_S) return { invalid: 'issued in the future (iat)' };
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
