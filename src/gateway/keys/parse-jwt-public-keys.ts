import { createPublicKey } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';

/**
 * The asymmetric JWS algorithms gemserve verifies (RFC 7518 §3.1, RFC 8037 §3.1 for EdDSA), the
 * default of `--jwt-algorithms`. Each fits one key type (RSA: RS*, PS*; EC: ES* by curve; OKP
 * Ed25519: EdDSA), and jose picks a key only of the type the token's `alg` needs, so an RSA key
 * never checks an ES256 token nor a public key an HMAC (the confusion RFC 8725 §2.1 warns of).
 * HS256 is not among them: it is `--jwt-secret`'s only algorithm. `none` never is.
 */
export const ASYMMETRIC_JWT_ALGORITHMS = [
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
] as const;

/** Why a key file cannot be used; the CLI shows the message. */
export class InvalidJwtKeyFile extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidJwtKeyFile';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A public JWK, checked by Node's parser (RSA, EC, OKP) and reduced to its key and selection members. */
function publicJwk(jwk: unknown, where: string): JWK {
  if (!isObject(jwk)) throw new InvalidJwtKeyFile(`${where} is not a JWK`);
  if (typeof jwk.kty !== 'string') throw new InvalidJwtKeyFile(`${where} has no "kty"`);
  if (jwk.kty === 'oct') throw new InvalidJwtKeyFile(`${where} is a symmetric key ("kty": "oct"); give a shared secret with --jwt-secret instead`);
  // A private key has no business on a verifying server (RFC 7518 §6.2.2.1, §6.3.2: "d").
  if ('d' in jwk) throw new InvalidJwtKeyFile(`${where} is a private key: give its public part`);
  let exported: JWK;
  try {
    exported = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ format: 'jwk' }) as JWK;
  } catch (e) {
    throw new InvalidJwtKeyFile(`${where} is not a usable public key: ${(e as Error).message}`);
  }
  // Members that choose the key for a token (RFC 7517 §4.4, §4.5, §4.2) are kept.
  for (const member of ['kid', 'alg', 'use'] as const) if (typeof jwk[member] === 'string') exported[member] = jwk[member] as string;
  return exported;
}

/**
 * Reads the verification keys of `--jwt-public-key`: a PEM public key (`BEGIN PUBLIC KEY`, an RSA
 * `BEGIN RSA PUBLIC KEY`) or X.509 certificate (`BEGIN CERTIFICATE`, as Google and Auth0 publish
 * theirs), one JWK (RFC 7517 §4), or a JWK Set (`{"keys": [...]}`, RFC 7517 §5, what a provider's
 * JWKS URL serves, saved to a file). Returns them as one JWK Set for jose's `createLocalJWKSet`;
 * throws {@link InvalidJwtKeyFile}.
 */
export function parseJwtPublicKeys(text: string): JSONWebKeySet {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (e) {
      throw new InvalidJwtKeyFile(`not JSON: ${(e as Error).message}`);
    }
    if (!isObject(json)) throw new InvalidJwtKeyFile('not a JWK or a JWK Set');
    if (Array.isArray(json.keys)) {
      if (json.keys.length === 0) throw new InvalidJwtKeyFile('the JWK Set has no keys');
      return { keys: json.keys.map((k: unknown, i) => publicJwk(k, `key ${i} of the JWK Set`)) };
    }
    return { keys: [publicJwk(json, 'the JWK')] };
  }
  if (!trimmed.startsWith('-----BEGIN ')) throw new InvalidJwtKeyFile('neither a PEM key or certificate nor a JWK or JWK Set (JSON)');
  if (/-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----/.test(trimmed)) {
    throw new InvalidJwtKeyFile('a private key: give the public key (openssl pkey -pubout) instead');
  }
  try {
    return { keys: [createPublicKey(trimmed).export({ format: 'jwk' }) as JWK] };
  } catch (e) {
    throw new InvalidJwtKeyFile(`not a usable PEM public key or certificate: ${(e as Error).message}`);
  }
}
