/**
 * Binding safety: without API keys anyone who can reach the port can use the models, so
 * gemserve listens beyond this machine only with keys or an explicit `--allow-remote`.
 */
import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../config/config-error.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4'); // RFC 1122 §3.2.1.3: all of 127/8 is loopback
LOOPBACK.addAddress('::1', 'ipv6'); // RFC 4291 §2.5.3

/**
 * True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback (`::ffff:127.0.0.1`).
 * Any other name is not trusted to resolve to loopback, and `0.0.0.0`/`::` mean every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  if (mapped) return LOOPBACK.check(mapped[1], 'ipv4');
  const family = isIP(h);
  if (family === 4) return LOOPBACK.check(h, 'ipv4');
  if (family === 6) return LOOPBACK.check(h, 'ipv6');
  return false;
}

/** Throws {@link ConfigError} when listening on `host` would expose keyless models to the network. */
export function assertSafeBind(opts: { host: string; apiKeys: readonly string[]; allowRemote: boolean }): void {
  if (opts.apiKeys.length > 0 || opts.allowRemote || isLoopbackHost(opts.host)) return;
  throw new ConfigError(
    `refusing to listen on ${opts.host} without API keys: anyone who can reach it could use your models. ` +
      'Set keys with --api-key KEY (or GEMSERVE_API_KEYS=k1,k2), or pass --allow-remote if that is intended.',
  );
}
