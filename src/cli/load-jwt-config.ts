import { readFile } from 'node:fs/promises';
import { InvalidJwtKeyFile, parseJwtPublicKeys } from '../gateway/keys/parse-jwt-public-keys.js';
import type { JwtConfig } from '../gateway/keys/verify-jwt.js';
import { CliError } from './cli-error.js';

/** The settings JWT verification reads besides `--jwt-secret`. */
export interface JwtSettings {
  jwtPublicKey?: string | undefined;
  jwtJwksUrl?: string | undefined;
  jwtAlgorithms?: string[] | undefined;
  jwtIssuer: string[];
  jwtAudience: string[];
}

/**
 * The asymmetric JWT keys and claim checks of `serve`, or undefined when neither
 * `--jwt-public-key` nor `--jwt-jwks-url` is set (issuer and audience still apply to
 * `--jwt-secret`'s tokens). A JWKS URL needs `--jwt-audience`: a provider's keys sign tokens for
 * every app it serves (any Google account gets ID tokens signed by Google's keys), and only the
 * audience tells the ones meant for this server apart (RFC 8725 §3.9; OpenID Connect Core §3.1.3.7).
 */
export async function loadJwtConfig(settings: JwtSettings): Promise<Omit<JwtConfig, 'secret'> | undefined> {
  const claims = {
    ...(settings.jwtIssuer.length > 0 ? { issuer: settings.jwtIssuer } : {}),
    ...(settings.jwtAudience.length > 0 ? { audience: settings.jwtAudience } : {}),
  };
  if (settings.jwtPublicKey === undefined && settings.jwtJwksUrl === undefined) return Object.keys(claims).length > 0 ? claims : undefined;
  if (settings.jwtJwksUrl !== undefined && settings.jwtAudience.length === 0) {
    throw new CliError('--jwt-jwks-url needs --jwt-audience: the provider\'s keys also sign tokens meant for other apps');
  }
  let publicKeys: JwtConfig['publicKeys'];
  if (settings.jwtPublicKey !== undefined) {
    let text: string;
    try {
      text = await readFile(settings.jwtPublicKey, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read --jwt-public-key ${settings.jwtPublicKey}: ${(e as Error).message}`);
    }
    try {
      publicKeys = parseJwtPublicKeys(text);
    } catch (e) {
      if (e instanceof InvalidJwtKeyFile) throw new CliError(`--jwt-public-key ${settings.jwtPublicKey}: ${e.message}`);
      throw e;
    }
  }
  return {
    ...claims,
    ...(publicKeys ? { publicKeys } : {}),
    ...(settings.jwtJwksUrl !== undefined ? { jwksUrl: settings.jwtJwksUrl } : {}),
    ...(settings.jwtAlgorithms ? { algorithms: settings.jwtAlgorithms } : {}),
  };
}
