import { createHash } from 'node:crypto';

/** The owner of everything uploaded without an API key (a server with no keys configured). */
export const ANONYMOUS_CALLER = 'anonymous';

/**
 * Who a request acts for, as stores record it: a hash of its API key (the key itself is never
 * stored), or {@link ANONYMOUS_CALLER} without one. Files belong to the key that uploaded them,
 * as Google's belong to the key's project. Domain-separated so the id is not the bare SHA-256
 * of the key, which other systems might also store.
 */
export function callerIdOf(apiKey: string | undefined): string {
  if (apiKey === undefined || apiKey === '') return ANONYMOUS_CALLER;
  return `k${createHash('sha256').update('gemserve caller id\0').update(apiKey).digest('hex').slice(0, 40)}`;
}
