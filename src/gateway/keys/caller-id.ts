import { createHash } from 'node:crypto';
import { ANONYMOUS_CALLER } from '../caller.js';

/**
 * The caller id of a raw API key (an `--api-key` key, or any key presented to a server with no
 * keys configured): a domain-separated hash, so the key itself is never stored and the id is not
 * the bare SHA-256 of the key, which other systems might also store; `anonymous` without a key.
 * Safe as a folder name (Files keep one folder per owner). Everything a caller owns or is counted
 * by (Files, cached contents, batches, limits, usage, response cache entries) is keyed by it.
 */
export function callerIdOf(apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === '') return ANONYMOUS_CALLER.id;
  return `k${createHash('sha256').update('gemserve caller id\0').update(apiKey).digest('hex').slice(0, 40)}`;
}
