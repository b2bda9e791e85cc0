import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';

/** How long one fetch of the JWKS may take: jose's default `timeoutDuration`. */
export const JWKS_TIMEOUT_MS = 5_000;
/**
 * After a fetch, a token whose `kid` the set lacks is refused without fetching again for this
 * long: jose's default `cooldownDuration`. It bounds what tokens with made-up `kid`s can make
 * the server fetch, while a key the provider has just rotated in is picked up at the next fetch.
 */
export const JWKS_COOLDOWN_MS = 30_000;
/** Fetched keys are used for this long before the set is fetched again: jose's default `cacheMaxAge`. */
export const JWKS_CACHE_MAX_AGE_MS = 600_000;
/** After a failed fetch, tokens that need a fetch are refused at once for this long, so a provider outage is not one fetch per request. */
export const JWKS_RETRY_AFTER_FAILURE_MS = 5_000;

/** The keys could not be fetched: the token may be good, so the client should retry (503), not treat it as an invalid key. */
export class JwtKeysUnavailable extends Error {
  constructor(message: string, readonly retryAfterMs: number, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JwtKeysUnavailable';
  }
}

/** Tuning of {@link createRemoteJwtKeys}; the defaults are the constants above. */
export interface RemoteJwtKeysOptions {
  timeoutMs?: number;
  cooldownMs?: number;
  cacheMaxAgeMs?: number;
  retryAfterFailureMs?: number;
}

/** Errors that are about the token (no key for its `kid` and `alg`), not about fetching. */
const isTokenError = (e: unknown) =>
  e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported;

/**
 * The keys of a JWKS URL (an OIDC provider's `jwks_uri`: Keycloak's
 * `/realms/<realm>/protocol/openid-connect/certs`, Auth0's `/.well-known/jwks.json`, Google's
 * `https://www.googleapis.com/oauth2/v3/certs`) on jose's `createRemoteJWKSet`: fetched on first
 * use, cached, fetched again when stale or when a token names a `kid` the set lacks (key rotation),
 * never more often than the cooldown; redirects are not followed (give the final URL).
 *
 * What jose leaves to the caller: a failed fetch is a {@link JwtKeysUnavailable}, and for
 * {@link RemoteJwtKeysOptions.retryAfterFailureMs} after it tokens are checked against the keys
 * already fetched while they are fresh, and refused as unavailable when there are none, instead of
 * fetching again on every request.
 */
export function createRemoteJwtKeys(url: string, opts: RemoteJwtKeysOptions = {}): JWTVerifyGetKey {
  const retryAfterFailureMs = opts.retryAfterFailureMs ?? JWKS_RETRY_AFTER_FAILURE_MS;
  const remote = createRemoteJWKSet(new URL(url), {
    timeoutDuration: opts.timeoutMs ?? JWKS_TIMEOUT_MS,
    cooldownDuration: opts.cooldownMs ?? JWKS_COOLDOWN_MS,
    cacheMaxAge: opts.cacheMaxAgeMs ?? JWKS_CACHE_MAX_AGE_MS,
  });
  let failedAt = -Infinity;
  let lastGood: ReturnType<typeof createLocalJWKSet> | undefined;

  return async (header, token) => {
    const wait = failedAt + retryAfterFailureMs - Date.now();
    if (wait > 0) {
      if (remote.fresh && lastGood) return lastGood(header, token);
      throw new JwtKeysUnavailable(`the JWKS at ${url} could not be fetched; not trying again for ${wait} ms`, wait);
    }
    try {
      return await remote(header, token);
    } catch (e) {
      if (isTokenError(e)) throw e;
      failedAt = Date.now();
      const fetched = remote.jwks();
      lastGood = fetched ? createLocalJWKSet(fetched) : undefined;
      throw new JwtKeysUnavailable(`fetching the JWKS at ${url} failed: ${(e as Error).message}`, retryAfterFailureMs, { cause: e });
    }
  };
}
