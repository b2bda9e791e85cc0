import { Errors } from '../../core/errors.js';
import type { CachedContentExpiry } from '../../storage/cached-contents/cached-content-record.js';

/**
 * A google.protobuf.Duration in JSON: seconds with up to nine fractional digits and an `s`
 * ("300s", "1.5s"; cached_content.proto `ttl`, protobuf's JSON mapping).
 */
const DURATION = /^(\d{1,12})(?:\.(\d{1,9}))?s$/;

/**
 * The `expiration` oneof of a CachedContent body (create or patch): `ttl` or `expireTime`,
 * not both; undefined when neither is set. `path` is the message's proto path for errors.
 */
export function parseCachedContentExpiry(body: Record<string, unknown>, now: number, path = 'cached_content'): CachedContentExpiry | undefined {
  const ttl = body.ttl;
  const expireTime = body.expireTime ?? body.expire_time;
  if (ttl !== undefined && expireTime !== undefined) {
    // Protobuf's JSON parser on a second member of a oneof.
    throw Errors.invalidArgument("Invalid JSON payload received. Oneof field 'expiration' is already set. Cannot set 'ttl'", `${path}.ttl`);
  }
  if (ttl !== undefined) {
    const m = typeof ttl === 'string' ? DURATION.exec(ttl) : null;
    if (!m) throw Errors.invalidArgument(`Invalid value at '${path}.ttl' (type.googleapis.com/google.protobuf.Duration), ${JSON.stringify(ttl)}`, `${path}.ttl`);
    const ttlMs = Number(m[1]) * 1000 + Math.round(Number(`0.${m[2] ?? '0'}`) * 1000);
    if (ttlMs <= 0) throw Errors.invalidArgument('ttl must be positive.', `${path}.ttl`);
    return { ttlMs };
  }
  if (expireTime !== undefined) {
    const at = typeof expireTime === 'string' && /^\d{4}-\d\d-\d\dT/.test(expireTime) ? Date.parse(expireTime) : Number.NaN;
    if (Number.isNaN(at)) {
      throw Errors.invalidArgument(`Invalid value at '${path}.expire_time' (type.googleapis.com/google.protobuf.Timestamp), ${JSON.stringify(expireTime)}`, `${path}.expire_time`);
    }
    if (at <= now) throw Errors.invalidArgument('expire_time must be in the future.', `${path}.expire_time`);
    return { expireTime: at };
  }
  return undefined;
}
